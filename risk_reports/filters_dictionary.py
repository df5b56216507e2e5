"""The dictionary's list filter: the page and the API (``risk-categories``) filter the same way."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import KeyDomain
from enterprises.validators import normalize_text

from .models import CheckCycle, RiskCategory, RiskLevel


class RiskCategoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name"))
    domain = django_filters.ModelChoiceFilter(queryset=KeyDomain.objects.order_by("order", "code"),
                                              to_field_name="code", null_label=_("General (no key domain)"),
                                              label=_("Key domain"))
    typical_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("Typical class"))
    cycle = django_filters.ChoiceFilter(choices=CheckCycle.choices, label=_("Check cycle"))
    active = django_filters.BooleanFilter(label=_("In use"))

    class Meta:
        model = RiskCategory
        fields = ["q", "domain", "typical_level", "cycle", "active"]

    def filter_q(self, queryset, name, value):
        value = normalize_text(value)
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value)) if value else queryset
