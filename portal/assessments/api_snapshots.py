"""/api/v1/snapshots/ and /api/v1/figures/: the quarter's snapshots of the regions the user may see
(request one with POST: the same service and checks as the page's button), their frozen values by
unit and figure, and the registered figures. Out of scope is a 404; a user without
``compute_snapshots`` reads nothing here (403 on a write, an empty list on a read)."""
import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api import router
from portal.api_common import call_service, enum_field, required_id
from portal.figures import registry
from portal.figures.periods import Period

from . import services
from .models import Snapshot, SnapshotValue


class SnapshotSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    state = enum_field(Snapshot.State, "SnapshotStateEnum", read_only=True)
    progress = serializers.IntegerField(read_only=True, help_text="Percent of the parts (districts) arrived.")

    class Meta:
        model = Snapshot
        fields = ["id", "region", "region_name", "period", "period_start", "period_end", "state", "parts_expected",
                  "parts_done", "progress", "computed_on", "requested_by", "requested_at", "finished_at", "message"]
        read_only_fields = fields


class SnapshotRequestSerializer(serializers.Serializer):
    region = serializers.IntegerField(help_text="A city or a district the user is bound within.")
    period = serializers.CharField(help_text="The period's key, e.g. 2026Q3.")


class SnapshotValueSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    region_level = serializers.CharField(source="region.level", read_only=True)

    class Meta:
        model = SnapshotValue
        fields = ["region", "region_name", "region_level", "parent", "figure", "label", "unit", "kind",
                  "higher_is_better", "value", "numerator", "denominator", "rank", "threshold", "threshold_value"]
        read_only_fields = fields


class SnapshotFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(help_text="e.g. 2026Q3")
    state = django_filters.ChoiceFilter(choices=Snapshot.State.choices)

    class Meta:
        model = Snapshot
        fields = ["region", "period", "state"]


class SnapshotViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The quarter's snapshots: who computed which period of which region, and their state."""

    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilter
    ordering = ["-requested_at", "-id"]

    def get_queryset(self):
        if not scope.holds(self.request.user, caps.COMPUTE_SNAPSHOTS):
            return Snapshot.objects.none()
        services.snapshot_fail_stale()
        return scope.visible(self.request.user, Snapshot.objects.select_related("region"))

    @extend_schema(request=SnapshotRequestSerializer, responses={201: SnapshotSerializer})
    def create(self, request, *args, **kwargs):
        """Compute a period of a region: answered at once in state "building"; poll the snapshot until
        it is "current" (or "failed"). The previous snapshot stays current meanwhile."""
        region_id = required_id(request.data, "region")
        regions = scope.regions(request.user).filter(level__in=(Region.Level.CITY, Region.Level.DISTRICT))
        region, _can = scope.get(request.user, regions, pk=region_id)
        body = SnapshotRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        period = Period.parse(body.validated_data["period"])
        if period is None:
            raise serializers.ValidationError({"period": ["请填写有效的期间，如 2026Q3。"]})
        snapshot = call_service(services.snapshot_request, region=region, period=period, by=request.user)
        snapshot.refresh_from_db()
        return Response(self.get_serializer(snapshot).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: SnapshotValueSerializer(many=True)}, filters=False, parameters=[
        OpenApiParameter("parent", int, description="Only the units ranked under this region (its children)."),
        OpenApiParameter("figure", str, description="Only this figure, e.g. risk.overdue_rate.")])
    @action(detail=True, methods=["get"], filter_backends=[])
    def values(self, request, pk=None):
        """Every frozen value of the snapshot: per unit and figure the value, numerator, denominator,
        rank among its siblings, the figure's label, unit, direction and the threshold in force."""
        snapshot = scope.get(request.user, self.get_queryset(), pk=pk)[0]
        rows = SnapshotValue.objects.filter(snapshot=snapshot).select_related("region").order_by(
            "figure", "region__path")
        parent, figure = request.query_params.get("parent"), request.query_params.get("figure")
        if parent:
            if not parent.isdigit():
                raise serializers.ValidationError({"parent": ["请填写有效的地区编号。"]})
            rows = rows.filter(parent_id=parent)
        if figure:
            rows = rows.filter(figure=figure)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(SnapshotValueSerializer(page, many=True).data)


class FigureSerializer(serializers.Serializer):
    name = serializers.CharField()
    namespace = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    kind = serializers.ChoiceField(choices=[registry.COUNT, registry.RATE, registry.AVERAGE])
    higher_is_better = serializers.BooleanField()
    threshold = serializers.CharField(help_text="The portal.rules threshold the figure is held to, if any.")
    takes_parameter = serializers.SerializerMethodField()

    def get_takes_parameter(self, figure) -> bool:
        return figure.resolve is not None


class FigureViewSet(viewsets.ViewSet):
    """The registered figures (what a snapshot holds and a statistics page shows)."""

    serializer_class = FigureSerializer

    @extend_schema(responses={200: FigureSerializer(many=True)}, filters=False)
    def list(self, request):
        if not scope.holds(request.user, caps.SUPERVISE):
            return Response([])
        return Response(FigureSerializer(registry.all(), many=True).data)


router.register("snapshots", SnapshotViewSet, basename="snapshot")
router.register("figures", FigureViewSet, basename="figure")
