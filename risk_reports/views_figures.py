"""The risk overview (常安码统计; issue 9 item 7): the risk figures of a quarter for each unit under
the user's region, each rate with its numerator and denominator, the four problem lists of seed 001
problem (二), and — for a township — its enterprises over the standardization eligibility threshold.
An .xlsx of the same table. A fixed number of queries whatever the number of units."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.figures import registry
from portal.figures.periods import QUARTER, Period
from portal.jobs.exports import Column, sheet_xlsx, xlsx_response
from portal.rules.services import threshold

from .figures import PAGE_FIGURES
from .problems import OVERDUE_MAX, PARTICIPATION_MIN, risk_problems
from .todos import ENTERPRISE_MAX, enterprises_over_max

PROBLEM_TITLES = [
    ("lowest_points_per_enterprise", "risk.points_per_enterprise"),
    ("overdue_over_max", "risk.overdue_rate"),
    ("lowest_scan_hazards_per_enterprise", "risk.scan_hazards_per_enterprise"),
    ("participation_under_min", "risk.principal_participation"),
]


def _region(request):
    root = scope.figure_root(request.user)
    if root is None:
        raise Http404("No region")
    picked = request.GET.get("region")
    if picked:
        region, _can = scope.get(request.user, scope.regions(request.user).exclude(level=Region.Level.VILLAGE),
                                 pk=picked)
        return region
    return root


def _problem_titles():
    return {
        "lowest_points_per_enterprise": _("Lowest average risk points identified per enterprise"),
        "overdue_over_max": _("Overdue rate over the threshold"),
        "lowest_scan_hazards_per_enterprise": _("Lowest average hazards found by scanning per enterprise"),
        "participation_under_min": _("Principal participation under the threshold"),
    }


@login_required
def figures_page(request):
    """One row per child region, one column per risk figure (value, numerator/denominator, rank)."""
    if not scope.holds(request.user, caps.SUPERVISE):
        raise Http404("No figures for this role")
    region = _region(request)
    today = timezone.localdate()
    quarter = Period.parse(request.GET.get("quarter"), QUARTER) or Period.containing(today)
    table = registry.table(PAGE_FIGURES, region, quarter)
    if request.GET.get("format") == "xlsx":
        return _xlsx(region, quarter, table)
    problems = risk_problems(region, quarter, table)
    titles = _problem_titles()
    lists = [(key, titles[key], registry.get(name), problems[key]) for key, name in PROBLEM_TITLES]
    over = None
    if region.level == Region.Level.TOWNSHIP:
        over = {"limit": threshold(ENTERPRISE_MAX, region=region, on=quarter.end),
                "enterprises": enterprises_over_max(region, quarter)}
    pickable = scope.regions(request.user).exclude(level=Region.Level.VILLAGE).order_by("path")
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(request, "risk_reports/figures.html", {
        "region": region, "quarter": quarter, "quarters": Period.recent(today, 8), "figures": table.figures,
        "rows": table.rows, "total": table.total, "regions": pickable, "problems": lists,
        "overdue_max": threshold(OVERDUE_MAX, region=region, on=quarter.end),
        "participation_min": threshold(PARTICIPATION_MIN, region=region, on=quarter.end),
        "enterprises_over": over, "export_href": f"?{query.urlencode()}",
    })


def _xlsx(region, quarter, table):
    """The table as a workbook: per figure its value, and for a rate or an average its numerator and
    denominator in two more columns."""
    columns = [Column(_("Unit"), 16)]
    numerator, denominator = _("numerator"), _("denominator")
    for figure in table.figures:
        unit = f"（{figure.unit}）" if figure.unit else ""
        columns.append(Column(f"{figure.label}{unit}", 14))
        if figure.kind in (registry.RATE, registry.AVERAGE):
            columns += [Column(f"{figure.label}·{numerator}", 10), Column(f"{figure.label}·{denominator}", 10)]

    def values(label, row):
        out = [label]
        for figure in table.figures:
            cell = row.cells[figure.name]
            out.append(cell.value)
            if figure.kind in (registry.RATE, registry.AVERAGE):
                out += [cell.numerator, cell.denominator]
        return out

    rows = [values(r.region.name, r) for r in table.rows] + [values(_("Total"), table.total)]
    title = _("Changan code statistics of %(region)s, %(period)s") % {"region": region.name,
                                                                     "period": quarter.label}
    content = sheet_xlsx(rows, columns, sheet_title=_("Changan code statistics"), title=title)
    return xlsx_response(content, f"{region.name}-{quarter}-常安码统计.xlsx")
