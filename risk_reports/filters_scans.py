"""The scan list's filters, shared by the page and the API. Querysets are scoped by the caller
(``scope.visible``) before they are filtered."""
import django_filters
from django.utils.translation import gettext_lazy as _

from enterprises.validators import normalize_text
from portal.accounts import scope

from .models import Scan


def _townships(request):
    if request is None:
        return Scan.township.field.related_model.objects.none()
    return scope.townships(request.user)


class ScanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Enterprise name"))
    township = django_filters.ModelChoiceFilter(queryset=_townships, label=_("Township"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    point = django_filters.NumberFilter(field_name="point_id", label=_("Risk point"))
    area = django_filters.CharFilter(field_name="point__area", lookup_expr="icontains", label=_("Workshop or area"))
    after = django_filters.DateFilter(field_name="done_on", lookup_expr="gte", label=_("Checked from"))
    before = django_filters.DateFilter(field_name="done_on", lookup_expr="lte", label=_("Checked until"))
    failed = django_filters.BooleanFilter(method="filter_failed", label=_("With failed items"))
    by_principal = django_filters.BooleanFilter(label=_("By the principal"))

    class Meta:
        model = Scan
        fields = ["q", "township", "enterprise", "point", "area", "after", "before", "failed", "by_principal"]

    def filter_q(self, queryset, name, value):
        value = normalize_text(value)
        return queryset.filter(enterprise__name__icontains=value) if value else queryset

    def filter_failed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(failed__gt=0) if value else queryset.filter(failed=0)
