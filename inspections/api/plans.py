"""/api/v1/inspection-plans/: enforcement plans, their items, live completion and overdue items."""
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enterprises.models import Enterprise
from grid.models import PATH_STEP
from portal.accounts import capabilities as caps
from portal.accounts import scope

from .. import services
from ..filters import PlanFilter
from ..models import InspectionPlan, PlanItem
from .common import call_service, enum_field


class PlanSerializer(serializers.ModelSerializer):
    kind = enum_field(InspectionPlan.Kind, "InspectionPlanKindEnum", default=InspectionPlan.Kind.ANNUAL)
    status = enum_field(InspectionPlan.Status, "InspectionPlanStatusEnum", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    items_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = InspectionPlan
        fields = ["id", "title", "kind", "kind_display", "region", "region_name", "year", "start", "end", "status",
                  "status_display", "description", "sample", "items_count", "created_by", "created_at"]
        read_only_fields = ["region", "status", "sample", "created_by", "created_at"]


class PlanCompletionSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Plan items.")
    due = serializers.IntegerField(help_text="Items due by today.")
    done = serializers.IntegerField(help_text="Items with a submitted inspection.")
    done_due = serializers.IntegerField(help_text="Due items with a submitted inspection.")
    overdue = serializers.IntegerField(help_text="Due items without one.")
    rate = serializers.FloatField(allow_null=True, help_text="done_due ÷ due in %, null when nothing is due yet.")


class PlanDetailSerializer(PlanSerializer):
    completion = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "completion"]

    @extend_schema_field(PlanCompletionSerializer)
    def get_completion(self, obj):
        return services.plan_completion(obj)


class PlanCreateSerializer(PlanSerializer):
    region = serializers.IntegerField(
        required=False, allow_null=True,
        help_text="Only for the superuser: the planning district or township. Everyone else plans for "
                  "their own region.")

    class Meta(PlanSerializer.Meta):
        read_only_fields = ["status", "sample", "created_by", "created_at"]
        extra_kwargs = {"start": {"required": False}, "end": {"required": False}}


class PlanItemSerializer(serializers.ModelSerializer):
    source = enum_field(PlanItem.Source, "PlanItemSourceEnum", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    assignee_name = serializers.CharField(source="assignee.display_name", read_only=True, allow_null=True)
    done = serializers.BooleanField(read_only=True, help_text="A submitted inspection is linked (as of today).")

    class Meta:
        model = PlanItem
        fields = ["id", "plan", "enterprise", "enterprise_name", "township", "township_name", "due_date",
                  "assignee", "assignee_name", "source", "done"]


class PlanItemsAddSerializer(serializers.Serializer):
    enterprises = serializers.ListField(child=serializers.IntegerField(), allow_empty=False,
                                        help_text="Ids of enterprises the user may see.")
    due_date = serializers.DateField()
    assignee = serializers.IntegerField(required=False, allow_null=True,
                                        help_text="Cross-inspections: the township inspector assigned.")
    include_deregistered = serializers.BooleanField(
        default=False, help_text="Keep deregistered enterprises (verification checks of deregistered "
                                 "enterprises, seed 000 item 2); by default they are left out.")


class PlanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Enforcement plans of the user's region; the detail adds the live completion."""

    filterset_class = PlanFilter
    ordering_fields = ["year", "title", "start"]
    ordering = ["-year", "id"]

    def get_queryset(self):
        return scope.visible(self.request.user, InspectionPlan.objects.select_related("region")).annotate(
            items_count=Count("items"))

    def get_serializer_class(self):
        if self.action == "create":
            return PlanCreateSerializer
        return PlanDetailSerializer if self.action == "retrieve" else PlanSerializer

    def _for_change(self, pk):
        """404 out of scope; 403 unless the user's unit made the plan (a cross-inspector only reads it)."""
        return scope.get_for(self.request.user, InspectionPlan.objects.select_related("region"), caps.PLAN, pk=pk)

    @extend_schema(responses={201: PlanDetailSerializer})
    def create(self, request, *args, **kwargs):
        if not scope.can(request.user, caps.PLAN):  # before the input: a 403, not field errors
            raise PermissionDenied(_("Your account may not take this step."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        region = scope.bound_region(request.user)
        requested = data.pop("region", None)
        if request.user.is_superuser and requested is not None:
            region = scope.regions(request.user).filter(pk=requested).first()
        plan = call_service(services.plan_create, region=region, by=request.user, **data)
        plan.items_count = 0
        return Response(PlanDetailSerializer(plan, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def _items_page(self, queryset):
        queryset = queryset.select_related("enterprise", "township", "assignee").order_by("due_date", "id")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(PlanItemSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], request=None, responses=PlanItemSerializer(many=True), filters=False)
    @extend_schema(methods=["POST"], request=PlanItemsAddSerializer,
                   responses={201: inline_serializer("PlanItemsAdded", {
                       "added": serializers.IntegerField(), "completion": PlanCompletionSerializer()})})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def items(self, request, pk=None):
        """GET: the plan's items (``done``: a submitted inspection is linked). POST: add enterprises
        (already planned ones are skipped)."""
        if request.method == "GET":
            plan = self.get_object()
            return self._items_page(services.done_items(plan.items.all(), timezone.localdate()))
        plan = self._for_change(pk)
        serializer = PlanItemsAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ids = set(data["enterprises"])
        enterprises = list(scope.visible(request.user, Enterprise.objects.select_related("township"))
                           .filter(pk__in=ids))
        unknown = sorted(ids - {e.pk for e in enterprises})
        if unknown:
            raise serializers.ValidationError({"enterprises": [
                _("No enterprise you may see has the id %(ids)s.") % {"ids": "、".join(map(str, unknown))}]})
        assignee = None
        if data.get("assignee") is not None:
            assignee = scope.cross_inspectors(get_user_model().objects).filter(
                pk=data["assignee"], region__path__startswith=plan.region.path[:PATH_STEP * 2]
            ).select_related("region").first()
            if assignee is None:
                raise serializers.ValidationError({"assignee": [_("Pick a township inspector of this district.")]})
        added = call_service(services.plan_items_add, plan=plan, by=request.user, enterprises=enterprises,
                      due_date=data["due_date"], assignee=assignee,
                      include_deregistered=data["include_deregistered"])
        return Response({"added": added, "completion": services.plan_completion(plan)}, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PlanItemSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def overdue(self, request, pk=None):
        """Items past their due date without a submitted inspection."""
        return self._items_page(services.plan_items_overdue(self.get_object()))
