"""What the statistics page and the dashboard read (issue 10 item 4): the figures of one
namespace for the children of a region, from the quarter's current snapshot when the period is a
closed quarter that has one, computed live otherwise — and the snapshotted quarters over time.

Nothing here knows an app: the figures come from ``portal.figures.registry`` (live) or from
``SnapshotValue`` rows (frozen), both as a ``registry.Table``. Every function runs a fixed number
of queries whatever the number of units: the live table one per figure (``registry.table``), the
frozen one three (``services.current_snapshot`` and ``services.snapshot_table``), a history two
(the snapshots, then all their values at once).
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from grid.models import PATH_STEP
from portal.figures import registry
from portal.figures.periods import QUARTER, Period

from . import services
from .models import Snapshot, SnapshotValue

# The namespaces' names on the page, in the order of the select; a namespace not named here is
# labelled with its app's verbose name (or its own key) and comes after these.
NAMESPACE_LABELS = {
    "inspections": _("Enforcement inspections"),
    "risk": _("Risk control"),
    "enterprises": _("Enterprise roster"),
}
ASC, DESC = "asc", "desc"


# -- namespaces ------------------------------------------------------------------------------------------------------
def figure_names(namespace):
    """The figures of ``namespace`` a table shows: those that take no parameter (as a snapshot holds)."""
    return [f.name for f in registry.all(namespace) if f.resolve is None]


def _namespace_label(namespace):
    if namespace in NAMESPACE_LABELS:
        return NAMESPACE_LABELS[namespace]
    config = next((c for c in apps.get_app_configs() if c.label == namespace), None)
    return config.verbose_name if config is not None else namespace


def namespaces():
    """``[(key, label)]`` of the registered namespaces with a figure to show, named ones first."""
    keys = {f.namespace for f in registry.all() if f.resolve is None}
    order = list(NAMESPACE_LABELS)
    ordered = sorted(keys, key=lambda k: (order.index(k) if k in order else len(order), k))
    return [(key, _namespace_label(key)) for key in ordered]


# -- one table -------------------------------------------------------------------------------------------------------
@dataclass
class Source:
    """Where a table's numbers come from: a snapshot (frozen, ``snapshot`` set) or live."""

    snapshot: Snapshot | None = None

    @property
    def frozen(self):
        return self.snapshot is not None


def is_closed_quarter(period, today):
    return period.kind == QUARTER and period.end < today


def table(names, region, period, today):
    """``(registry.Table, Source)``: the frozen table of the current snapshot when ``period`` is a
    closed quarter that has one holding ``region``'s children (and at least one of ``names``), else
    the live one. Live: one query for the children and each figure's own; frozen: three."""
    if is_closed_quarter(period, today):
        snapshot = services.current_snapshot(region, period)
        if snapshot is not None:
            frozen = services.snapshot_table(snapshot, region, names)
            if frozen.figures and frozen.rows:
                return frozen, Source(snapshot)
    return registry.table(names, region, period), Source()


def sort_rows(rows, name, direction):
    """``rows`` (``TableRow``) ordered by the value of figure ``name``; units without a value last
    whichever the direction, ties in the bureau's order."""
    present = [r for r in rows if r.cells[name].value is not None]
    missing = [r for r in rows if r.cells[name].value is None]
    present.sort(key=lambda r: r.cells[name].value, reverse=direction == DESC)
    return present + missing


def best_first(figure):
    """The direction that lists the best unit first (rank 1)."""
    return DESC if figure.higher_is_better else ASC


def number(value):
    """A cell's value as JSON takes it (a fine's Decimal as a float)."""
    return float(value) if isinstance(value, Decimal) else value


def chart_data(table, rows):
    """The bar charts of a table: per figure its values in the order of ``rows``."""
    return {
        "units": [row.region.name for row in rows],
        "figures": [{"name": f.name, "label": str(f.label), "unit": f.unit,
                     "values": [number(row.cells[f.name].value) for row in rows]} for f in table.figures],
    }


# -- over time -------------------------------------------------------------------------------------------------------
@dataclass
class History:
    """The snapshotted quarters of the children of ``region``: ``periods`` oldest first, ``units``
    in the bureau's order, ``cells[(unit pk, figure, period key)]`` a ``registry.Cell``, ``figures``
    ``{name: (label, unit)}`` as the snapshots recorded them."""

    region: object
    periods: list = field(default_factory=list)
    units: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    cells: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)  # period key -> Snapshot

    def cell(self, unit, name, period):
        return self.cells.get((unit.pk, name, str(period)), registry.Cell(None))

    def siblings(self, name, period):
        """How many units the figure was ranked among in that quarter."""
        return sum(1 for unit in self.units if (unit.pk, name, str(period)) in self.cells)


def holding_snapshots(region, n=8):
    """The current snapshots of the last ``n`` snapshotted quarters that hold the children of
    ``region`` — per quarter the nearest one (``region``'s own, else its district's, its city's) —
    newest first. One query."""
    paths = [region.path[:i] for i in range(PATH_STEP, len(region.path) + 1, PATH_STEP)]
    candidates = (Snapshot.objects.filter(state=Snapshot.State.CURRENT, region__path__in=paths)
                  .select_related("region").order_by("-period_end", "-region__path"))
    chosen = {}
    for snapshot in candidates:
        period = Period.parse(snapshot.period, QUARTER)
        if period is not None and snapshot.period not in chosen:
            chosen[snapshot.period] = snapshot
    return list(chosen.values())[:n]


def history(region, names, n=8):
    """The figures ``names`` of the children of ``region`` over the last ``n`` snapshotted
    quarters. Two queries: the snapshots, then every value of them at once."""
    snapshots = holding_snapshots(region, n)
    out = History(region, periods=[services.period_of(s) for s in reversed(snapshots)],
                  sources={s.period: s for s in snapshots})
    if not snapshots:
        return out
    rows = (SnapshotValue.objects.filter(snapshot__in=snapshots, parent=region, figure__in=names)
            .select_related("region", "snapshot").order_by("region__order", "region__code", "snapshot__period_end"))
    units = {}
    for row in rows:
        units.setdefault(row.region_id, row.region)
        out.figures.setdefault(row.figure, (row.label, row.unit))
        out.cells[(row.region_id, row.figure, row.snapshot.period)] = services.stored_cell(row)
    out.units = list(units.values())
    out.figures = {name: out.figures[name] for name in names if name in out.figures}
    return out


def trend_data(hist):
    """Per figure a line per unit over the snapshotted quarters (None where a quarter has no value)."""
    return {
        "periods": [p.label for p in hist.periods],
        "figures": [{"name": name, "label": label, "unit": unit,
                     "lines": [{"unit": u.name, "values": [number(hist.cell(u, name, p).value) for p in hist.periods]}
                               for u in hist.units]}
                    for name, (label, unit) in hist.figures.items()],
    }


def compare_data(this, last_rows, series):
    """Per figure two bar series by unit, the last quarter's and this one's (``series`` their names),
    in the order of ``this`` table's rows; a unit missing from the last quarter has no bar there."""
    last_by_unit = {row.region.pk: row for row in last_rows}
    previous = [last_by_unit.get(row.region.pk) for row in this.rows]
    figures = []
    for figure in this.figures:
        before = [number(p.cells[figure.name].value) if p is not None and figure.name in p.cells else None
                  for p in previous]
        figures.append({"name": figure.name, "label": str(figure.label), "unit": figure.unit,
                        "values": [before, [number(row.cells[figure.name].value) for row in this.rows]]})
    return {"units": [row.region.name for row in this.rows], "series": series, "figures": figures}
