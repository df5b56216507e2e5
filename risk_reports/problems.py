"""Seed 001 problem (二) (双重机制建设方面), the four lists the notice names, from the registered figures
and the thresholds (RULES.md §6, §7):

1. the lowest average risks identified per enterprise (钟楼区 9.23, 居全市末位);
2. units whose overdue rate is over ``risk.overdue_rate_max`` (30 %: 武进区、金坛区、天宁区);
3. the lowest average hazards found per enterprise by scanning (金坛区 0.59, 新北区 0.66);
4. units whose principal participation is under ``risk.principal_participation_min`` (60 %: 溧阳市).

The seed names one unit for the first list and two for the third, with no threshold; until the
notice makes those numbers rule data, ``LOWEST_NAMED`` holds them (ties are all named).
"""
from dataclasses import dataclass

from portal.figures import registry
from portal.rules.services import thresholds_for

OVERDUE_MAX = "risk.overdue_rate_max"
PARTICIPATION_MIN = "risk.principal_participation_min"
LOWEST_NAMED = {"risk.points_per_enterprise": 1, "risk.scan_hazards_per_enterprise": 2}
FIGURES = ["risk.points_per_enterprise", "risk.overdue_rate", "risk.scan_hazards_per_enterprise",
           "risk.principal_participation"]


@dataclass
class Problem:
    region: object
    value: object
    numerator: object
    denominator: object
    threshold: object = None


def _problem(row, name, limit=None):
    c = row[name]
    return Problem(row.region, c.value, c.numerator, c.denominator, limit)


def _lowest(table, name, k):
    """The rows of the ``k`` lowest values (ties included), lowest first."""
    present = sorted({row[name].value for row in table.rows if row[name].value is not None})[:k]
    rows = [row for row in table.rows if row[name].value is not None and row[name].value in present]
    return [_problem(row, name) for row in sorted(rows, key=lambda r: r[name].value)]


def risk_problems(region, period, table=None):
    """``{"lowest_points_per_enterprise", "overdue_over_max", "lowest_scan_hazards_per_enterprise",
    "participation_under_min"}``: each a list of ``Problem`` over the children of ``region`` in
    ``period``, worst first. ``table`` may be a ``registry.table`` already holding the four figures.
    Queries: the table's (one for the children, the figures' own), then two for the thresholds."""
    if table is None or any(name not in table.rows[0].cells for name in FIGURES if table.rows):
        table = registry.table(FIGURES, region, period)
    children = [row.region for row in table.rows]
    overdue_max = thresholds_for(OVERDUE_MAX, children, on=period.end) if children else {}
    participation_min = thresholds_for(PARTICIPATION_MIN, children, on=period.end) if children else {}

    over = [_problem(row, "risk.overdue_rate", overdue_max[row.region.path]) for row in table.rows
            if row["risk.overdue_rate"].value is not None
            and row["risk.overdue_rate"].value > overdue_max[row.region.path]]
    under = [_problem(row, "risk.principal_participation", participation_min[row.region.path]) for row in table.rows
             if row["risk.principal_participation"].value is not None
             and row["risk.principal_participation"].value < participation_min[row.region.path]]
    return {
        "lowest_points_per_enterprise": _lowest(table, "risk.points_per_enterprise",
                                                LOWEST_NAMED["risk.points_per_enterprise"]),
        "overdue_over_max": sorted(over, key=lambda p: -p.value),
        "lowest_scan_hazards_per_enterprise": _lowest(table, "risk.scan_hazards_per_enterprise",
                                                      LOWEST_NAMED["risk.scan_hazards_per_enterprise"]),
        "participation_under_min": sorted(under, key=lambda p: p.value),
    }
