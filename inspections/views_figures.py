"""The inspections figures of a quarter for each unit under the user's region, ranked: what the
quarterly notice and the township assessment will read, shown live to the bureau and townships."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from grid.models import Region
from portal.accounts import scope
from portal.figures import registry
from portal.figures.periods import QUARTER, Period

from .figures import PAGE_FIGURES, verification_checks, verification_checks_total
from .models import CheckingLevel
from .views_inspections import may_inspect


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


@login_required
def figures_page(request):
    """One row per child region, one column per registered figure (value and rank). A fixed number
    of queries: each figure is one grouped query whatever the number of units."""
    if not may_inspect(request.user):
        raise Http404("No figures for this role")
    region = _region(request)
    today = timezone.localdate()
    quarter = period = Period.parse(request.GET.get("quarter"), QUARTER) or Period.containing(today)
    table = registry.table(PAGE_FIGURES, region, period)
    pickable = scope.regions(request.user).exclude(level=Region.Level.VILLAGE).order_by("path")
    return render(request, "inspections/figures.html", {
        "region": region, "quarter": quarter, "quarters": Period.recent(today, 8), "figures": table.figures,
        "rows": table.rows, "total": table.total, "regions": pickable, "ancestors": region.ancestors(),
        **_verification(region, period, [row.region for row in table.rows]),
    })


def _verification(region, period, children):
    """Seed 001 (二): verification checks per unit by checking level, and the enterprises checked."""
    levels = CheckingLevel.choices
    empty = dict.fromkeys([*CheckingLevel.values, "checks", "enterprises"], 0)
    counts = verification_checks(region, period)
    rows = [(child, [counts.get(child.path, empty)[level] for level, _label in levels],
             counts.get(child.path, empty)) for child in children]
    total = verification_checks_total(region, period)
    return {"verification_levels": levels, "verification_rows": rows,
            "verification_total": ([total[level] for level, _label in levels], total)}
