"""The Changan code pages' form (the reason for a reissue) and the code list's filter set, which the
page and the API share. Querysets are scoped by the caller (``scope.visible``) before they are filtered."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enterprises.validators import normalize_text
from portal.ui import BootstrapFormMixin

from .models import ChanganCode, RiskLevel


class CodeReasonForm(BootstrapFormMixin, forms.Form):
    # not required here: the service says why in Chinese (one rule, page and API alike)
    reason = forms.CharField(label=_("Reason"), required=False,
                             max_length=ChanganCode._meta.get_field("revoke_reason").max_length,
                             help_text=_("Why the label is replaced, e.g. lost, damaged, unreadable."),
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))


class CodeState(django_filters.ChoiceFilter):
    LIVE, REVOKED = "live", "revoked"
    CHOICES = ((LIVE, pgettext_lazy("changan code", "Live")), (REVOKED, pgettext_lazy("changan code", "Revoked")))

    def __init__(self, **kwargs):
        super().__init__(choices=self.CHOICES, **kwargs)

    def filter(self, qs, value):
        if value == self.LIVE:
            return qs.filter(revoked_at__isnull=True)
        if value == self.REVOKED:
            return qs.filter(revoked_at__isnull=False)
        return qs


class CodeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Risk point or enterprise"))
    area = django_filters.CharFilter(method="filter_area", label=_("Workshop or area"))
    state = CodeState(label=_("State"))
    level = django_filters.ChoiceFilter(field_name="point__level", label=_("Class"), choices=RiskLevel.choices)
    enterprise = django_filters.NumberFilter(field_name="point__enterprise_id", label=_("Enterprise"))
    point = django_filters.NumberFilter(field_name="point_id", label=_("Risk point"))

    class Meta:
        model = ChanganCode
        fields = ["q", "area", "state", "level", "enterprise", "point"]

    def filter_q(self, queryset, name, value):
        value = normalize_text(value)
        if not value:
            return queryset
        return queryset.filter(Q(point__name__icontains=value) | Q(point__enterprise__name__icontains=value))

    def filter_area(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(point__area=value) if value else queryset
