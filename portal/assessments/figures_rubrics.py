"""The rubric figures (issue 12 item 4), registered so that the quarter's snapshot stores and ranks
them like any other figure (its code does not change) and problem rules can name them. One grouped
statement each, every child present that has a score.

- ``assessments.unit_score``: the quarterly score the level above (``region``) gave each unit
  below it in the period — an average (``Ratio``: points over scores), so that a quarter has the
  one score and a year the mean of its quarters. It does not roll up: a district's own row (in a
  table, in the city's snapshot) is the score the city gave it, not its townships' mean.
- ``assessments.enterprise_score_avg``: the mean of the monthly enterprise scores given in the
  period, by the enterprise's township when it was scored.
"""
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from portal.figures import registry
from portal.figures.queries import child_path, under, within

from .models import Score


def _averages(region, queryset):
    rows = (queryset.filter(under(region, "region"))
            .annotate(child=child_path(region, township="region", village="enterprise__village"))
            .values("child").annotate(points=Sum("total"), n=Count("pk")).values_list("child", "points", "n")
            .order_by())
    return {child: registry.Ratio(points, n) for child, points, n in rows if n}


def unit_score(region, period):
    """The quarterly scores ``region`` gave the units right below it, in the period."""
    scores = Score.objects.filter(within(period, "period_start"), kind=Score.Kind.QUARTERLY, assessor=region,
                                  period_end__lte=period.end)
    return _averages(region, scores)


def enterprise_score_avg(region, period):
    """The mean monthly enterprise score in the period, by township (and below a township, village)."""
    scores = Score.objects.filter(within(period, "period_start"), kind=Score.Kind.ENTERPRISE,
                                  period_end__lte=period.end)
    return _averages(region, scores)


registry.register("assessments.unit_score", _("Quarterly assessment score"), _("points"), True, unit_score,
                  kind=registry.AVERAGE, rolls_up=False)
registry.register("assessments.enterprise_score_avg", _("Average enterprise assessment score"), _("points"), True,
                  enterprise_score_avg, kind=registry.AVERAGE)
