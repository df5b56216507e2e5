"""/api/v1/site-plans/ and /api/v1/point-placements/: the risk map (issue 11 item 3). Floor plans the
user may see with their placements; an upload (multipart: enterprise for a supervisor acting for it,
site, image), a new image, retiring; placing a point (plan, point, x, y as fractions 0..1), moving
(PATCH x, y) and removing it. Thin over ``services.maps`` and ``scope``: out of scope a 404, a
reader's write a 403, then the service's Chinese ``ValidationError`` as a 400.

    POST /api/v1/point-placements/  {"plan": 3, "point": 17, "x": "0.25", "y": "0.6"}
    → 201 {"id": 9, "plan": 3, "point": 17, "point_name": "抛光工位", "level": "red", "x": "0.2500", ...}
"""
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api import router
from portal.api_common import PARSERS, AttachmentSerializer, call_service, enum_field, required_id

from .api.points import managed_enterprise
from .models import PointPlacement, RiskLevel, RiskPoint, SitePlan
from .services import maps as services


class PointPlacementSerializer(serializers.ModelSerializer):
    point_name = serializers.CharField(source="point.name", read_only=True)
    area = serializers.CharField(source="point.area", read_only=True)
    level = enum_field(RiskLevel, "RiskLevelEnum", source="point.level", read_only=True)

    class Meta:
        model = PointPlacement
        fields = ["id", "plan", "point", "point_name", "area", "level", "x", "y", "placed_at", "placed_by"]
        read_only_fields = fields


class SitePlanSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    image = AttachmentSerializer(read_only=True)
    placements = PointPlacementSerializer(many=True, read_only=True)

    class Meta:
        model = SitePlan
        fields = ["id", "enterprise", "enterprise_name", "site", "image", "width", "height", "uploaded_at",
                  "uploaded_by", "created_on", "retired_on", "placements"]
        read_only_fields = fields


class PlanUploadSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(required=False, help_text="For a supervisor acting for an enterprise; "
                                                                    "an enterprise user's own by default.")
    site = serializers.CharField(max_length=200, allow_blank=True)
    image = serializers.FileField(help_text="JPEG, PNG or WebP; re-encoded, size-limited (risk.floor_plan_max_mb).")


class PlanImageSerializer(serializers.Serializer):
    image = serializers.FileField()


class PlacementCreateSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    point = serializers.IntegerField()
    x = serializers.CharField(max_length=32, help_text="Fraction of the plan's width from its left edge, 0..1.")
    y = serializers.CharField(max_length=32, help_text="Fraction of the plan's height from its top edge, 0..1.")


class PlacementMoveSerializer(serializers.Serializer):
    x = serializers.CharField(max_length=32)
    y = serializers.CharField(max_length=32)


def _visible_placements(user):
    return scope.visible(user, PointPlacement.objects.select_related("point").order_by("point__area", "point__name",
                                                                                       "pk"))


class SitePlanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Floor plans the user may see (retired ones too; filter ``retired=false`` for the live ones)."""

    serializer_class = SitePlanSerializer
    parser_classes = PARSERS
    filterset_fields = ["enterprise", "site"]
    ordering = ["enterprise_id", "site", "id"]

    def get_queryset(self):
        user = self.request.user
        if not scope.can(user, caps.VIEW_RISK):
            return SitePlan.objects.none()
        qs = scope.visible(user, SitePlan.objects.select_related("enterprise", "image").prefetch_related(
            Prefetch("placements", queryset=_visible_placements(user))))
        retired = self.request.query_params.get("retired")
        if retired in ("false", "0"):
            qs = qs.filter(retired_on__isnull=True)
        elif retired in ("true", "1"):
            qs = qs.filter(retired_on__isnull=False)
        return qs

    def _detail(self, plan, code=status.HTTP_200_OK):
        return Response(SitePlanSerializer(self.get_queryset().get(pk=plan.pk), context={"request": self.request}).data,
                        status=code)

    def _plan(self, request, pk):
        return scope.get_for(request.user, self.get_queryset(), caps.MANAGE_RISK_POINTS, pk=pk)

    @extend_schema(request=PlanUploadSerializer, responses={201: SitePlanSerializer},
                   description="Upload the floor plan of a new site of the enterprise.")
    def create(self, request, *args, **kwargs):
        enterprise = managed_enterprise(request)
        serializer = PlanUploadSerializer(data={"site": request.data.get("site", ""),
                                                "image": request.FILES.get("image")})
        serializer.is_valid(raise_exception=True)
        plan = call_service(services.site_plan_upload, enterprise=enterprise, by=request.user,
                            site=serializer.validated_data["site"], image=serializer.validated_data["image"])
        return self._detail(plan, status.HTTP_201_CREATED)

    @extend_schema(request=PlanImageSerializer, responses={200: SitePlanSerializer}, filters=False,
                   description="A new image of the same site; the points stay where they were.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def replace(self, request, pk=None):
        plan = self._plan(request, pk)
        serializer = PlanImageSerializer(data={"image": request.FILES.get("image")})
        serializer.is_valid(raise_exception=True)
        call_service(services.site_plan_replace, plan=plan, by=request.user, image=serializer.validated_data["image"])
        return self._detail(plan)

    @extend_schema(request=None, responses={200: SitePlanSerializer}, filters=False,
                   description="Retire the plan; it and its placements stay as history.")
    @action(detail=True, methods=["post"], filter_backends=[])
    def retire(self, request, pk=None):
        plan = self._plan(request, pk)
        call_service(services.site_plan_retire, plan=plan, by=request.user)
        return self._detail(plan)


class PointPlacementViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Where the enterprise's risk points stand on its floor plans."""

    serializer_class = PointPlacementSerializer
    parser_classes = PARSERS
    filterset_fields = ["plan", "point"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if not scope.can(self.request.user, caps.VIEW_RISK):
            return PointPlacement.objects.none()
        return _visible_placements(self.request.user)

    def _placement(self, request, pk):
        return scope.get_for(request.user, self.get_queryset().select_related("plan__enterprise"),
                             caps.MANAGE_RISK_POINTS, pk=pk)

    def _detail(self, placement, code=status.HTTP_200_OK):
        return Response(PointPlacementSerializer(self.get_queryset().get(pk=placement.pk)).data, status=code)

    @extend_schema(request=PlacementCreateSerializer, responses={201: PointPlacementSerializer},
                   description="Place a point of the plan's enterprise on the plan at (x, y), fractions 0..1.")
    def create(self, request, *args, **kwargs):
        # the plan decides scope first (404 out of scope, 403 read-only), before the body is read
        plan = scope.get_for(request.user, SitePlan.objects.select_related("enterprise"), caps.MANAGE_RISK_POINTS,
                             pk=required_id(request.data, "plan"))
        serializer = PlacementCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        point = scope.visible(request.user, RiskPoint.objects.filter(pk=data["point"])).first()
        placement = call_service(services.placement_create, plan=plan, point=point, x=data["x"], y=data["y"],
                                 by=request.user)
        return self._detail(placement, status.HTTP_201_CREATED)

    @extend_schema(request=PlacementMoveSerializer, responses={200: PointPlacementSerializer},
                   description="Move the point to (x, y), fractions 0..1.")
    def partial_update(self, request, pk=None):
        placement = self._placement(request, pk)
        serializer = PlacementMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(services.placement_move, placement=placement, by=request.user, **serializer.validated_data)
        return self._detail(placement)

    @extend_schema(responses={204: None}, description="Take the point off the plan.")
    def destroy(self, request, pk=None):
        placement = self._placement(request, pk)
        call_service(services.placement_remove, placement=placement, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


router.register("site-plans", SitePlanViewSet, basename="site-plan")
router.register("point-placements", PointPlacementViewSet, basename="point-placement")
