"""The notice's "main work" paragraphs (issue 10 item 3): each app contributes the paragraph of its
area, written from a table of its figures, so the notice (``portal.notices``) knows no app::

    from portal.figures import paragraphs

    paragraphs.register(
        "risk.changan_code", "全力做好风险报告和“常安码”运行", order=30,
        figures=["risk.enterprises_using", "risk.usage_rate"],
        template="{scope}{risk.enterprises_using}家工贸企业已常态化使用“常安码”，使用率达{risk.usage_rate}。")

A paragraph is built from a ``registry.Table`` (a snapshot's, ``snapshot_table``, or a live one):
the values are the table's region's own totals (``table.total``), the figures of seed 001's main
work ("全市 32742 家……常安码使用率达 99.77%").

``template`` is a format string or ``fn(values) -> str``. In a format string a figure's name is its
placeholder, printed as the notice prints numbers (``number``: counts 32742, rates 99.77%, averages
9.23; nothing known: —), with ``.numerator`` and ``.denominator`` for a rate or an average
({risk.overdue_rate.numerator}); and ``{scope}`` (全市, 全区), ``{region}`` (the region's name) and
``{period}`` (2026年第三季度). ``values`` is that same mapping for a function (``values["risk.points"]``,
``values.scope``; a ``Value``'s ``raw`` is the number). Every placeholder of a format string must be
one of the paragraph's figures or of those three names: checked when it is registered.

The texts are Chinese literals, not msgids: a notice is an official document, written in Chinese
whatever the language of the pages. Numbers have no thousands separator, as in seed 001: the body
is justified, and a space inside a number would be stretched with the line.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
import string

from grid.models import Region

from . import registry
from .periods import HALF, MONTH, QUARTER, YEAR, YTD

EXTRA_NAMES = ("scope", "region", "period")
DIGITS = "〇一二三四五六七八九"


# -- Chinese numbers and periods -------------------------------------------------------------------------------------
def cn_numeral(n):
    """一 … 九十九: the ordinal of a heading (（三）), a quarter (第三季度)."""
    n = int(n)
    if not 0 < n < 100:
        raise ValueError("A heading number is 1 to 99")
    tens, units = divmod(n, 10)
    if not tens:
        return DIGITS[units]
    return f"{DIGITS[tens] if tens > 1 else ''}十{DIGITS[units] if units else ''}"


def number(value, kind=registry.COUNT):
    """A value as the notice prints it, without its unit: a whole number as is (32742), anything
    else to two decimals without trailing zeros (99.77, 37.5, 9.23, 100); None is —."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return str(int(value))
    text = str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".") if "." in text else text


def scope_word(region):
    """全市, 全区, 全镇: how a notice names the whole of its region."""
    return {Region.Level.CITY: "全市", Region.Level.DISTRICT: "全区", Region.Level.TOWNSHIP: "全镇"}.get(
        region.level, "全域")


def period_text(period):
    """2026年第三季度, 2026年上半年, 2026年8月, 2026年, 2026年1月1日至8月31日."""
    year = period.start.year
    if period.kind == QUARTER:
        return f"{year}年第{cn_numeral(period.number)}季度"
    if period.kind == HALF:
        return f"{year}年{'上' if period.number == 1 else '下'}半年"
    if period.kind == MONTH:
        return f"{year}年{period.start.month}月"
    if period.kind == YEAR:
        return f"{year}年"
    if period.kind == YTD:
        return f"{year}年1月1日至{period.end.month}月{period.end.day}日"
    return (f"{year}年{period.start.month}月{period.start.day}日至"
            f"{period.end.year}年{period.end.month}月{period.end.day}日")


# -- values ----------------------------------------------------------------------------------------------------------
class Value:
    """One figure's cell in a paragraph: prints as ``number`` (with % for a rate)."""

    def __init__(self, cell, kind=registry.COUNT):
        self.cell = cell if cell is not None else registry.Cell(None)
        self.kind = kind

    @property
    def raw(self):
        return self.cell.value

    @property
    def numerator(self):
        return Value(registry.Cell(self.cell.numerator))

    @property
    def denominator(self):
        return Value(registry.Cell(self.cell.denominator))

    def __str__(self):
        text = number(self.cell.value, self.kind)
        return f"{text}%" if self.kind == registry.RATE and self.cell.value is not None else text

    def __format__(self, spec):
        return format(str(self), spec)


class _Namespace:
    """The figures of one app (``risk``), so that ``{risk.usage_rate}`` resolves by attribute."""

    def __init__(self, values):
        self.__dict__.update(values)


class Values(dict):
    """The mapping a template is filled from: ``scope``, ``region``, ``period``, each app's figures
    as a namespace (``values["risk"].usage_rate``) and each figure by its full name."""

    def __init__(self, table, names):
        super().__init__()
        kinds = {f.name: f.kind for f in table.figures}
        self.figures = {name: Value(table.total.cells.get(name), kinds.get(name, registry.COUNT)) for name in names}
        self.table, self.kinds = table, kinds
        self.scope = scope_word(table.region)
        self.region = table.region.name
        self.period = period_text(table.period)
        self.update(scope=self.scope, region=self.region, period=self.period)
        spaces = {}
        for name, value in self.figures.items():
            app, _dot, rest = name.partition(".")
            spaces.setdefault(app, {})[rest] = value
        self.update({app: _Namespace(figures) for app, figures in spaces.items()})

    def units(self, name):
        """``[(region, Value)]``: each unit's own value of the figure ``name``, in the table's
        (the bureau's) order — for a paragraph that names units (the highest, the lowest)."""
        kind = self.kinds.get(name, registry.COUNT)
        return [(row.region, Value(row.cells.get(name), kind)) for row in self.table.rows]

    def __missing__(self, key):
        if key in self.figures:
            return self.figures[key]
        raise KeyError(key)


# -- the registry ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Paragraph:
    key: str
    title: str                # the heading after （一）: 全力做好风险报告和“常安码”运行
    order: int
    figures: tuple
    template: object          # a format string or fn(values) -> str

    def text(self, table):
        """The paragraph for ``table``'s region, or None when the table holds none of its figures
        (a snapshot taken before the app was installed)."""
        present = {f.name for f in table.figures}
        if not any(name in present for name in self.figures):
            return None
        values = Values(table, self.figures)
        if callable(self.template):
            return str(self.template(values))
        return self.template.format_map(values)


_paragraphs = {}


def _check(key, template, figures):
    if callable(template):
        return
    if not isinstance(template, str):
        raise TypeError(f"Paragraph {key!r}: the template is a format string or a function")
    names = set(figures) | set(EXTRA_NAMES)
    for _literal, field, _spec, _conversion in string.Formatter().parse(template):
        if field is None:
            continue
        for suffix in (".numerator", ".denominator"):
            if field.endswith(suffix):
                field = field[: -len(suffix)]
        if field not in names:
            raise ValueError(f"Paragraph {key!r}: {{{field}}} is neither one of its figures nor {EXTRA_NAMES}")


def register(key, title, order, figures=(), template=None):
    """Add the paragraph ``key`` (``app.noun``); registering a key again replaces it (a module
    reloaded). Its figures need not be registered yet: a paragraph is read long after start-up."""
    figures = tuple(figures)
    if "." not in key:
        raise ValueError(f"A paragraph key is namespaced by its app, e.g. risk.changan_code (got {key!r})")
    if not figures:
        raise ValueError(f"Paragraph {key!r} names no figure")
    if template is None:
        raise ValueError(f"Paragraph {key!r} has no template")
    _check(key, template, figures)
    _paragraphs[key] = Paragraph(key, title, order, figures, template)
    return _paragraphs[key]


def unregister(key):
    _paragraphs.pop(key, None)


def all():  # noqa: A001 - the registry's public name, as registry.all
    """The registered paragraphs in their order (then by key)."""
    return sorted(_paragraphs.values(), key=lambda p: (p.order, p.key))


def build(table):
    """``[(paragraph, text)]`` of every registered paragraph that ``table`` has figures for."""
    out = []
    for paragraph in all():
        text = paragraph.text(table)
        if text:
            out.append((paragraph, text))
    return out

