"""Small cross-cutting helpers for pages: Bootstrap-styled forms, paging, the navigation menu and
the to-do registry. Imports no business app: apps register their menu entries and to-dos."""
from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _


class BootstrapFormMixin:
    """Adds Bootstrap classes to widgets and marks invalid fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            css = "form-select" if isinstance(widget, (forms.Select, forms.SelectMultiple)) else "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


def form_errors_from(form, exc):
    """Show a service's ``ValidationError`` on ``form``: each message by its field, the rest (and a
    plain list of messages) at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def paginate(request, queryset, per_page=50, max_per_page=200, count=None):
    """One page of ``queryset``; a malformed or out-of-range page size or number falls back to a real page.
    ``count``: the number of rows when the page already counted them (saves the paginator's COUNT)."""
    try:
        asked = int(request.GET.get("per_page", per_page))
    except ValueError:
        asked = per_page
    per_page = min(asked, max_per_page) if asked >= 1 else per_page
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: the value given stands in for its query
    return paginator.get_page(request.GET.get("page"))


def query_without(request, *keys):
    """The current query string minus ``keys`` (for paging links that keep the filters)."""
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


# -- navigation -----------------------------------------------------------------------------------
@dataclass
class NavItem:
    label: str
    url_name: str
    capability: str | None  # who sees it: the holders of this capability (None: every signed-in user)
    order: int = 100
    group: str = ""  # a key of NAV_GROUPS: entries of one group share a drop-down menu


# The menu's drop-down groups (key -> label), declared by the apps whose entries they gather
# (``register_nav_group``); a group a user sees one entry of shows as a plain link.
NAV_GROUPS = {"system": _("System settings")}

_nav = {}


def register_nav_group(key, label):
    NAV_GROUPS[key] = label


def register_nav(label, url_name, capability, order=100, group=""):
    """A menu entry for the users who hold ``capability`` (``portal.accounts.capabilities``; None for
    every signed-in user): the menu asks the same table as the page. One entry per URL name, so an
    app's ``ready()`` may run again (a test installing an app) without doubling its entries."""
    if group and group not in NAV_GROUPS:
        raise ValueError(f"Unknown menu group {group!r}: declare it with register_nav_group first")
    if capability is not None and not isinstance(capability, str):
        raise TypeError("A menu entry names one capability, not roles")
    _nav[url_name] = NavItem(label, url_name, capability, order, group)


def nav_items_for(held):
    """The entries for a user holding the capabilities ``held`` (``scope.capabilities(user)``: this
    module sits left of the accounts), in order."""
    return sorted((i for i in _nav.values() if i.capability is None or i.capability in held),
                  key=lambda i: i.order)


# -- to-do list on each role's home page ----------------------------------------------------------
_todo_providers = []


@dataclass
class Todo:
    label: str
    count: int
    url: str = ""
    level: str = "warning"  # bootstrap colour


def register_todos(fn):
    """``fn(user) -> list[Todo]``; each app adds what its records ask of the user. One provider per
    function (module and name), so registering it again replaces it."""
    key = (fn.__module__, fn.__qualname__)
    _todo_providers[:] = [p for p in _todo_providers if (p.__module__, p.__qualname__) != key]
    _todo_providers.append(fn)
    return fn


def todos_for(user):
    items = []
    for provider in _todo_providers:
        items.extend(t for t in provider(user) if t.count)
    return items
