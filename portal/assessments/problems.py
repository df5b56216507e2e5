"""Problems named by rules (issue 10 item 2; RULES.md §7): what the notice reads.

``problems_for(table)`` takes a ``registry.Table`` — a live one (``registry.table``) or a frozen one
(``services.snapshot_table``) — and returns the findings of every active ``ProblemRule`` that
applies to the table's region (deployment-wide, or of that region or one above it), in the rules'
order. A rule whose figure is not in the table is left out (the table is never widened: a
snapshot holds what it holds), and so is a rule that names no unit.

What a rule names (``named``):

- only units with a value: a unit with None (no data) is never named;
- ``above``/``below``: every unit whose value is strictly over/under the threshold in force for
  that unit on the period's last day (``thresholds_for``: a bureau's own value beats the default);
- ``lowest``/``highest``: the ``n`` units with the lowest/highest value, and every further unit
  sharing the last named value (a tie at the cut names them all: with n = 1 and two units at
  1.5, both are named);
- worst first — ``above`` and ``highest`` from the highest value down, ``below`` and ``lowest`` from
  the lowest up; units with equal values keep the table's (the bureau's) order.

Queries: one for the rules, one per distinct threshold the applicable rules compare with; the
table's values are already computed.
"""
from dataclasses import dataclass, field
from decimal import Decimal
import logging

from django.db.models import Q

from portal.rules.services import ThresholdMissing, ancestor_paths, thresholds_for

from .models import ProblemRule

log = logging.getLogger(__name__)
SEPARATOR = "、"


@dataclass
class Finding:
    """One rule's finding over a table: the units that fall short, with their cells, and the
    sentence the notice prints (the rule's template with its placeholders filled)."""

    rule: object            # the ProblemRule
    title: str              # the rule's short title, e.g. 企业平均辨识风险数最低
    sentence: str           # e.g. 风险辨识能力不足，钟楼区企业平均辨识风险数最低，为9.23处/家。
    units: list = field(default_factory=list)  # [(region, registry.Cell)], worst first
    figure: object = None   # the table's registry.Figure (label, unit)
    thresholds: dict = field(default_factory=dict)  # above/below: {region path: value in force} of the units named


def plain(value):
    """A number as the notice writes it: 30, 0.5, 54.55 (no trailing zeros); — for None."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def rules_for(region):
    """The active rules that apply to the tables of ``region``: deployment-wide ones and those of
    ``region`` or a region above it, in order. One query."""
    return list(ProblemRule.objects.filter(Q(region__isnull=True) | Q(region__path__in=ancestor_paths(region.path)),
                                           active=True).order_by("order", "pk"))


def _figure(table, name):
    return next((f for f in table.figures if f.name == name), None)


def named(rule, table, thresholds=None):
    """``[(region, cell)]`` the rule names among the table's rows, worst first (see the module's
    docstring). ``thresholds``: ``{region path: value}`` for above/below (read when not given)."""
    present = [(row.region, row.cells[rule.figure]) for row in table.rows
               if rule.figure in row.cells and row.cells[rule.figure].value is not None]
    comparison = rule.comparison
    if comparison in ProblemRule.AGAINST_THRESHOLD:
        if thresholds is None:
            thresholds = thresholds_for(rule.threshold, [r for r, _c in present], on=table.period.end) if present else {}
        if comparison == ProblemRule.Comparison.ABOVE:
            hits = [(r, c) for r, c in present if c.value > thresholds[r.path]]
            return sorted(hits, key=lambda rc: -rc[1].value)
        hits = [(r, c) for r, c in present if c.value < thresholds[r.path]]
        return sorted(hits, key=lambda rc: rc[1].value)
    ordered = sorted(present, key=lambda rc: rc[1].value, reverse=comparison == ProblemRule.Comparison.HIGHEST)
    if len(ordered) <= rule.n:
        return ordered
    cut = ordered[rule.n - 1][1].value
    return ordered[:rule.n] + [(r, c) for r, c in ordered[rule.n:] if c.value == cut]


def sentence(rule, figure, units, thresholds=None):
    """The rule's sentence with its placeholders filled for ``units`` (``[(region, cell)]``)."""
    values = [f"{plain(c.value)}{figure.unit}" for _r, c in units]
    limits = []
    for region, _c in units:
        limit = plain((thresholds or {}).get(region.path))
        if limit not in limits:
            limits.append(limit)
    return rule.sentence.format(
        units=SEPARATOR.join(r.name for r, _c in units), values=SEPARATOR.join(values),
        each=SEPARATOR.join(f"{r.name}{v}" for (r, _c), v in zip(units, values)),
        threshold=SEPARATOR.join(limits), figure=str(figure.label), count=len(units))


def evaluate(rule, table, thresholds=None):
    """The rule's ``Finding`` over ``table``, or None when its figure is not in the table or it names
    no unit. ``thresholds`` as for ``named`` (read when not given: one query)."""
    figure = _figure(table, rule.figure)
    if figure is None:
        return None
    if rule.comparison in ProblemRule.AGAINST_THRESHOLD and thresholds is None:
        thresholds = thresholds_for(rule.threshold, [row.region for row in table.rows], on=table.period.end) \
            if table.rows else {}
    units = named(rule, table, thresholds)
    if not units:
        return None
    limits = {r.path: thresholds[r.path] for r, _c in units} if thresholds is not None else {}
    return Finding(rule=rule, title=rule.title, sentence=sentence(rule, figure, units, limits), units=units,
                   figure=figure, thresholds=limits)


def problems_for(table):
    """The findings of every active rule that applies to ``table``, in the rules' order. One query
    for the rules and one per distinct threshold they compare with (a threshold with no version in
    force on the period's last day leaves its rules out, logged). A snapshot's table brings the
    thresholds it stored: a rule comparing with one of those reads it there (a threshold version
    added later cannot change a frozen quarter's findings)."""
    present = {f.name for f in table.figures}
    rules = [rule for rule in rules_for(table.region) if rule.figure in present]
    regions = [row.region for row in table.rows]
    thresholds = {}
    for name in sorted({r.threshold for r in rules if r.comparison in ProblemRule.AGAINST_THRESHOLD}):
        frozen = table.thresholds.get(name, {})
        if regions and all(region.path in frozen for region in regions):
            thresholds[name] = frozen  # a snapshot's, as they stood when it was frozen: no query
            continue
        try:
            thresholds[name] = thresholds_for(name, regions, on=table.period.end) if regions else {}
        except ThresholdMissing as missing:
            log.warning("Problem rules comparing with %s left out: %s", name, missing)
    findings = []
    for rule in rules:
        if rule.comparison in ProblemRule.AGAINST_THRESHOLD and rule.threshold not in thresholds:
            continue
        finding = evaluate(rule, table, thresholds.get(rule.threshold))
        if finding is not None:
            findings.append(finding)
    return findings


def find(table):
    """``problems_for`` looked up when called (tests replace it), for ``portal.figures.findings``."""
    return problems_for(table)
