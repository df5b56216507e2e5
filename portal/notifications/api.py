"""/api/v1/notifications/: the user's own messages (list, one, mark read, mark all read, unread count)."""
import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api import router

from . import services
from .kinds import all_kinds, label_of
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_kind_label(self, obj) -> str:
        return str(label_of(obj.kind))


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="unread")
    kind = django_filters.CharFilter()

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class ReadAllSerializer(serializers.Serializer):
    kind = serializers.CharField(required=False, allow_blank=True)

    def validate_kind(self, value):
        if value and value not in {k.name for k in all_kinds()}:
            raise serializers.ValidationError(_("Unknown kind of message “%(kind)s”.") % {"kind": value})
        return value


COUNT = inline_serializer("NotificationCount", {"unread": serializers.IntegerField()})


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's messages, newest first; anyone else's is a 404."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return services.for_user(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.notification_mark_read(user=request.user, notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=ReadAllSerializer, responses=COUNT)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        data = ReadAllSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.notifications_mark_read(user=request.user, kind=data.validated_data.get("kind", ""))
        return Response({"unread": services.unread_count(request.user)})

    @extend_schema(responses=COUNT)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": services.unread_count(request.user)})


router.register("notifications", NotificationViewSet, basename="notification")
