"""The figures registry: apps to the right register their figures here, pages on the left (the
overview, the notice, the township assessment) compute and rank them without importing those apps.

A figure is ``fn(region, period) -> {child_region_path: value}`` over the children of ``region``,
computed in a fixed small number of queries (one grouped query, STYLE "Figures"); a child missing
from the dict has the value None (no data, unranked).
"""
from dataclasses import dataclass
from typing import Callable

from .periods import Period  # noqa: F401  (the registry's period type, re-exported)


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    unit: str
    higher_is_better: bool
    fn: Callable


@dataclass
class Row:
    region: object
    value: object
    rank: int | None


_figures = {}


def register(name, label=None, unit="", higher_is_better=True, fn=None):
    """Register ``fn`` as figure ``name`` (``app.noun``); usable as a decorator when ``fn`` is omitted.
    Registering a name twice replaces it (module reloads in development)."""
    if "." not in name:
        raise ValueError(f"A figure name is namespaced by its app, e.g. risk.overdue_rate (got {name!r})")

    def add(func):
        _figures[name] = Figure(name, label if label is not None else name, unit, higher_is_better, func)
        return func

    return add(fn) if fn is not None else add


def unregister(name):
    _figures.pop(name, None)


def get(name):
    try:
        return _figures[name]
    except KeyError:
        raise LookupError(f"No figure {name!r} is registered") from None


def all():  # noqa: A001 - the registry's public name
    return sorted(_figures.values(), key=lambda f: f.name)


def rank(values, higher_is_better=True):
    """Competition ranks (1 = best, ties share a rank and the next rank is skipped: 1, 2, 2, 4);
    None is unranked. ``values`` in any order; ranks in the same order."""
    present = sorted((v for v in values if v is not None), reverse=higher_is_better)
    first = {}
    for i, v in enumerate(present, start=1):
        first.setdefault(v, i)
    return [None if v is None else first[v] for v in values]


def compute(name, region, period):
    """Rows ``(region, value, rank)`` for each child of ``region`` in the bureau's order (order, code).
    One query for the children plus the figure's own."""
    figure = get(name)
    children = list(region.children.order_by("order", "code"))
    values = figure.fn(region, period)
    vals = [values.get(child.path) for child in children]
    ranks = rank(vals, figure.higher_is_better)
    return [Row(child, v, r) for child, v, r in zip(children, vals, ranks)]
