"""Reading thresholds (one query) and adding a new version of one.

The value of a threshold for a region on a date is the newest version effective on that date of
the *nearest* region among the region and its ancestors; the deployment default (no region) applies
when none of them has its own. A lower region overrides a higher one even with an older version:
a township that set its own target keeps it until it sets another.
"""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.models import PATH_STEP
from portal.accounts import capabilities as caps
from portal.accounts import scope

from .models import Threshold


class ThresholdMissing(LookupError):
    """No version of a threshold applies: the deployment ships none and no region set one."""

    def __init__(self, name, region=None, on=None):
        self.name, self.region, self.on = name, region, on
        where = f" for {region.name}" if region is not None else ""
        super().__init__(f"No threshold {name!r}{where} is effective on {on}")


def ancestor_paths(path):
    """The path of the region and of each of its ancestors."""
    return [path[:i] for i in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def _candidates(name, paths, on):
    q = Q(region__isnull=True)
    if paths:
        q |= Q(region__path__in=paths)
    return (Threshold.objects.filter(q, name=name, effective_from__lte=on)
            .annotate(depth=Length("region__path"))
            .order_by(F("depth").desc(nulls_last=True), "-effective_from"))


def _today():
    return timezone.localdate()


def threshold(name, *, region=None, on=None):
    """The value of threshold ``name`` for ``region`` on date ``on`` (default today). One query."""
    on = on or _today()
    paths = ancestor_paths(region.path) if region is not None else []
    value = _candidates(name, paths, on).values_list("value", flat=True).first()
    if value is None:
        raise ThresholdMissing(name, region, on)
    return value


def thresholds_for(name, regions, on=None):
    """``{region.path: value}`` for every region of ``regions`` (e.g. each township of a district,
    for a figure): one query whatever their number. Raises ``ThresholdMissing`` if one has none."""
    on = on or _today()
    regions = list(regions)
    paths = sorted({p for r in regions for p in ancestor_paths(r.path)})
    rows = list(_candidates(name, paths, on).values_list("region__path", "value"))  # nearest first
    out = {}
    for region in regions:
        for path, value in rows:
            if path is None or region.path.startswith(path):
                out[region.path] = value
                break
        else:
            raise ThresholdMissing(name, region, on)
    return out


def threshold_names():
    """Every known threshold with its label and unit, from its default (or first) version. One query."""
    out = {}
    for row in (Threshold.objects.order_by("name", F("region").asc(nulls_first=True), "-effective_from")
                .values("name", "label", "unit")):
        out.setdefault(row["name"], row)
    return out


@transaction.atomic
def threshold_create(*, name, region, value, effective_from, source="", by=None):
    """A new version of a known threshold for ``region`` (None: the deployment default).

    The label and unit follow the threshold's existing versions; a new name is added by a migration,
    not from a page, so code and data never disagree about what a threshold means. Bureau staff set
    versions for their bound region or below, a superuser also the deployment default."""
    scope.require_within(by, caps.MANAGE_THRESHOLDS, region)
    known = threshold_names().get(name)
    if known is None:
        raise ValidationError({"name": _("Unknown threshold “%(name)s”.") % {"name": name}})
    if effective_from is None:
        raise ValidationError({"effective_from": _("Give the date this value takes effect.")})
    value = Decimal(value)
    errors = {}
    if value < 0:
        errors["value"] = _("A threshold cannot be negative.")
    elif known["unit"] == "%" and value > 100:
        errors["value"] = _("A percentage cannot exceed 100.")
    if errors:
        raise ValidationError(errors)
    if Threshold.objects.filter(name=name, region=region, effective_from=effective_from).exists():
        raise ValidationError({"effective_from": _(
            "This region already has a version taking effect on %(date)s; choose another date.") % {
            "date": effective_from.isoformat() if isinstance(effective_from, datetime.date) else effective_from}})
    obj = Threshold(name=name, label=known["label"], unit=known["unit"], value=value, region=region,
                    effective_from=effective_from, source=source, created_by=by)
    obj.full_clean()
    obj.save()
    return obj
