"""The statistics page and the dashboard (issue 10 item 4).

The statistics page: for a namespace of figures (``?ns=risk``), a region of the user's scope and a
period, one row per child unit and one column per figure (value, numerator/denominator, rank),
sortable by any figure (``?sort=risk.overdue_rate&dir=asc``), a bar chart per figure, and the same
table as .xlsx (``?format=xlsx``). A closed quarter with a current snapshot is read from it, any
other period computed live; the page says which.

The dashboard: for a bureau, each figure by unit this quarter (live) against the last (frozen when
it was), and its trend over the snapshotted quarters; for a user whose unit ranks among its
parent's (a township, a district), the unit's own figures and rank over those quarters.

Both are the supervisors' (``supervise``), for the regions ``scope`` lets them pick (404 outside).
"""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.figures.periods import HALF, MONTH, YEAR, Period
from portal.jobs.exports import xlsx_response

from . import statistics
from .exports import table_xlsx

UNIT_LEVELS = (Region.Level.CITY, Region.Level.DISTRICT)  # the regions whose units a snapshot ranks


# -- what the query string asks ------------------------------------------------------------------------------------
def _require(user):
    if not scope.holds(user, caps.SUPERVISE):
        raise Http404("No statistics for this role")


def _namespace(request, notices):
    """The namespace asked for, or the first one with a notice when it names none registered."""
    choices = statistics.namespaces()
    if not choices:
        raise Http404("No figures are registered")
    labels = dict(choices)
    asked = (request.GET.get("ns") or "").strip()
    if asked and asked not in labels:
        notices.append(_("No figures are registered under “%(ns)s”; showing %(label)s instead.")
                       % {"ns": asked, "label": choices[0][1]})
    key = asked if asked in labels else choices[0][0]
    return key, labels[key], choices


def _period(request, today, notices):
    """The period asked for (any key ``Period.parse`` reads), or this quarter with a notice."""
    asked = (request.GET.get("period") or "").strip()
    period = Period.parse(asked) if asked else None
    if asked and period is None:
        notices.append(_("“%(text)s” is not a period we know (write 2026Q3, 2026-08, 2026H1, 2026 or "
                         "2026YTD08-31); showing %(period)s instead.")
                       % {"text": asked, "period": Period.containing(today).label})
    return period or Period.containing(today)


def _period_groups(today, period):
    """The periods the picker offers, grouped; the one asked for is added when it is none of them."""
    ytd = Period.year_to_date(today)
    groups = [(_("Quarters"), Period.recent(today, 8)), (_("Months"), Period.recent(today, 12, MONTH)),
              (_("Half-years"), Period.recent(today, 4, HALF)), (_("Years"), Period.recent(today, 3, YEAR)),
              (_("Year to date"), [ytd, ytd.previous()])]
    if not any(period in group for _label, group in groups):
        groups.append((_("Other"), [period]))
    return groups


def _query(request, **changes):
    """The page's query string with ``changes`` (None removes a parameter)."""
    query = request.GET.copy()
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return query.urlencode()


def _source_text(source, period, today):
    if source.frozen:
        return _("Snapshot data, as of %(day)s") % {"day": date_format(source.snapshot.computed_on)}
    if statistics.is_closed_quarter(period, today):
        return _("Computed live: %(period)s has not been frozen yet") % {"period": period.label}
    return _("Computed live")


# -- the statistics page --------------------------------------------------------------------------------------------
def _sorting(request, table):
    """``(rows, sort, direction)``: the table's rows sorted as asked, or in the bureau's order
    when the sort names no figure of the table."""
    figures = {f.name: f for f in table.figures}
    sort = request.GET.get("sort")
    if sort not in figures:
        return table.rows, None, None
    direction = request.GET.get("dir")
    if direction not in (statistics.ASC, statistics.DESC):
        direction = statistics.best_first(figures[sort])
    return statistics.sort_rows(table.rows, sort, direction), sort, direction


def _headers(request, table, sort, direction):
    """Per figure its column head: the link that sorts by it (best first, then the other way)."""
    out = []
    for figure in table.figures:
        current = direction if figure.name == sort else None
        if current is None:
            following = statistics.best_first(figure)
        else:
            following = statistics.ASC if current == statistics.DESC else statistics.DESC
        out.append({"figure": figure, "current": current,
                    "href": "?" + _query(request, sort=figure.name, dir=following, format=None)})
    return out


@login_required
def statistics_page(request):
    _require(request.user)
    notices = []
    today = timezone.localdate()
    namespace, label, choices = _namespace(request, notices)
    region = scope.figure_region(request.user, request.GET.get("region"))
    period = _period(request, today, notices)
    table, source = statistics.table(statistics.figure_names(namespace), region, period, today)
    rows, sort, direction = _sorting(request, table)
    source_text = _source_text(source, period, today)
    if request.GET.get("format") == "xlsx":
        title = _("%(namespace)s statistics of %(region)s, %(period)s (%(source)s)") % {
            "namespace": label, "region": region.name, "period": period.label, "source": source_text}
        content = table_xlsx(table, rows, title=title, sheet_title=_("Statistics"))
        return xlsx_response(content, f"{region.name}-{period}-{label}统计.xlsx")
    keep = [(name, request.GET[name]) for name in ("sort", "dir") if request.GET.get(name)]
    return render(request, "assessments/statistics.html", {
        "namespace": namespace, "namespace_label": label, "namespaces": choices, "region": region,
        "regions": scope.figure_regions(request.user), "period": period,
        "period_groups": _period_groups(today, period), "table": table, "rows": rows, "total": table.total,
        "headers": _headers(request, table, sort, direction), "sort": sort, "direction": direction,
        "source": source, "source_text": source_text, "notices": notices, "keep": keep,
        "export_href": "?" + _query(request, format="xlsx"),
        "drill_query": _query(request, region=None, format=None),
        "chart": {"bars": statistics.chart_data(table, rows)},
    })


# -- the dashboard --------------------------------------------------------------------------------------------------
def _units_section(region, names, today):
    """The bureau's part: each figure by unit, this quarter (live) against the last (frozen when it
    was), and the trend over the snapshotted quarters."""
    this = Period.containing(today)
    last = this.previous()
    now_table, now_source = statistics.table(names, region, this, today)
    last_table, last_source = statistics.table(names, region, last, today)
    hist = statistics.history(region, names)

    def series(period, source):
        label = _("%(period)s (snapshot)") if source.frozen else _("%(period)s (live)")
        return {"key": str(period), "label": label % {"period": period.label}}

    compare = statistics.compare_data(now_table, last_table.rows,
                                      [series(last, last_source), series(this, now_source)])
    cards = [{"figure": f, "this": now_table.total.cells[f.name], "last": last_table.total.cells.get(f.name)}
             for f in now_table.figures]
    return {"this": this, "last": last, "this_source": _source_text(now_source, this, today),
            "last_source": _source_text(last_source, last, today), "cards": cards, "history": hist,
            "compare": compare, "trend": statistics.trend_data(hist)}


def _own_section(unit, names):
    """The unit's own figures and rank among its parent's units over the snapshotted quarters,
    newest first; None when no snapshot holds it."""
    hist = statistics.history(unit.parent, names)
    if not any(u.pk == unit.pk for u in hist.units):
        return None
    periods = list(reversed(hist.periods))
    rows = [{"name": name, "label": label, "unit": unit_name,
             "cells": [(hist.cell(unit, name, p), hist.siblings(name, p)) for p in periods]}
            for name, (label, unit_name) in hist.figures.items()]
    ranks = {"periods": [p.label for p in hist.periods],
             "figures": [{"name": name, "label": label,
                          "values": [hist.cell(unit, name, p).rank for p in hist.periods]}
                         for name, (label, _u) in hist.figures.items()]}
    if unit.level == Region.Level.TOWNSHIP:
        title = _("Our township's rank in the district")
    elif unit.level == Region.Level.DISTRICT:
        title = _("Our district's rank in the city")
    else:
        title = _("Our unit's rank in %(parent)s") % {"parent": unit.parent.name}
    return {"unit": unit, "title": title, "periods": periods, "rows": rows, "ranks": ranks}


@login_required
def dashboard(request):
    _require(request.user)
    notices = []
    today = timezone.localdate()
    namespace, label, choices = _namespace(request, notices)
    names = statistics.figure_names(namespace)
    region = scope.figure_region(request.user, request.GET.get("region"))
    units = _units_section(region, names, today) if region.level in UNIT_LEVELS else None
    bound = scope.bound_region(request.user)
    own = _own_section(bound, names) if bound is not None and bound.parent_id is not None else None
    charts = {"compare": units["compare"] if units else None, "trend": units["trend"] if units else None,
              "ranks": own["ranks"] if own else None}
    return render(request, "assessments/dashboard.html", {
        "namespace": namespace, "namespace_label": label, "namespaces": choices, "region": region,
        "regions": scope.figure_regions(request.user).filter(level__in=UNIT_LEVELS), "units": units,
        "own": own, "notices": notices, "charts": charts,
    })
