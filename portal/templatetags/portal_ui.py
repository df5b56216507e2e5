"""Template helpers for the shared list partials in ``templates/portal/`` (issue 8 §4): the filter
bar decides here how each filter field is drawn, so every list page draws them the same way."""
import datetime
from dataclasses import dataclass

from django import forms, template

register = template.Library()

# how wide each kind of field is in the bar's grid (Bootstrap columns: phone, tablet, desktop)
_COLUMNS = {
    "search": "col-12 col-md-4 col-xl-3",
    "date": "col-6 col-md-3 col-xl-2",
    "yesno": "col-6 col-md-4 col-xl-1",
    "widget": "col-6 col-md-4 col-xl-2",
}


@dataclass
class Cell:
    """One visible field of a filter bar: the bound field, how it is drawn and its grid columns."""

    field: forms.BoundField
    kind: str  # search | date | yesno | widget
    columns: str
    value: str  # the value an <input> or the yes/no select shows ("" for none)

    @property
    def widget(self):
        """The field's own widget, with Bootstrap's class (a select's or an input's)."""
        css = "form-select" if hasattr(self.field.field.widget, "choices") else "form-control"
        return self.field.as_widget(attrs={"class": css})


@dataclass
class Bar:
    cells: list
    kept: list  # (name, value) pairs carried as hidden inputs


def _names(text):
    return [name for name in (text or "").replace(",", " ").split() if name]


def _kind(bound):
    field = bound.field
    if isinstance(field, forms.NullBooleanField):
        return "yesno"
    if isinstance(field, forms.DateField):
        return "date"
    if bound.name == "q" and isinstance(field, forms.CharField):
        return "search"
    return "widget"


def _shown_value(bound, kind):
    value = bound.value()
    if value is None:
        return ""
    if kind == "date" and isinstance(value, datetime.date):
        return value.isoformat()  # <input type=date> reads ISO dates only
    if kind == "yesno":
        # the widget reads "true"/"1"/True as yes; the select sends "true" or "false" back
        if value is True or value == "true":
            return "true"
        return "false" if value is False or value == "false" else ""
    return str(value)


@register.simple_tag
def filter_bar(filterset, fields="", keep="", form=None):
    """The cells of a filter bar over a django-filter FilterSet (or, without one, a plain ``form``).

    ``fields``: the names shown, in order (space- or comma-separated); all visible fields when empty.
    ``keep``: names not shown whose bound value rides along as a hidden input (an enterprise's
    ledger filtered by status stays that enterprise's). Fields with a hidden widget always ride along.
    """
    form = filterset.form if filterset else form
    shown = _names(fields) or [bound.name for bound in form.visible_fields()]
    cells = []
    for name in shown:
        bound = form[name]
        kind = _kind(bound)
        cells.append(Cell(bound, kind, _COLUMNS[kind], _shown_value(bound, kind)))
    kept = []
    for bound in form:
        if bound.name in shown or not (bound.is_hidden or bound.name in _names(keep)):
            continue
        value = bound.value()
        values = value if isinstance(value, (list, tuple)) else [value]
        kept += [(bound.name, v) for v in values if v not in (None, "")]
    return Bar(cells, kept)
