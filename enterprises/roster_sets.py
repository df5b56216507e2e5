"""Named roster sets (``models.RosterSet``): the enterprises a set's roster filters select.

A set is the roster page's own filters kept under a name, so "the dust enterprises with ≥ 30 per
shift" means the same on the roster, in an export and in a figure. The filters a set may hold are
those that do not depend on who looks (no township, grid cell or search text: a figure places the
members in their townships itself). Without a status filter a set holds the enterprises on the
roster, not the deregistered ones.
"""
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from portal.ui import BootstrapFormMixin

from .filters import EnterpriseFilter
from .models import Enterprise, RosterSet, Status

SET_FILTERS = ("industry", "key_domain", "status", "above_scale", "is_key_sector", "min_dust_workers", "no_grid_cell")


class _FilterForm(BootstrapFormMixin, forms.Form):
    pass


class SetFilter(EnterpriseFilter):
    """The roster filter without the filters that depend on the user."""

    class Meta(EnterpriseFilter.Meta):
        fields = list(SET_FILTERS)
        form = _FilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.filters):
            if name not in SET_FILTERS:
                del self.filters[name]


def members(roster_set, queryset=None):
    """The enterprises of ``roster_set`` within ``queryset`` (default: the whole roster). Its
    filters are validated as the roster page validates them (one query per model filter it holds,
    e.g. the key domain); filters that no longer validate select nothing."""
    qs = queryset if queryset is not None else Enterprise.objects.all()
    data = {k: v for k, v in (roster_set.filters or {}).items() if k in SET_FILTERS and v not in ("", None)}
    if "status" not in data:
        qs = qs.exclude(status=Status.DEREGISTERED)
    filterset = SetFilter(data, queryset=qs)
    return filterset.qs if filterset.is_valid() else qs.none()


def roster_query(roster_set):
    """The roster page's query string for the set's filters (its "show the enterprises" link)."""
    return urlencode({k: v for k, v in (roster_set.filters or {}).items() if k in SET_FILTERS})


def by_code(code):
    """The set named ``code``; LookupError when there is none (a figure's unknown parameter). One query."""
    try:
        return RosterSet.objects.get(code=code)
    except RosterSet.DoesNotExist:
        raise LookupError(f"No roster set {code!r}") from None


def describe(roster_set):
    """``[(label, value)]`` of the set's filters as the roster page would show them (labels in the
    active language). Queries: one per model filter it holds."""
    filterset = SetFilter(roster_set.filters or {}, queryset=Enterprise.objects.none())
    if not filterset.is_valid():
        return [(_("Filters"), _("no longer valid: edit the set"))]
    out = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, ""):
            continue
        field = filterset.form.fields[name]
        if isinstance(value, bool):
            value = _("Yes") if value else _("No")
        elif name == "status":
            value = Status(value).label
        elif isinstance(value, Decimal):
            value = f"{value.normalize():f}"
        out.append((field.label, str(value)))
    if "status" not in filterset.form.data:
        out.append((_("Status"), _("On the roster (not deregistered)")))
    return out


@transaction.atomic
def roster_set_save(*, by, code, name, filters, description="", order=0, roster_set=None):
    """Create ``roster_set`` (None) or change it. ``filters``: the roster filter's query values; the
    filters a set may not hold and empty values are dropped, and invalid ones are refused."""
    filters = {k: str(v) for k, v in (filters or {}).items() if k in SET_FILTERS and v not in ("", None)}
    filterset = SetFilter(filters, queryset=Enterprise.objects.none())
    if not filterset.is_valid():
        raise ValidationError({k: v for k, v in filterset.form.errors.items()})
    roster_set = roster_set if roster_set is not None else RosterSet()
    roster_set.code, roster_set.name = (code or "").strip(), (name or "").strip()
    roster_set.description, roster_set.order = (description or "").strip(), order or 0
    roster_set.filters, roster_set.updated_by = filters, by
    roster_set.full_clean()
    roster_set.save()
    return roster_set
