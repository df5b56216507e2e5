"""The grouped-count helpers every app's ``figures.py`` builds on (STYLE "Figures: SQL does the
counting"): one grouped statement per figure, whatever the number of child regions.

Rows reach a region through a township foreign key (the township *at the time* for records such as
inspections and hazards, so a transfer never rewrites a past quarter). Below a township they fall
under the enterprise's village when that village lies in the township, else under the key None,
which no child region has (see ``child_path``).
"""
from decimal import Decimal

from django.db.models import Case, CharField, Count, DecimalField, F, IntegerField, Q, Value, When

from grid.models import Region, child_path_expr

from .registry import Rate


def child_path(region, *, township="township", village="enterprise__village"):
    """The path of the child of ``region`` a row lies under: the prefix of its township's path, or
    below a township the path of ``village`` when that village lies in ``region`` (else None)."""
    if region.level == Region.Level.TOWNSHIP:
        path = f"{village}__path"
        return Case(When(**{f"{path}__startswith": region.path}, then=child_path_expr(region, path)),
                    default=None, output_field=CharField())
    return child_path_expr(region, f"{township}__path")


def under(region, township="township"):
    """Rows whose township lies under ``region`` (an indexed prefix filter)."""
    return Q(**{f"{township}__path__startswith": region.path})


def within(period, field):
    """Rows whose date ``field`` falls in ``period`` (both ends included)."""
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def grouped_counts(region, queryset, zero=0, *, township="township", village="enterprise__village", **aggregate):
    """``{child: value}`` of the one aggregate over ``queryset`` grouped by child region, every
    child of ``region`` present (``zero`` where no row falls under it): the grouped rows are
    ``UNION ALL``-ed with the children at zero, still one statement. Rows under no child (a
    township's enterprises in no village) are under None."""
    (name, expression), = aggregate.items()
    grouped = (queryset.filter(under(region, township))
               .annotate(child=child_path(region, township=township, village=village))
               .values("child").annotate(**{name: expression}).values_list("child", name).order_by())
    output = DecimalField(max_digits=14, decimal_places=2) if isinstance(zero, Decimal) else IntegerField()
    zeros = (region.children.order_by().annotate(child=F("path"), **{name: Value(zero, output_field=output)})
             .values_list("child", name))
    out = {}
    for child, value in grouped.union(zeros, all=True):
        out[child] = out[child] + value if child in out else value
    return out


def grouped_rates(region, queryset, part, *, township="township", village="enterprise__village", distinct=False):
    """``{child: Rate(part, whole)}``: rows of ``queryset`` matching the condition ``part`` over all
    its rows, per child region. Children without a row are absent (nothing to divide by: unranked).
    One statement."""
    rows = (queryset.filter(under(region, township))
            .annotate(child=child_path(region, township=township, village=village)).values("child")
            .annotate(whole=Count("pk", distinct=distinct), part=Count("pk", filter=part, distinct=distinct))
            .order_by())
    return {row["child"]: Rate(row["part"], row["whole"]) for row in rows}
