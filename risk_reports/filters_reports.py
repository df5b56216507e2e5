"""The risk report list's filters (the review list of townships and the bureau, an enterprise's own
list). Querysets are scoped by the caller before they are filtered."""
import django_filters
from django.utils.translation import gettext_lazy as _

from enterprises.validators import normalize_text
from grid.models import Region
from portal.accounts import scope

from .models import ReportKind, ReportState, RiskReport


def _townships(request):
    if request is None:
        return Region.objects.none()
    return scope.townships(request.user)


class ReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Enterprise name"))
    township = django_filters.ModelChoiceFilter(field_name="enterprise__township", queryset=_townships,
                                                label=_("Township"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices, label=_("Kind"))
    state = django_filters.ChoiceFilter(choices=ReportState.choices, label=_("State"))
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = RiskReport
        fields = ["q", "township", "enterprise", "kind", "state", "year"]

    def filter_q(self, queryset, name, value):
        value = normalize_text(value)
        return queryset.filter(enterprise__name__icontains=value) if value else queryset
