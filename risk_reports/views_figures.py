"""The risk overview (常安码统计; issue 9 item 7): for each unit under the user's region in a
quarter, the problems the bureau's rules name over the risk figures (seed 001 problem (二); the
rules are data of ``portal.assessments``, reached through ``portal.figures.findings``) and — for a
township — its enterprises over the standardization eligibility threshold. The table of the risk figures (sortable, charted,
as .xlsx) is the statistics page's (``/statistics/?ns=risk``), which this page links to; its old
``?format=xlsx`` redirects there. A fixed number of queries whatever the number of units."""
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.figures import findings, registry
from portal.figures.periods import QUARTER, Period
from portal.rules.services import threshold

from .figures import PAGE_FIGURES
from .todos import ENTERPRISE_MAX, enterprises_over_max

def statistics_href(region, quarter, **extra):
    """The statistics page of the risk figures for the same region and quarter."""
    query = QueryDict(mutable=True)
    query.update({"ns": "risk", "region": region.pk, "period": str(quarter), **extra})
    return f"{reverse('statistics:index')}?{query.urlencode()}"


@login_required
def figures_page(request):
    """The problem lists of a region's units (and a township's enterprises over the threshold),
    with the link to the statistics page for the table."""
    if not scope.holds(request.user, caps.SUPERVISE):
        raise Http404("No figures for this role")
    region = scope.figure_region(request.user, request.GET.get("region"))
    today = timezone.localdate()
    quarter = Period.parse(request.GET.get("quarter"), QUARTER) or Period.containing(today)
    if request.GET.get("format") == "xlsx":
        return redirect(statistics_href(region, quarter, format="xlsx"))
    table = registry.table(PAGE_FIGURES, region, quarter)
    over = None
    if region.level == Region.Level.TOWNSHIP:
        over = {"limit": threshold(ENTERPRISE_MAX, region=region, on=quarter.end),
                "enterprises": enterprises_over_max(region, quarter)}
    return render(request, "risk_reports/figures.html", {
        "region": region, "quarter": quarter, "quarters": Period.recent(today, 8),
        "regions": scope.figure_regions(request.user), "problems": findings.findings(table),
        # the rules' page belongs to portal.assessments, found by its URL name (no import)
        "rules_href": reverse("assessments:problem_rule_list") if (
            scope.holds(request.user, caps.ISSUE_NOTICES) or scope.holds(request.user, caps.READ_NOTICES)) else "",
        "enterprises_over": over, "statistics_href": statistics_href(region, quarter),
    })
