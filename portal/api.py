"""The REST API root (/api/v1/): each app adds its viewsets to ``router``; regions live here
because the territory app sits left of the scope module."""
import django_filters
from rest_framework import routers, serializers, viewsets

from grid.models import Region

from .accounts import scope

router = routers.DefaultRouter()


class RegionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["id", "name", "short_name", "level", "level_display", "code", "code_is_local", "parent", "order", "path"]


class RegionFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Region
        fields = ["level", "parent", "code", "name"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Regions the user may see: city, districts, townships, villages (scoped like everything)."""

    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    ordering_fields = ["order", "code", "name"]

    def get_queryset(self):
        return scope.regions(self.request.user).order_by("path")


router.register("regions", RegionViewSet, basename="region")
