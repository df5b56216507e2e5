"""The risk-control figures (issue 9 item 7; seed 001 (三) and problem (二)), registered in
``portal.figures.registry``: ``fn(region, period) -> {child_path: value}``, one grouped query each
(the overdue rate three, ``risk_reports.overdue``).

Where each thing is counted:

- scans (enterprises using the code, principal participation) and hazards found by scanning under
  the township *at the time* they carry, like the inspections' figures;
- risk points under their enterprise's current township (a point has no township of its own), alive
  at the period's end (recorded by then, not retired by then), of enterprises still on the roster;
- the roster's enterprises (usage rate, the averages per enterprise) by their current township and
  status, like ``inspections.coverage``: "per enterprise" is per *producing* enterprise, the
  usage rate's denominator, so a unit whose enterprises record no point or find no hazard ranks low;
- overdue cycles as ``risk_reports.overdue`` defines them.

Counts include every child with a zero; rates and averages are absent where there is nothing to
divide by (unranked). An average is a ``registry.Ratio`` (kind "average"): a ``Rate`` whose value
is the plain quotient (points per enterprise), not a percentage, so that a district's average rolls up from its townships' sums.
"""

import datetime

from django.db.models import (BooleanField, Case, CharField, Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value,
                              When)
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, Status
from grid.models import Region
from inspections.models import Hazard, HazardSource
from portal.figures import registry
from portal.figures.queries import child_path, grouped_counts, grouped_rates, under, within
from portal.figures.registry import Rate, Ratio

from . import rollups
from .models import PointLife, RiskLevel, RiskPoint, Scan, ScanMonth
from .overdue import overdue_rates

ONE_DAY = datetime.timedelta(days=1)


def _alive_at_end(period):
    """Points recorded by the period's end and not retired by then, of enterprises on the roster."""
    return (Q(created_on__lte=period.end) & (Q(retired_on__isnull=True) | Q(retired_on__gt=period.end))
            & ~Q(enterprise__status=Status.DEREGISTERED))


def _points(period, **filters):
    return RiskPoint.objects.filter(_alive_at_end(period), **filters)


def _point_counts(region, qs):
    return grouped_counts(region, qs, township="enterprise__township", n=Count("pk"))


def _scans(period):
    return Scan.objects.filter(within(period, "done_on"))


def _scan_hazards(period):
    return Hazard.objects.filter(within(period, "found_on"), source=HazardSource.SCAN)


@registry.shared(widen=True)
def _producing_by_township(region, period):
    """``{path: n}``: producing enterprises on the roster under each unit down to the townships of
    ``region`` (above a township), every unit present. One statement; widened in a
    ``batch(over=city)``."""
    return _counts_by_township(region, Enterprise.objects.filter(status=Status.PRODUCING))


def _counts_by_township(region, queryset):
    """``{path: n}``: the rows of ``queryset`` (with a ``township``) under each unit down to the
    townships of ``region``, every unit present (at zero, ``UNION ALL``-ed): one statement."""
    rows = queryset.filter(under(region)).values_list("township__path").annotate(n=Count("pk")).order_by()
    zeros = _units_under(region).order_by().annotate(n=Value(0, output_field=IntegerField())).values_list("path", "n")
    out = {}
    for path, n in rows.union(zeros, all=True):
        out[path] = out.get(path, 0) + n
    return out


def _summed(region, by_township):
    """``{child: n}`` of ``region``'s children from a widened ``{path: n}``."""
    return {child: sum(parts) for child, parts in registry.part_of(region, by_township).items()}


@registry.shared
def _producing(region, period):
    """Producing enterprises per child region: ``{child: n}``. One query below a township; above,
    summed from ``_producing_by_township``."""
    if region.level != Region.Level.TOWNSHIP:
        return _summed(region, _producing_by_township(region, period))
    return grouped_counts(region, Enterprise.objects.filter(status=Status.PRODUCING), village="village",
                          n=Count("pk"))


# -- using the code ---------------------------------------------------------------------------------------------------
@registry.shared(widen=True)
def _scans_by_township(region, period):
    """``{path: {enterprise_id: whether its principal scanned}}`` for the scans in the period
    under the townships of ``region`` (above a township), every unit down to the townships
    present. Two queries: the units, then the scans grouped by (township, enterprise) with the
    principal's counted — the whole months of the period from ``ScanMonth``, the other days from
    ``Scan`` (``risk_reports.rollups``), UNION ALL. Widened in a ``batch(over=city)``: one pass for
    the city serves each district."""
    units = list(_units_under(region).values_list("pk", "path", "level"))
    out = {path: {} for _pk, path, _level in units}
    townships = {pk: path for pk, path, level in units if level == Region.Level.TOWNSHIP}
    here = Q(township_id__in=list(townships))
    rows = (_scans(period).filter(here, _outside_whole_months(period)).values_list("township_id", "enterprise_id")
            .annotate(principal=Count("pk", filter=Q(by_principal=True))).order_by())
    first, last = rollups.whole_months(period.start, period.end + ONE_DAY)
    if first < last:
        rows = rows.union(ScanMonth.objects.filter(here, month__gte=first, month__lt=last).order_by()
                          .values_list("township_id", "enterprise_id").annotate(principal=Sum("principal")), all=True)
    for township, enterprise_id, n in rows:
        scanned = out[townships[township]]
        scanned[enterprise_id] = scanned.get(enterprise_id, False) or n > 0
    return out


def _outside_whole_months(period):
    """The scans of ``period`` on days outside its whole months (those ``ScanMonth`` does not hold)."""
    first, last = rollups.whole_months(period.start, period.end + ONE_DAY)
    return ~Q(done_on__gte=first, done_on__lt=last) if first < last else Q()


@registry.shared
def _scanning_enterprises(region, period):
    """``{child: {enterprise_id: whether its principal scanned}}`` for the enterprises with a scan in
    the period, under the township of the scan; every child present. Above a township, from
    ``_scans_by_township`` (two queries; an enterprise that scanned under two townships of one
    child counts once). Below a township (villages), one query grouped by (child, enterprise)."""
    if region.level != Region.Level.TOWNSHIP:
        out = {}
        for child, parts in registry.part_of(region, _scans_by_township(region, period)).items():
            merged = out.setdefault(child, {})
            for enterprises in parts:
                for enterprise_id, principal in enterprises.items():
                    merged[enterprise_id] = merged.get(enterprise_id, False) or principal
        return out
    out = {child: {} for child in region.children.values_list("path", flat=True)}
    rows = (_scans(period).filter(township=region).annotate(child=child_path(region))
            .values_list("child", "enterprise_id").annotate(principal=Count("pk", filter=Q(by_principal=True)))
            .order_by())
    for child, enterprise_id, n in rows:
        enterprises = out.setdefault(child, {})
        enterprises[enterprise_id] = enterprises.get(enterprise_id, False) or n > 0
    return out


def enterprises_using(region, period):
    """Enterprises with at least one scan in the period (seed 001 (三): 32 742 enterprises use the
    code), under the township of the scan. Two queries (one below a township)."""
    return {child: len(enterprises) for child, enterprises in _scanning_enterprises(region, period).items()}


def _producing_scanned(period):
    """Producing enterprises on the roster annotated ``scanned``: a scan month of the period's whole
    months (``ScanMonth``) or a scan on its other days."""
    first, last = rollups.whole_months(period.start, period.end + ONE_DAY)
    parts = []
    if first < last:
        parts.append(Exists(ScanMonth.objects.filter(enterprise=OuterRef("pk"), month__gte=first, month__lt=last)))
    if (first, last) != (period.start, period.end + ONE_DAY):
        parts.append(Exists(_scans(period).filter(_outside_whole_months(period), enterprise=OuterRef("pk"))))
    scanned = parts[0] if len(parts) == 1 else parts[0] | parts[1]
    return Enterprise.objects.filter(status=Status.PRODUCING).annotate(scanned=scanned)


@registry.shared(widen=True)
def _usage_by_township(region, period):
    """``{township path: Rate(scanned, producing)}`` of the townships under ``region`` (above a
    township) with a producing enterprise. One statement; widened in a ``batch(over=city)``."""
    rows = (_producing_scanned(period).filter(under(region)).values_list("township__path")
            .annotate(whole=Count("pk"), part=Count("pk", filter=Q(scanned=True))).order_by())
    return {path: Rate(part, whole) for path, whole, part in rows}


def usage_rate(region, period):
    """Producing enterprises on the roster with a scan in the period ÷ producing enterprises on the
    roster (seed 001: 99.77 %), by their current township. One query (above a township, from
    ``_usage_by_township``, one pass for a city in a ``batch(over=city)``)."""
    if region.level != Region.Level.TOWNSHIP:
        out = {}
        for child, parts in registry.part_of(region, _usage_by_township(region, period)).items():
            if parts:
                out[child] = sum(parts[1:], parts[0])
        return out
    return grouped_rates(region, _producing_scanned(period), Q(scanned=True), village="village", distinct=True)


def principal_participation(region, period):
    """Enterprises whose principal scanned in the period ÷ enterprises that scanned (RULES.md §6;
    seed 001 problem (二): under 60 % is named). Under the township of the scan. Two queries (one
    below a township)."""
    return {child: Rate(sum(enterprises.values()), len(enterprises))
            for child, enterprises in _scanning_enterprises(region, period).items() if enterprises}


# -- risk points ------------------------------------------------------------------------------------------------------
def _units_under(region):
    """The regions under ``region`` down to its townships (not villages): the keys of a widened
    helper, so that a child with no township yet still shows a zero."""
    return Region.objects.filter(path__startswith=region.path, path__gt=region.path).exclude(
        level=Region.Level.VILLAGE)


# the key of the points of producing enterprises (all classes) beside the classes' counts
PRODUCING = "producing"


def _zero_levels(regions):
    """``regions`` as rows ``(path, "", False, 0)``, to ``UNION ALL`` with counts by (path, level,
    producing)."""
    return (regions.order_by().annotate(child=F("path"), no_level=Value("", output_field=CharField()),
                                        no_producing=Value(False, output_field=BooleanField()),
                                        n=Value(0, output_field=IntegerField()))
            .values_list("child", "no_level", "no_producing", "n"))


def _by_level(rows):
    """``{child: {level: n, PRODUCING: n}}`` from rows (child, level, producing, n)."""
    out = {}
    for child, level, producing, n in rows:
        counts = out.setdefault(child, {})
        if level:
            counts[level] = counts.get(level, 0) + n
        if producing:
            counts[PRODUCING] = counts.get(PRODUCING, 0) + n
    return out


def _by_level_and_status(qs, *group, n=Count("pk")):
    """``qs`` (points, or their lives summing ``n``) grouped by ``group``, class and whether the
    enterprise is producing."""
    producing = Case(When(enterprise__status=Status.PRODUCING, then=Value(True)), default=Value(False),
                     output_field=BooleanField())
    return qs.annotate(producing=producing).values_list(*group, "level", "producing").annotate(n=n).order_by()


@registry.shared(widen=True)
def _points_by_township(region, period):
    """``{path: {level: n, PRODUCING: n}}`` of the points alive at the period's end under the
    townships of ``region`` (above a township), every unit down to the townships present. One
    statement over the points' lives (``PointLife``: a city's 480 000 points are some 90 000 rows);
    widened in a ``batch(over=city)``."""
    lives = PointLife.objects.filter(under(region, "enterprise__township"), created_on__lte=period.end,
                                     retired_on__gt=period.end).exclude(enterprise__status=Status.DEREGISTERED)
    rows = _by_level_and_status(lives, "enterprise__township__path", n=Sum("n"))
    return _by_level(rows.union(_zero_levels(_units_under(region)), all=True))


@registry.shared
def _points_by_level(region, period):
    """``{child: {level: n}}`` of the points alive at the period's end, every child present: one
    grouped statement (the children at zero ``UNION ALL``-ed, as ``grouped_counts`` does) that the
    five point counts share inside a ``registry.batch``; above a township, summed from
    ``_points_by_township``."""
    if region.level != Region.Level.TOWNSHIP:
        out = {}
        for child, parts in registry.part_of(region, _points_by_township(region, period)).items():
            counts = out.setdefault(child, {})
            for levels in parts:
                for level, n in levels.items():
                    counts[level] = counts.get(level, 0) + n
        return out
    rows = _by_level_and_status(_points(period).filter(under(region, "enterprise__township"))
                                .annotate(child=child_path(region, township="enterprise__township")), "child")
    return _by_level(rows.union(_zero_levels(region.children.all()), all=True))


def points(region, period):
    """Risk points identified, alive at the period's end (seed 001 (三): 475 404 in four classes). One
    query (the points by class, shared with the class counts)."""
    return {child: sum(levels.get(level, 0) for level in RiskLevel.values)
            for child, levels in _points_by_level(region, period).items()}


def _points_of(*levels):
    def figure(region, period):
        return {child: sum(counts.get(level, 0) for level in levels)
                for child, counts in _points_by_level(region, period).items()}
    figure.__doc__ = (f"Risk points of class {' or '.join(levels)} alive at the period's end. One query "
                      "(shared with the other point counts).")
    return figure


def points_per_enterprise(region, period):
    """Points of producing enterprises ÷ producing enterprises (seed 001 problem (二): the lowest,
    钟楼区 9.23, is named), as a ``Ratio``: the points alive at the period's end (shared with the point
    counts) over the producing enterprises now. Two queries (one below a township); inside a
    ``batch(over=city)``, shared with the other figures for every district."""
    points = _points_by_level(region, period)
    return {child: Ratio(points.get(child, {}).get(PRODUCING, 0), n)
            for child, n in _producing(region, period).items() if n}


# -- hazards found by scanning ----------------------------------------------------------------------------------------
@registry.shared(widen=True)
def _scan_hazards_by_township(region, period):
    """``{path: n}``: hazards found by scanning in the period under each unit down to the townships of
    ``region`` (above a township), every unit present. One statement; widened in a ``batch(over=city)``."""
    return _counts_by_township(region, _scan_hazards(period))


@registry.shared
def _scan_hazard_counts(region, period):
    if region.level != Region.Level.TOWNSHIP:
        return _summed(region, _scan_hazards_by_township(region, period))
    return grouped_counts(region, _scan_hazards(period), n=Count("pk"))


def scan_hazards(region, period):
    """Hazards found by scan self-checks in the period (seed 001 (三): 49 326), under the township at
    the time. One query (above a township, from ``_scan_hazards_by_township``, shared in a batch)."""
    return dict(_scan_hazard_counts(region, period))


def scan_hazards_per_enterprise(region, period):
    """Hazards found by scanning ÷ producing enterprises (seed 001 problem (二): 金坛区 0.59, 新北区
    0.66), as a ``Ratio``. Two queries: the hazards, the enterprises."""
    hazards = scan_hazards(region, period)
    return {child: Ratio(hazards.get(child, 0), n) for child, n in _producing(region, period).items() if n}


# -- overdue -------------------------------------------------------------------------------------------------------
def overdue_rate(region, period):
    """Overdue cycles ÷ due cycles, summed over the unit's points (RULES.md §6; over 30 % is named:
    threshold ``risk.overdue_rate_max``). Three or four queries (``risk_reports.overdue``)."""
    return overdue_rates(region, period)


FIGURES = [
    # (name, label, unit, higher is better, function, kind)
    ("risk.enterprises_using", _("Enterprises using the Changan code"), "家", True, enterprises_using, "count"),
    ("risk.usage_rate", _("Changan code usage rate"), "%", True, usage_rate, "rate"),
    ("risk.points", _("Risk points identified"), "处", True, points, "count"),
    ("risk.points_red", _("Major risks (red)"), "处", True, _points_of(RiskLevel.RED), "count"),
    ("risk.points_orange", _("Significant risks (orange)"), "处", True, _points_of(RiskLevel.ORANGE), "count"),
    ("risk.points_yellow", _("General risks (yellow)"), "处", True, _points_of(RiskLevel.YELLOW), "count"),
    ("risk.points_blue", _("Low risks (blue)"), "处", True, _points_of(RiskLevel.BLUE), "count"),
    ("risk.points_significant", _("Significant or above risks"), "处", True,
     _points_of(RiskLevel.RED, RiskLevel.ORANGE), "count"),
    ("risk.points_per_enterprise", _("Risk points per enterprise"), "处/家", True, points_per_enterprise, "average"),
    ("risk.scan_hazards", _("Hazards found by scanning"), "条", True, scan_hazards, "count"),
    ("risk.scan_hazards_per_enterprise", _("Hazards found by scanning per enterprise"), "条/家", True,
     scan_hazards_per_enterprise, "average"),
    ("risk.overdue_rate", _("Overdue rate"), "%", False, overdue_rate, "rate"),
    ("risk.principal_participation", _("Principal participation"), "%", True, principal_participation, "rate"),
]

# the overview page's columns, in this order
PAGE_FIGURES = [name for name, *_rest in FIGURES]

# the thresholds the notice holds the figures to (RULES.md §6, §7)
THRESHOLDS = {"risk.overdue_rate": "risk.overdue_rate_max",
              "risk.principal_participation": "risk.principal_participation_min"}

for _name, _label, _unit, _higher, _fn, _kind in FIGURES:
    registry.register(_name, _label, _unit, _higher, _fn, kind=_kind, threshold=THRESHOLDS.get(_name, ""))
