"""The problem rules' list filter: the page and the API (``problem-rules``) filter the same way."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.figures import registry

from .models import ProblemRule


def figure_choices():
    """Every registered figure, by its label (a rule on a figure with a parameter is found by the figure)."""
    return [(f.name, f"{f.label}（{f.name}）") for f in registry.all()]


class ProblemRuleFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(label=_("In use"))
    figure = django_filters.ChoiceFilter(choices=figure_choices, method="filter_figure", label=_("Figure"))
    comparison = django_filters.ChoiceFilter(choices=ProblemRule.Comparison.choices, label=_("Comparison"))

    class Meta:
        model = ProblemRule
        fields = ["active", "figure", "comparison"]

    def filter_figure(self, queryset, name, value):
        return queryset.filter(Q(figure=value) | Q(figure__startswith=f"{value}:"))
