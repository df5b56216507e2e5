"""The inspections figures, registered in ``portal.figures.registry``: one grouped query each.

Every figure is ``fn(region, period) -> {child_region_path: value}`` over the children of
``region`` (city → districts, district → townships, township → villages). Inspections, hazards,
plan items and penalties are counted under the township they carry — the enterprise's township *at
the time* — so a transfer never rewrites a past quarter. Below a township they are counted under
the enterprise's village when it still lies in that township (no village is recorded at the time);
the rest fall under the key None, which no child region has (``portal.figures.queries``).

Counts include every child with a zero (a township with no overdue hazard ranks first, not
unranked). Rates are ``Rate(numerator, denominator)``, absent where there is nothing to divide by
(no data, unranked).
"""
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from enterprises import roster_sets
from enterprises.models import Enterprise, Status
from portal.figures import registry
from portal.figures.queries import child_path, grouped_counts, grouped_rates, under, within
from portal.rules.services import threshold

from .models import (Campaign, CheckingLevel, Hazard, HazardSeverity, Inspection, InspectionKind, InspectionPlan,
                     Penalty, PlanItem)

# The seed's key dust set (RULES.md §4 item 3: "100 % enforcement coverage by end Aug of ... the 17
# with ≥ 10 dust workers per shift"). The 10 is the threshold ``inspections.dust_key_workers_min``
# (shipped by migration 0005, editable by the bureau per region and date).
DUST_KEY_DOMAIN = "dust"


def _open_at(end):
    """Hazards found by ``end`` and not verified closed by then (closed later counts as open)."""
    return Q(found_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))


# -- inspections -------------------------------------------------------------------------------------------------------
def inspections_done(region, period):
    """Submitted inspections dated in the period (enforcement, verification, cross, supervisory; a
    grid member's patrol is not an inspection by the law-enforcement officers and is left out),
    under the township of the inspection."""
    qs = Inspection.objects.filter(within(period, "inspected_on")).exclude(kind=InspectionKind.PATROL)
    return grouped_counts(region, qs, n=Count("pk"))


def _verification_checks(period):
    return Inspection.objects.filter(within(period, "inspected_on"), kind=InspectionKind.VERIFICATION)


def verification_checks(region, period):
    """Seed 001 (二): 对 107 家企业开展省、市、区三级核查检查 — the verification checks (核查) dated in the
    period, per child region, by the checking level that did them, and the distinct enterprises
    checked: ``{child: {"province", "city", "district", "township", "checks", "enterprises"}}``.
    Children without a check are absent. One query."""
    levels = {level: Count("pk", filter=Q(checking_level=level)) for level in CheckingLevel.values}
    rows = (_verification_checks(period).filter(under(region)).annotate(child=child_path(region)).values("child")
            .annotate(**levels, checks=Count("pk"), enterprises=Count("enterprise", distinct=True)).order_by())
    return {row.pop("child"): row for row in rows}


def verification_checks_total(region, period):
    """``verification_checks`` for ``region`` as a whole: an enterprise checked in two of its
    townships (transferred between the checks) counts once. One query."""
    levels = {level: Count("pk", filter=Q(checking_level=level)) for level in CheckingLevel.values}
    return _verification_checks(period).filter(under(region)).aggregate(
        **levels, checks=Count("pk"), enterprises=Count("enterprise", distinct=True))


def _verification_checks_at(level):
    def figure(region, period):
        return grouped_counts(region, _verification_checks(period).filter(checking_level=level), n=Count("pk"))
    figure.__doc__ = f"Verification checks done at {level} level in the period (seed 001 (二)). One query."
    return figure


def verification_enterprises(region, period):
    """Enterprises given a verification check in the period, at any level, each once (seed 001 (二)
    counts the enterprises checked, not the visits). One query."""
    return grouped_counts(region, _verification_checks(period), n=Count("enterprise", distinct=True))


# Registered for the notice and the statistics page (a column per level).
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
    Absent where nothing was due."""
    done = Exists(Inspection.objects.filter(plan_item=OuterRef("pk"), inspected_on__lte=period.end))
    items = (PlanItem.objects.filter(due_date__lte=period.end, plan__start__lte=period.end,
                                     plan__end__gte=period.start)
             .exclude(plan__status=InspectionPlan.Status.DRAFT).annotate(is_done=done))
    return grouped_rates(region, items, Q(is_done=True))


def coverage_of(region, period, enterprises):
    """Enforcement coverage of ``enterprises`` (any filtered, scoped queryset) per child region:
    ``Rate(covered, total)`` with covered = at least one inspection other than a patrol dated in
    the period. Enterprises are placed by their current township (the set is today's roster).
    Children without an enterprise of the set are absent. One query."""
    inspected = Exists(Inspection.objects.filter(enterprise=OuterRef("pk"), inspected_on__gte=period.start,
                                                 inspected_on__lte=period.end).exclude(kind=InspectionKind.PATROL))
    return grouped_rates(region, enterprises.annotate(inspected=inspected), Q(inspected=True), village="village",
                         distinct=True)


def coverage(region, period, param=None):
    """Enforcement coverage (执法检查覆盖率) of a named roster set (``inspections.coverage:dust_30``;
    seed 000 item 3: 100 % of the dust enterprises with ≥ 30 and ≥ 10 per shift by end Aug, a year
    to date), or of every enterprise on the roster without a parameter (seed 003 附件2 item 9:
    townships check 100 % of their enterprises). Queries: the set and its model filters, then one."""
    enterprises = (roster_sets.members(roster_sets.by_code(param)) if param
                   else Enterprise.objects.exclude(status=Status.DEREGISTERED))
    return coverage_of(region, period, enterprises)


def _roster_set_label(code):
    return roster_sets.by_code(code).name


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
    return coverage_of(region, period, dust_key_enterprises(region, period.end))


# -- hazards -----------------------------------------------------------------------------------------------------------
def hazard_counts(region, period):
    """Per child region, severity and source: ``{child: {severity: {source: {"found", "closed",
    "overdue"}}}}`` with found = found in the period, closed = verified closed in the period,
    overdue = open at the period's end past its deadline. Only combinations with a hazard appear.
    One query."""
    overdue = _open_at(period.end) & Q(deadline__lt=period.end)
    found, closed = within(period, "found_on"), within(period, "closed_on")
    rows = (Hazard.objects.filter(under(region)).filter(found | closed | overdue)
            .annotate(child=child_path(region)).values("child", "severity", "source")
            .annotate(found=Count("pk", filter=found), closed=Count("pk", filter=closed),
                      overdue=Count("pk", filter=overdue)).order_by())
    out = {}
    for row in rows:
        out.setdefault(row.pop("child"), {}).setdefault(row.pop("severity"), {})[row.pop("source")] = row
    return out


def hazards_found(region, period):
    """Hazards found in the period, every severity and source (inspection, patrol, Changan code
    self-check, ...), under the township at the time they were found."""
    return grouped_counts(region, Hazard.objects.filter(within(period, "found_on")), n=Count("pk"))


def major_hazards_found(region, period):
    """Major hazards (重大事故隐患, a criterion of the bureau's list picked) found in the period."""
    qs = Hazard.objects.filter(within(period, "found_on"), severity=HazardSeverity.MAJOR)
    return grouped_counts(region, qs, n=Count("pk"))


def hazards_closed(region, period):
    """Hazards verified closed in the period (closed on the spot included), whenever found."""
    return grouped_counts(region, Hazard.objects.filter(within(period, "closed_on")), n=Count("pk"))


def closure_rate(region, period):
    """Of the hazards found in the period, the share verified closed by its end (closed on or
    before the period's end). Absent where none was found."""
    closed = Q(closed_on__isnull=False, closed_on__lte=period.end)
    return grouped_rates(region, Hazard.objects.filter(within(period, "found_on")), closed)


def hazards_overdue(region, period):
    """Hazards open at the period's end past their deadline: found by the end, deadline before the
    end, not verified closed by the end (a hazard closed after the end was still open then)."""
    qs = Hazard.objects.filter(_open_at(period.end), deadline__lt=period.end)
    return grouped_counts(region, qs, n=Count("pk"))


def open_major_enterprises(region, period):
    """Enterprises with an open major hazard at the period's end: a major hazard found by the end
    and not verified closed by then, counted once each under the township of the hazard. (Not the
    notice's 未清零, which is per campaign: ``campaign_not_cleared``.)"""
    qs = Hazard.objects.filter(_open_at(period.end), severity=HazardSeverity.MAJOR)
    return grouped_counts(region, qs, n=Count("enterprise", distinct=True))


def campaign_not_cleared(region, period, param=None):
    """Enterprises not cleared (未清零) by campaign ``param`` (its id): targets of the campaign whose
    major hazards found during it were still open at its end (``Campaign.not_cleared_hazards``),
    counted once each under the township of the hazard. The campaign's own dates decide, not
    ``period``. Two queries: the campaign, then one."""
    campaign = _campaign(param)
    qs = campaign.not_cleared_hazards()
    return grouped_counts(region, qs, n=Count("enterprise", distinct=True))


def _campaign(param):
    try:
        return Campaign.objects.get(pk=int(param))
    except (TypeError, ValueError, Campaign.DoesNotExist):
        raise LookupError(f"No campaign {param!r}") from None


def _campaign_label(param):
    return _campaign(param).name


# -- penalties ---------------------------------------------------------------------------------------------------------
def fines(region, period):
    """Fines of the administrative penalties decided in the period, in yuan (revoked decisions
    excluded), under the township of the inspection the penalty follows."""
    qs = Penalty.objects.filter(within(period, "decided_on")).exclude(status=Penalty.Status.REVOKED)
    return grouped_counts(region, qs, zero=Decimal("0.00"), total=Sum("fine"))


FIGURES = [
    # (name, label, unit, higher is better, function, kind, parameter's label)
    ("inspections.inspections_done", _("Inspections done"), "次", True, inspections_done, "count", None),
    ("inspections.plan_completion", _("Enforcement plan completion"), "%", True, plan_completion, "rate", None),
    ("inspections.coverage", _("Enforcement coverage"), "%", True, coverage, "rate", _roster_set_label),
    ("inspections.dust_coverage", _("Enforcement coverage of key dust enterprises"), "%", True, dust_coverage, "rate",
     None),
    ("inspections.hazards_found", _("Hazards found"), "项", True, hazards_found, "count", None),
    ("inspections.major_hazards_found", _("Major hazards found"), "项", True, major_hazards_found, "count", None),
    ("inspections.hazards_closed", _("Hazards verified closed"), "项", True, hazards_closed, "count", None),
    ("inspections.closure_rate", _("Hazard closure rate"), "%", True, closure_rate, "rate", None),
    ("inspections.hazards_overdue", _("Hazards overdue"), "项", False, hazards_overdue, "count", None),
    ("inspections.fines", _("Fines"), "元", True, fines, "count", None),
    ("inspections.open_major_enterprises", _("Enterprises with an open major hazard"), "家", False,
     open_major_enterprises, "count", None),
    ("inspections.campaign_not_cleared", _("Enterprises not cleared"), "家", False, campaign_not_cleared, "count",
     _campaign_label),
]

for _name, _label, _unit, _higher, _fn, _kind, _param in FIGURES:
    registry.register(_name, _label, _unit, _higher, _fn, kind=_kind, param=_param)
