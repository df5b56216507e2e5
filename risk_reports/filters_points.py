"""The risk point list's filters: the page, the API and the .xlsx export filter the same way.
Querysets are scoped by the caller (``scope.visible``) before they are filtered."""
import django_filters
from django.utils.translation import gettext_lazy as _

from enterprises.validators import normalize_text
from grid.models import Region
from portal.accounts import scope

from .models import CheckCycle, RiskCategory, RiskLevel, RiskPoint


def _townships(request):
    if request is None:
        return Region.objects.none()
    return scope.townships(request.user)


class PointFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Enterprise name"))
    township = django_filters.ModelChoiceFilter(queryset=_townships, field_name="enterprise__township",
                                                label=_("Township"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    area = django_filters.CharFilter(method="filter_area", label=_("Workshop or area"))
    level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("Class"))
    category = django_filters.ModelChoiceFilter(queryset=RiskCategory.objects.all(), label=_("Dictionary category"))
    cycle = django_filters.ChoiceFilter(choices=CheckCycle.choices, label=_("Check cycle"))
    retired = django_filters.BooleanFilter(method="filter_retired", label=_("Retired"))

    class Meta:
        model = RiskPoint
        fields = ["q", "township", "enterprise", "area", "level", "category", "cycle", "retired"]

    def filter_q(self, queryset, name, value):
        value = normalize_text(value)
        return queryset.filter(enterprise__name__icontains=value) if value else queryset

    def filter_area(self, queryset, name, value):
        value = normalize_text(value)
        return queryset.filter(area=value) if value else queryset

    def filter_retired(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(retired_on__isnull=not value)
