"""The inspections figures, registered in ``portal.figures.registry``: one grouped query each.

Every figure is ``fn(region, period) -> {child_region_path: value}`` over the children of
``region`` (city → districts, district → townships, township → villages). Inspections, hazards,
plan items and penalties are counted under the township they carry — the enterprise's township *at
the time* — so a transfer never rewrites a past quarter. Below a township they are counted under
the enterprise's village when it still lies in that township (no village is recorded at the time);
the rest fall under the key ``None``, which no child region has.

Counts include every child with a zero (a township with no overdue hazard ranks first, not
unranked): the grouped counts are ``UNION ALL``-ed with the children at zero, still one statement.
Rates are None where there is nothing to divide by (no data, unranked).
"""
from decimal import Decimal

from django.db.models import (Case, CharField, Count, DecimalField, Exists, F, IntegerField, OuterRef, Q, Sum,
                              Value, When)
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, Status
from grid.models import Region, child_path_expr
from portal.figures import registry
from portal.rules.services import threshold

from .models import (CheckingLevel, Hazard, HazardSeverity, Inspection, InspectionKind, InspectionPlan, Penalty,
                     PlanItem)

# The seed's key dust set (RULES.md §4 item 3: "100 % enforcement coverage by end Aug of ... the 17
# with ≥ 10 dust workers per shift"). The 10 is the threshold ``inspections.dust_key_workers_min``
# (shipped by migration 0005, editable by the bureau).
DUST_KEY_DOMAIN = "dust"


# -- the shared shapes ----------------------------------------------------------------------------------------------
def _child(region, *, township="township", enterprise="enterprise__"):
    """The path of the child of ``region`` a row lies under: the prefix of its township's path, or
    below a township the enterprise's village when that village lies in ``region`` (else None)."""
    if region.level == Region.Level.TOWNSHIP:
        village = f"{enterprise}village__path"
        return Case(When(**{f"{village}__startswith": region.path}, then=child_path_expr(region, village)),
                    default=None, output_field=CharField())
    return child_path_expr(region, f"{township}__path")


def _under(region, township="township"):
    return Q(**{f"{township}__path__startswith": region.path})


def _in(period, field):
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _counts(region, queryset, zero=0, **aggregate):
    """``{child: value}`` of the one aggregate over ``queryset`` grouped by child region, every
    child of ``region`` present (``zero`` where no row falls under it). One statement."""
    (name, expression), = aggregate.items()
    grouped = (queryset.filter(_under(region)).annotate(child=_child(region))
               .values("child").annotate(**{name: expression}).values_list("child", name).order_by())
    output = DecimalField(max_digits=14, decimal_places=2) if isinstance(zero, Decimal) else IntegerField()
    zeros = (region.children.order_by().annotate(child=F("path"), **{name: Value(zero, output_field=output)})
             .values_list("child", name))
    out = {}
    for child, value in grouped.union(zeros, all=True):
        out[child] = out[child] + value if child in out else value
    return out


def _rate(part, whole):
    """``part`` ÷ ``whole`` in %, 2 decimals; None when ``whole`` is 0."""
    return round(100 * part / whole, 2) if whole else None


def _open_at(end):
    """Hazards found by ``end`` and not verified closed by then (closed later counts as open)."""
    return Q(found_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))


# -- inspections -------------------------------------------------------------------------------------------------------
def inspections_done(region, period):
    """Submitted inspections dated in the period (enforcement, verification, cross, supervisory; a
    grid member's patrol is not an inspection by the law-enforcement officers and is left out),
    under the township of the inspection."""
    qs = Inspection.objects.filter(_in(period, "inspected_on")).exclude(kind=InspectionKind.PATROL)
    return _counts(region, qs, n=Count("pk"))


def _verification_checks(period):
    return Inspection.objects.filter(_in(period, "inspected_on"), kind=InspectionKind.VERIFICATION)


def verification_checks(region, period):
    """Seed 001 (二): 对 107 家企业开展省、市、区三级核查检查 — the verification checks (核查) dated in the
    period, per child region, by the checking level that did them, and the distinct enterprises
    checked: ``{child: {"province", "city", "district", "township", "checks", "enterprises"}}``.
    Children without a check are absent. One query."""
    levels = {level: Count("pk", filter=Q(checking_level=level)) for level in CheckingLevel.values}
    rows = (_verification_checks(period).filter(_under(region)).annotate(child=_child(region)).values("child")
            .annotate(**levels, checks=Count("pk"), enterprises=Count("enterprise", distinct=True)).order_by())
    return {row.pop("child"): row for row in rows}


def verification_checks_total(region, period):
    """``verification_checks`` for ``region`` as a whole: an enterprise checked in two of its
    townships (transferred between the checks) counts once. One query."""
    levels = {level: Count("pk", filter=Q(checking_level=level)) for level in CheckingLevel.values}
    return _verification_checks(period).filter(_under(region)).aggregate(
        **levels, checks=Count("pk"), enterprises=Count("enterprise", distinct=True))


def _verification_checks_at(level):
    def figure(region, period):
        return _counts(region, _verification_checks(period).filter(checking_level=level), n=Count("pk"))
    figure.__doc__ = f"Verification checks done at {level} level in the period (seed 001 (二)). One query."
    return figure


def verification_enterprises(region, period):
    """Enterprises given a verification check in the period, at any level, each once (seed 001 (二)
    counts the enterprises checked, not the visits). One query."""
    return _counts(region, _verification_checks(period), n=Count("enterprise", distinct=True))


# Registered for the notice; the statistics page shows them in a table of their own.
VERIFICATION_FIGURES = [
    ("inspections.verification_checks_province", _("Verification checks by the province"), "次", True,
     _verification_checks_at(CheckingLevel.PROVINCE)),
    ("inspections.verification_checks_city", _("Verification checks by the city"), "次", True,
     _verification_checks_at(CheckingLevel.CITY)),
    ("inspections.verification_checks_district", _("Verification checks by the district"), "次", True,
     _verification_checks_at(CheckingLevel.DISTRICT)),
    ("inspections.verification_checks_township", _("Verification checks by the township"), "次", True,
     _verification_checks_at(CheckingLevel.TOWNSHIP)),
    ("inspections.verification_enterprises", _("Enterprises given a verification check"), "家", True,
     verification_enterprises),
]
for _name, _label, _unit, _higher, _fn in VERIFICATION_FIGURES:
    registry.register(_name, _label, _unit, _higher, _fn)


def plan_completion(region, period):
    """Plan completion (seed 002 item 5, RULES §8; as ``services.plan_completion`` for one plan): plan items
    due by the period's end with a linked inspection dated on or before it ÷ items due by the
    period's end, in %, under the township of the item (the enterprise's when it was planned).

    Items of plans in force during the period only (draft plans and last year's plans do not count).
    None where nothing was due."""
    done = Exists(Inspection.objects.filter(plan_item=OuterRef("pk"), inspected_on__lte=period.end))
    rows = (PlanItem.objects.filter(_under(region), due_date__lte=period.end, plan__start__lte=period.end,
                                    plan__end__gte=period.start)
            .exclude(plan__status=InspectionPlan.Status.DRAFT)
            .annotate(child=_child(region), is_done=done).values("child")
            .annotate(due=Count("pk"), done=Count("pk", filter=Q(is_done=True))).order_by())
    return {row["child"]: _rate(row["done"], row["due"]) for row in rows}


def coverage_counts(region, period, enterprises):
    """Per child region: ``{"total", "covered"}`` of the enterprises of ``enterprises`` (any
    filtered, scoped queryset) under ``region``, covered = at least one inspection other than a
    patrol dated in the period. Enterprises are placed by their current township (the set is
    today's roster). One query."""
    inspected = Exists(Inspection.objects.filter(enterprise=OuterRef("pk"), inspected_on__gte=period.start,
                                                 inspected_on__lte=period.end).exclude(kind=InspectionKind.PATROL))
    rows = (enterprises.filter(_under(region)).annotate(child=_child(region, enterprise=""), inspected=inspected)
            .values("child").annotate(total=Count("pk", distinct=True),
                                      covered=Count("pk", distinct=True, filter=Q(inspected=True))).order_by())
    return {row.pop("child"): row for row in rows}


def coverage(region, period, enterprises):
    """Enforcement coverage of a filtered set, in %: ``coverage_counts`` covered ÷ total. Children
    without an enterprise of the set are absent (None)."""
    counts = coverage_counts(region, period, enterprises)
    return {child: _rate(row["covered"], row["total"]) for child, row in counts.items()}


def dust_key_enterprises(region=None, on=None):
    """The seed's key dust set: on the roster (not deregistered), key domain combustible dust, at
    least ``inspections.dust_key_workers_min`` (seed: 10) dust workers per shift."""
    minimum = threshold("inspections.dust_key_workers_min", region=region, on=on)
    return (Enterprise.objects.exclude(status=Status.DEREGISTERED)
            .filter(key_domains__code=DUST_KEY_DOMAIN, dust_workers_per_shift__gte=minimum))


def dust_coverage(region, period):
    """Enforcement coverage of the seed's key dust enterprises (RULES §4 item 3, target 100 % by
    end Aug): those of ``dust_key_enterprises`` with an inspection (not a patrol) in the period ÷
    all of them, in %. Two queries: the threshold, then ``coverage``."""
    return coverage(region, period, dust_key_enterprises(region, period.end))


# -- hazards -----------------------------------------------------------------------------------------------------------
def hazard_counts(region, period):
    """Per child region, severity and source: ``{child: {severity: {source: {"found", "closed",
    "overdue"}}}}`` with found = found in the period, closed = verified closed in the period,
    overdue = open at the period's end past its deadline. Only combinations with a hazard appear.
    One query."""
    overdue = _open_at(period.end) & Q(deadline__lt=period.end)
    found, closed = _in(period, "found_on"), _in(period, "closed_on")
    rows = (Hazard.objects.filter(_under(region)).filter(found | closed | overdue)
            .annotate(child=_child(region)).values("child", "severity", "source")
            .annotate(found=Count("pk", filter=found), closed=Count("pk", filter=closed),
                      overdue=Count("pk", filter=overdue)).order_by())
    out = {}
    for row in rows:
        out.setdefault(row.pop("child"), {}).setdefault(row.pop("severity"), {})[row.pop("source")] = row
    return out


def hazards_found(region, period):
    """Hazards found in the period, every severity and source (inspection, patrol, Changan code
    self-check, ...), under the township at the time they were found."""
    return _counts(region, Hazard.objects.filter(_in(period, "found_on")), n=Count("pk"))


def major_hazards_found(region, period):
    """Major hazards (重大事故隐患, a criterion of the bureau's list picked) found in the period."""
    qs = Hazard.objects.filter(_in(period, "found_on"), severity=HazardSeverity.MAJOR)
    return _counts(region, qs, n=Count("pk"))


def hazards_closed(region, period):
    """Hazards verified closed in the period (closed on the spot included), whenever found."""
    return _counts(region, Hazard.objects.filter(_in(period, "closed_on")), n=Count("pk"))


def closure_rate(region, period):
    """Of the hazards found in the period, the share verified closed by its end (closed on or
    before the period's end), in %. None where none was found."""
    closed = Q(closed_on__isnull=False, closed_on__lte=period.end)
    rows = (Hazard.objects.filter(_under(region), _in(period, "found_on")).annotate(child=_child(region))
            .values("child").annotate(found=Count("pk"), closed=Count("pk", filter=closed)).order_by())
    return {row["child"]: _rate(row["closed"], row["found"]) for row in rows}


def hazards_overdue(region, period):
    """Hazards open at the period's end past their deadline: found by the end, deadline before the
    end, not verified closed by the end (a hazard closed after the end was still open then)."""
    qs = Hazard.objects.filter(_open_at(period.end), deadline__lt=period.end)
    return _counts(region, qs, n=Count("pk"))


def not_cleared(region, period):
    """Enterprises not cleared (未清零) at the period's end: with a major hazard found by the end
    and not verified closed by then, counted once each under the township of the hazard."""
    qs = Hazard.objects.filter(_open_at(period.end), severity=HazardSeverity.MAJOR)
    return _counts(region, qs, n=Count("enterprise", distinct=True))


# -- penalties ---------------------------------------------------------------------------------------------------------
def fines(region, period):
    """Fines of the administrative penalties decided in the period, in yuan (revoked decisions
    excluded), under the township of the inspection the penalty follows."""
    qs = Penalty.objects.filter(_in(period, "decided_on")).exclude(status=Penalty.Status.REVOKED)
    return _counts(region, qs, zero=Decimal("0.00"), total=Sum("fine"))


FIGURES = [
    # (name, label, unit, higher is better, function)
    ("inspections.inspections_done", _("Inspections done"), "次", True, inspections_done),
    ("inspections.plan_completion", _("Enforcement plan completion"), "%", True, plan_completion),
    ("inspections.dust_coverage", _("Enforcement coverage of key dust enterprises"), "%", True, dust_coverage),
    ("inspections.hazards_found", _("Hazards found"), "项", True, hazards_found),
    ("inspections.major_hazards_found", _("Major hazards found"), "项", True, major_hazards_found),
    ("inspections.hazards_closed", _("Hazards verified closed"), "项", True, hazards_closed),
    ("inspections.closure_rate", _("Hazard closure rate"), "%", True, closure_rate),
    ("inspections.hazards_overdue", _("Hazards overdue"), "项", False, hazards_overdue),
    ("inspections.fines", _("Fines"), "元", True, fines),
    ("inspections.not_cleared", _("Enterprises not cleared"), "家", False, not_cleared),
]

for _name, _label, _unit, _higher, _fn in FIGURES:
    registry.register(_name, _label, _unit, _higher, _fn)
