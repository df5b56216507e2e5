"""The figures registry: apps to the right register their figures here, pages on the left (the
overview, the notice, the township assessment) compute and rank them without importing those apps.

A figure is ``fn(region, period) -> {child_region_path: value}`` over the children of ``region``,
computed in a fixed small number of queries (one grouped query, STYLE "Figures"); a child missing
from the dict has the value None (no data, unranked). Rows under no child (below a township: the
enterprises in no village) come under the key None: they count in the region's total, not in a row.

A value is a number (a count, an amount) or a ``Rate``, which carries its numerator and denominator
so that a district's rate is rolled up from its townships' (the sum of the parts over the sum of the
wholes, never the mean of the percentages) and a snapshot can store all three.

A figure may take a parameter, written after a colon: ``inspections.coverage:dust_30`` is the
enforcement coverage of the roster set ``dust_30``. Its registration says how to check a parameter
and name it (``param``); ``fn`` then receives it as ``param=``.
"""
from contextlib import contextmanager
import contextvars
from dataclasses import dataclass, field, replace
import functools
from typing import Callable

from .periods import Period  # noqa: F401  (the registry's period type, re-exported)

COUNT, RATE, AVERAGE = "count", "rate", "average"


@dataclass(frozen=True)
class Rate:
    """``numerator`` of ``denominator``; ``value`` in %, 2 decimals, None when there is nothing to divide by."""

    numerator: object
    denominator: object

    @property
    def value(self):
        return round(100 * self.numerator / self.denominator, 2) if self.denominator else None

    def __add__(self, other):
        return Rate(self.numerator + other.numerator, self.denominator + other.denominator)

    def __str__(self):
        return "—" if self.value is None else f"{self.value}"


@dataclass(frozen=True)
class Ratio(Rate):
    """``numerator`` per ``denominator`` (points per enterprise), 2 decimals, not in %: an average
    that rolls up like a rate (the sum of the parts over the sum of the wholes). A figure of kind
    ``"average"``; a snapshot stores all three like a rate's."""

    @property
    def value(self):
        return round(self.numerator / self.denominator, 2) if self.denominator else None

    def __add__(self, other):
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    unit: str
    higher_is_better: bool
    fn: Callable
    kind: str = COUNT
    param: object = None  # the bound parameter (``dust_30``), None for a figure without one
    resolve: Callable | None = field(default=None, repr=False)  # param -> its label; LookupError if unknown
    threshold: str = ""  # the ``portal.rules`` threshold the figure is held to (risk.overdue_rate_max), if any
    # whether a region's own value is its children's rolled up (counts add, rates add their parts);
    # False for a value the level above gives each unit (a quarterly score): a district's own is then
    # what its parent's figure says of it (``own_value``), never its townships' mean
    rolls_up: bool = True

    # A figure is callable: without this a template would call it (with no region) for
    # ``{{ figure.label }}`` and show nothing.
    do_not_call_in_templates = True

    @property
    def namespace(self):
        return self.name.split(".", 1)[0]

    def __call__(self, region, period):
        if self.param is not None:
            return self.fn(region, period, param=self.param)
        return self.fn(region, period)


@dataclass(frozen=True)
class Cell:
    """One figure's value for one region: ``value`` (the number shown and ranked), and for a rate
    its ``numerator`` and ``denominator`` (what a snapshot stores and a total adds up)."""

    value: object
    numerator: object = None
    denominator: object = None
    rank: int | None = None

    def __str__(self):
        return "—" if self.value is None else str(self.value)


@dataclass
class Row:
    region: object
    value: object
    rank: int | None
    numerator: object = None
    denominator: object = None


@dataclass
class TableRow:
    region: object
    cells: dict  # figure name -> Cell, in the table's figure order

    def __getitem__(self, name):
        return self.cells[name]

    @property
    def ordered(self):
        return list(self.cells.values())


@dataclass
class Table:
    """Every named figure for every child region of ``region``: ``rows`` in the bureau's order,
    ``total`` the region's own value rolled up from all its parts (None-keyed ones included)."""

    region: object
    period: object
    figures: list
    rows: list
    total: TableRow
    # a frozen table's thresholds as they stood: {threshold name: {region path: value}} (a snapshot
    # stores them beside its values); empty for a live table, whose readers look them up
    thresholds: dict = field(default_factory=dict)


_figures = {}
_batch = contextvars.ContextVar("figures_batch", default=None)


@contextmanager
def batch(over=None):
    """Inside it, a pass several figures read (a ``shared`` helper: the scans grouped by enterprise
    for both "enterprises using the code" and "principal participation") runs once per region and
    period instead of once per figure. ``table`` and the quarter's snapshot compute inside one;
    outside, every figure runs its own queries (what its tests pin). Nested batches share the outer one.

    ``over``: a region whose descendants the batch will ask about (a city, then each of its
    districts). A helper declared ``shared(widen=True)`` then runs once over all of ``over`` and
    serves every region under it its part: one pass over a quarter's scans instead of one per
    district, each of which reads pages spread over the whole table."""
    token = _batch.set({_OVER: over}) if _batch.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _batch.reset(token)


_OVER = object()  # the batch's key for its ``over`` region


def shared(fn=None, *, widen=False):
    """Decorate a helper ``fn(region, period, *args)`` that several figures call: inside ``batch()``
    its result is computed once per arguments and handed to each (read it, never change it).

    ``widen=True`` (a helper whose result is keyed by township, so a region under the one it ran
    for can take its part: ``part_of``): inside ``batch(over=...)``, a call for a region above the
    townships under ``over`` runs the helper for ``over`` instead."""
    if fn is None:
        return functools.partial(shared, widen=widen)

    @functools.wraps(fn)
    def wrapper(region, period, *args):
        cache = _batch.get()
        if cache is None:
            return fn(region, period, *args)
        over = cache.get(_OVER)
        if (widen and over is not None and region.level != region.Level.TOWNSHIP
                and region.path.startswith(over.path)):
            region = over
        key = (fn.__module__, fn.__qualname__, region.pk, region.path, period, args)
        if key not in cache:
            cache[key] = fn(region, period, *args)
        return cache[key]
    return wrapper


def part_of(region, by_path):
    """From ``{path: value}`` (a widened helper's result, keyed by the regions it covers),
    ``{child_path: [values]}`` for the children of ``region``, each with the values of the regions
    under it (itself included): paths are fixed-width segments, so the child of ``region`` a region
    lies under is a prefix of its path."""
    length = region.child_path_length()
    out = {}
    for path, value in by_path.items():
        if len(path) >= length and path.startswith(region.path):
            out.setdefault(path[:length], []).append(value)
    return out


def register(name, label=None, unit="", higher_is_better=True, fn=None, *, kind=COUNT, param=None, threshold="",
             rolls_up=True):
    """Register ``fn`` as figure ``name`` (``app.noun``); usable as a decorator when ``fn`` is omitted.
    ``kind`` is ``"count"`` (values add up), ``"rate"`` (values are ``Rate``, in %) or ``"average"``
    (values are ``Ratio``, a plain quotient). ``param``, for a
    figure that takes a parameter, is ``fn(param) -> label`` raising LookupError for an unknown one.
    ``threshold`` names the ``portal.rules`` threshold the figure is held to, which a snapshot stores
    beside each value as it stood on the period's last day. ``rolls_up=False``: a region's own value
    is not its children's rolled up but what the figure says of it from its parent (``own_value``).
    Registering a name twice replaces it (module reloads in development)."""
    if "." not in name or ":" in name:
        raise ValueError(f"A figure name is namespaced by its app, e.g. risk.overdue_rate (got {name!r})")
    if kind not in (COUNT, RATE, AVERAGE):
        raise ValueError(f"A figure is a count, a rate or an average (got {kind!r})")

    def add(func):
        _figures[name] = Figure(name, label if label is not None else name, unit, higher_is_better, func, kind,
                                resolve=param, threshold=threshold, rolls_up=rolls_up)
        return func

    return add(fn) if fn is not None else add


def unregister(name):
    _figures.pop(name, None)


def get(name):
    """The figure ``name``, or with a parameter (``inspections.coverage:dust_30``) the figure bound
    to it, labelled with the parameter's name. LookupError for an unknown figure or parameter."""
    base, _sep, param = name.partition(":")
    try:
        figure = _figures[base]
    except KeyError:
        raise LookupError(f"No figure {base!r} is registered") from None
    if not param:
        return figure
    if figure.resolve is None:
        raise LookupError(f"The figure {base!r} takes no parameter")
    return replace(figure, name=name, param=param, label=f"{figure.label}（{figure.resolve(param)}）")


def all(namespace=None):  # noqa: A001 - the registry's public name
    """The registered figures by name; only those of ``namespace`` (an app label) when given."""
    return sorted((f for f in _figures.values() if namespace is None or f.namespace == namespace),
                  key=lambda f: f.name)


def rank(values, higher_is_better=True):
    """Competition ranks (1 = best, ties share a rank and the next rank is skipped: 1, 2, 2, 4);
    None is unranked. ``values`` in any order; ranks in the same order."""
    present = sorted((v for v in values if v is not None), reverse=higher_is_better)
    first = {}
    for i, v in enumerate(present, start=1):
        first.setdefault(v, i)
    return [None if v is None else first[v] for v in values]


def cell(value, rank=None):
    """A figure's raw value (a number, a Rate or None) as a Cell."""
    if isinstance(value, Rate):
        return Cell(value.value, value.numerator, value.denominator, rank)
    return Cell(value, rank=rank)


def rollup(values):
    """The value of a region from its parts' values: counts add up, rates add numerators and
    denominators. None when no part has a value."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    total = present[0]
    for v in present[1:]:
        total = total + v
    return total


def own_value(figure, region, period, values):
    """``region``'s own value of ``figure``, given its children's ``values``: rolled up from them, or
    for a figure that does not roll up, what the figure says of ``region`` among its parent's
    children (None at the top). One query more in that case."""
    if figure.rolls_up:
        return rollup(values.values())
    parent = region.parent
    return None if parent is None else figure(parent, period).get(region.path)


def ranked_cells(figure, children, values):
    """The cells of ``children`` (in that order) from a figure's values, ranked among themselves."""
    raw = [values.get(child.path) for child in children]
    shown = [v.value if isinstance(v, Rate) else v for v in raw]
    ranks = rank(shown, figure.higher_is_better)
    return [cell(v, r) for v, r in zip(raw, ranks)]


def children_of(region):
    """The child regions of ``region`` in the bureau's order (order, code). One query."""
    return list(region.children.order_by("order", "code"))


def compute(name, region, period, children=None):
    """Rows ``(region, value, rank)`` for each child of ``region`` in the bureau's order (order, code).
    One query for the children (none when given) plus the figure's own."""
    figure = get(name)
    children = children_of(region) if children is None else children
    cells = ranked_cells(figure, children, figure(region, period))
    return [Row(child, c.value, c.rank, c.numerator, c.denominator) for child, c in zip(children, cells)]


def table(names, region, period):
    """Every figure of ``names`` for every child region of ``region``, ranked, with the region's total.
    One query for the children, plus each figure's own (and a parameter's look-up); a pass figures
    share runs once (``batch``)."""
    figures = [get(name) for name in names]
    children = children_of(region)
    rows = [TableRow(child, {}) for child in children]
    total = TableRow(region, {})
    with batch():
        for figure in figures:
            values = figure(region, period)
            for row, c in zip(rows, ranked_cells(figure, children, values)):
                row.cells[figure.name] = c
            total.cells[figure.name] = cell(own_value(figure, region, period, values))
    return Table(region, period, figures, rows, total)
