"""/api/v1/penalties/ (administrative penalties following an inspection) and /api/v1/campaigns/
(created by a district or township, with the enterprises not cleared at a campaign's end)."""
from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enterprises.models import Enterprise
from portal.accounts import capabilities as caps
from portal.accounts import scope

from .. import services
from ..filters import PenaltyFilter
from ..models import Campaign, Inspection, Penalty
from .common import call_service, enum_field, required_id
from .self_checks import CampaignSelfCheckSendMixin


# -- penalties ---------------------------------------------------------------------------------------------------------
class PenaltySerializer(serializers.ModelSerializer):
    status = enum_field(Penalty.Status, "PenaltyStatusEnum", default=Penalty.Status.DECIDED)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    inspection = serializers.IntegerField(source="inspection_id", help_text="The inspection the penalty follows.")

    class Meta:
        model = Penalty
        fields = ["id", "inspection", "enterprise", "enterprise_name", "township", "township_name",
                  "decision_number", "decided_on", "violation", "legal_basis", "fine", "status", "status_display",
                  "created_by", "created_at"]
        read_only_fields = ["enterprise", "township", "created_by", "created_at"]
        # the service checks these with its own (Chinese) messages: a negative fine, a blank basis;
        # the fine is required (0 when none): the model's default is no answer to "how much?"
        extra_kwargs = {"fine": {"validators": [], "min_value": None, "required": True},
                        "violation": {"allow_blank": True},
                        "legal_basis": {"allow_blank": True}}


class PenaltyStatusSerializer(serializers.Serializer):
    status = enum_field(Penalty.Status, "PenaltyStatusEnum")


class PenaltyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Administrative penalties the user may see; decided by inspectors, following an inspection."""

    serializer_class = PenaltySerializer
    filterset_class = PenaltyFilter
    ordering_fields = ["decided_on", "fine", "id"]
    ordering = ["-decided_on", "-id"]

    def get_queryset(self):
        return scope.visible(self.request.user, Penalty.objects.select_related("enterprise", "township"))

    def create(self, request, *args, **kwargs):
        # scope (404), then who may decide (403), before the input is read (400)
        inspection = scope.get_for(request.user, Inspection.objects.all(), caps.PENALISE,
                                   pk=required_id(request.data, "inspection"),
                                   message=_("Only inspectors decide administrative penalties."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("inspection_id")
        penalty = call_service(services.penalty_create, inspection=inspection, by=request.user, **data)
        return Response(self.get_serializer(penalty).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PenaltyStatusSerializer, responses={200: PenaltySerializer}, filters=False)
    @action(detail=True, methods=["post"], url_path="status", filter_backends=[])
    def set_status(self, request, pk=None):
        """Executed or revoked (a revoked penalty changes no more)."""
        penalty = scope.get_for(request.user, Penalty.objects.all(), caps.PENALISE, pk=pk)
        serializer = PenaltyStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        penalty = call_service(services.penalty_set_status, penalty=penalty, by=request.user,
                        status=serializer.validated_data["status"])
        return Response(self.get_serializer(self.get_queryset().get(pk=penalty.pk)).data)


# -- campaigns ---------------------------------------------------------------------------------------------------------
class CampaignSerializer(serializers.ModelSerializer):
    kind = enum_field(Campaign.Kind, "CampaignKindEnum", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    targets = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "kind", "kind_display", "region", "region_name", "start", "end", "description",
                  "targets", "created_at"]


class CampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    kind = enum_field(Campaign.Kind, "CampaignKindEnum")
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    region = serializers.IntegerField(
        required=False, allow_null=True,
        help_text="Only for the superuser: the campaign's district or township. Everyone else runs campaigns "
                  "of their own region.")


class NotClearedSerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    open_at_end = serializers.IntegerField(read_only=True, help_text="Major hazards open at the campaign's end.")
    still_open = serializers.IntegerField(read_only=True, help_text="Of those, still open today.")

    class Meta:
        model = Enterprise
        fields = ["id", "name", "township", "township_name", "open_at_end", "still_open"]


class CampaignViewSet(CampaignSelfCheckSendMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Campaigns of the user's region; not-cleared lists the targets with major hazards open at its end."""

    serializer_class = CampaignSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["start", "end", "name"]
    ordering = ["-start", "id"]

    def get_queryset(self):
        return scope.visible(self.request.user, Campaign.objects.select_related("region").prefetch_related("targets"))

    def get_serializer_class(self):
        return CampaignCreateSerializer if self.action == "create" else CampaignSerializer

    @extend_schema(request=CampaignCreateSerializer, responses={201: CampaignSerializer},
                   description="A campaign of the user's own district or township (the page's \"new campaign\"); "
                               "its targets are added on the campaign page.")
    def create(self, request, *args, **kwargs):
        user = request.user
        if not scope.can(user, caps.MANAGE_CAMPAIGNS):  # before the input: a 403, not field errors
            raise PermissionDenied(_("Your account may not take this step."))
        serializer = CampaignCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        requested = data.pop("region", None)
        region = scope.bound_region(user)
        if user.is_superuser and requested is not None:
            region = scope.regions(user).filter(pk=requested).first()
        campaign = call_service(services.campaign_create, region=region, by=user, **data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=NotClearedSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], url_path="not-cleared", filter_backends=[])
    def not_cleared(self, request, pk=None):
        enterprises = scope.visible(request.user, services.campaign_not_cleared(self.get_object()))
        page = self.paginate_queryset(enterprises)
        return self.get_paginated_response(NotClearedSerializer(page, many=True).data)
