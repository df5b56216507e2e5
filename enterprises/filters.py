"""One filter set for the roster: the page, the API and the exports filter the same way."""
import django_filters
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from portal.accounts import scope

from .models import Enterprise, Industry, KeyDomain, Status
from .validators import normalize_credit_code, normalize_text


def _townships(request):
    if request is None:
        return Enterprise.township.field.related_model.objects.none()
    return scope.townships(request.user)


def _grid_cells(request):
    if request is None:
        return Enterprise.grid_cell.field.related_model.objects.none()
    return scope.grid_cells(request.user)


# Seed 000 item 3: "督促重点行业领域及规上企业明确安全生产管理科…完成安全生产管理科挂牌工作" — key-sector
# *and* above-scale enterprises set up a safety management section by end of March. A deregistered
# enterprise is asked nothing.
SAFETY_SECTION_MISSING = ((Q(is_key_sector=True) | Q(above_scale=True)) & Q(safety_section_established=False)
                          & ~Q(status=Status.DEREGISTERED))


# Each industry followed by its sub-industries: a sub-industry can be picked alone (钢铁), an
# industry brings its sub-industries along (冶金 = 钢铁 + 铁合金 + ...).
_INDUSTRIES = Industry.objects.select_related("parent").order_by(
    Coalesce("parent__order", "order"), Coalesce("parent__code", "code"), F("parent").asc(nulls_first=True),
    "order", "code")


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name or credit code"))
    township = django_filters.ModelChoiceFilter(queryset=_townships, label=_("Township"))
    industry = django_filters.ModelChoiceFilter(queryset=_INDUSTRIES, method="filter_industry", label=_("Industry"))
    key_domain = django_filters.ModelChoiceFilter(field_name="key_domains", queryset=KeyDomain.objects.all(),
                                                  label=_("Key domain"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    above_scale = django_filters.BooleanFilter(label=_("Above designated size"))
    is_key_sector = django_filters.BooleanFilter(label=_("Key sector"))
    grid_cell = django_filters.ModelChoiceFilter(queryset=_grid_cells, label=_("Grid cell"))
    min_dust_workers = django_filters.NumberFilter(field_name="dust_workers_per_shift", lookup_expr="gte",
                                                   label=_("Dust workers per shift at least"))
    safety_section_missing = django_filters.BooleanFilter(
        method="filter_safety_section_missing", label=_("Safety management section missing"))
    no_grid_cell = django_filters.BooleanFilter(field_name="grid_cell", lookup_expr="isnull",
                                                label=_("Outside any grid cell"))

    class Meta:
        model = Enterprise
        fields = ["q", "township", "industry", "key_domain", "status", "above_scale", "is_key_sector",
                  "min_dust_workers", "grid_cell", "no_grid_cell"]

    def filter_q(self, queryset, name, value):
        value = normalize_text(value)
        if not value:
            return queryset
        code = normalize_credit_code(value)
        if len(code) == 18 and code.isalnum() and code.isascii():
            # a whole credit code: the unique index answers it (name search would scan the roster)
            return queryset.filter(credit_code=code)
        return queryset.filter(name__icontains=value)

    def filter_safety_section_missing(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(SAFETY_SECTION_MISSING) if value else queryset.exclude(SAFETY_SECTION_MISSING)

    def filter_industry(self, queryset, name, value):
        return queryset.filter(Q(industry=value) | Q(industry__parent=value))
