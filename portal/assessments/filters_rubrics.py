"""The score and plan lists' filters: the pages and the API filter the same way."""
import django_filters
from django.utils.translation import gettext_lazy as _

from grid.models import Region

from .models import RectificationPlan, Score


class ScoreFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Score.Kind.choices, label=_("Kind"))
    period = django_filters.CharFilter(label=_("Period"), help_text=_("2026-10 or 2026Q4"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.exclude(level=Region.Level.VILLAGE),
                                              label=_("Unit"), method="filter_region")
    flagged = django_filters.BooleanFilter(label=_("Under the pass mark"))
    q = django_filters.CharFilter(method="filter_q", label=_("Enterprise"))

    class Meta:
        model = Score
        fields = ["kind", "period", "region", "flagged"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)

    def filter_q(self, queryset, name, value):
        return queryset.filter(enterprise__name__icontains=value.strip())


class PlanFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=RectificationPlan.State.choices, label=_("State"))
    year = django_filters.NumberFilter(label=_("Year"))
    township = django_filters.ModelChoiceFilter(queryset=Region.objects.filter(level=Region.Level.TOWNSHIP),
                                                label=_("Township"))
    q = django_filters.CharFilter(method="filter_q", label=_("Enterprise"))

    class Meta:
        model = RectificationPlan
        fields = ["state", "year", "township"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(enterprise__name__icontains=value.strip())
