"""Freezing a quarter (issue 10 item 1): request, compute in parts, finish, fail, read; and the
problem rules (issue 10 item 2): create, update, deactivate, and who sees them.

``snapshot_request`` checks who acts (``compute_snapshots`` within their region) and what is asked
(a city or a district, a period that has started), creates the snapshot in state "building" and,
once that is committed, sends one ``snapshot_part`` task per part — a city's districts, or the
district itself. Each part computes every registered figure (``registry.all()``, those taking no
parameter) for the part's townships and the part's own total, ranks the townships, and writes them
with its ``SnapshotPart`` in one transaction (a redelivered part replaces what it wrote). The part
that completes the set calls ``snapshot_finish``: the districts ranked among themselves, the city's
total rolled up from theirs, and — in the same transaction — the previous current snapshot of the
region and period replaced by this one.

A part that raises marks the snapshot failed; a worker killed half-way leaves it building until
``snapshot_fail_stale`` (on read, and periodically) marks it failed after ``SNAPSHOT_TIMEOUT``
seconds. Either way the previous snapshot stays current.

Figures are computed as of ``computed_on`` (the day of the request: the portal's clock, which
tests pin). Thresholds are those in force on the period's last day for each unit.
"""
import datetime
from decimal import Decimal
import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from grid.models import PATH_STEP, Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.figures import registry
from portal.figures.periods import Period
from portal.rules.services import ancestor_paths, thresholds_for

from .models import ProblemRule, Snapshot, SnapshotPart, SnapshotValue

log = logging.getLogger(__name__)


# -- what a snapshot holds -------------------------------------------------------------------------------------------
def snapshot_figures():
    """The figures a snapshot holds: every registered figure that takes no parameter, by name."""
    return [figure for figure in registry.all() if figure.resolve is None]


def snapshot_parts(region):
    """The parts of a snapshot of ``region``: a city's districts, or a district itself."""
    if region.level == Region.Level.CITY:
        return list(region.children.order_by("order", "code"))
    if region.level == Region.Level.DISTRICT:
        return [region]
    raise ValidationError(_("A quarter is frozen for a city or a district, not for %(region)s.")
                          % {"region": region.name})


def period_of(snapshot):
    return Period.parse(snapshot.period) or Period(snapshot.period_start, snapshot.period_end)


def _timeout():
    return datetime.timedelta(seconds=getattr(settings, "SNAPSHOT_TIMEOUT", 1800))


# -- request ---------------------------------------------------------------------------------------------------------
def snapshot_request(*, region, period, by, today=None, dispatch=True):
    """A new snapshot of ``region`` for ``period`` in state "building", its parts sent to the
    workers once the transaction commits. The bureau's button and the quarterly beat job call it
    (``by=None``: the portal itself). ``ValidationError`` with a Chinese message for a period that
    has not started, a region that is neither a city nor a district, or a run already building."""
    scope.require_within(by, caps.COMPUTE_SNAPSHOTS, region)
    today = today or timezone.localdate()
    if period is None:
        raise ValidationError(_("Pick a period."))
    if period.start > today:
        raise ValidationError(_("%(period)s has not started: there is nothing to compute yet.")
                              % {"period": period.label})
    parts = snapshot_parts(region)
    if not parts:
        raise ValidationError(_("%(region)s has no districts to compute.") % {"region": region.name})
    snapshot_fail_stale()
    with transaction.atomic():
        # one run at a time for a region and period: a second click while it builds changes nothing
        Region.objects.select_for_update().filter(pk=region.pk).first()
        if Snapshot.objects.filter(region=region, period=str(period), state=Snapshot.State.BUILDING).exists():
            raise ValidationError(_("%(period)s of %(region)s is being computed already; wait for it to finish.")
                                  % {"period": period.label, "region": region.name})
        snapshot = Snapshot.objects.create(
            region=region, period=str(period), period_start=period.start, period_end=period.end,
            parts_expected=len(parts), requested_by=by, computed_on=today)
        part_ids = [part.pk for part in parts]
        if dispatch:
            transaction.on_commit(lambda: _dispatch(snapshot.pk, part_ids))
    return snapshot


def snapshot_compute(*, region, period, by, today=None):
    """Request a snapshot and compute every part here, one after the other (the demo, the
    ``snapshot`` command, the bench): the same parts and finish as the workers run. Returns it,
    current (or failed, with the part's error raised)."""
    snapshot = snapshot_request(region=region, period=period, by=by, today=today, dispatch=False)
    try:
        for part in snapshot_parts(region):
            snapshot_part(snapshot.pk, part.pk)
    except Exception as error:
        snapshot_fail(snapshot.pk, f"{type(error).__name__}: {error}")
        raise
    snapshot.refresh_from_db()
    return snapshot


def _dispatch(snapshot_id, part_ids):
    from . import tasks

    for region_id in part_ids:
        try:
            tasks.snapshot_part.delay(snapshot_id, region_id)
        except Exception:  # noqa: BLE001 - run in process (no broker), a part's error has failed the snapshot
            log.exception("Snapshot %s: part %s failed", snapshot_id, region_id)
            return


# -- one part --------------------------------------------------------------------------------------------------------
def _decimal(value):
    return None if value is None else Decimal(str(value))


def _threshold_values(figures, regions, on):
    """``{(figure name, region path): value}`` of the thresholds the figures are held to, in force
    on ``on`` for each region: one query per threshold named."""
    out = {}
    for name in sorted({f.threshold for f in figures if f.threshold}):
        for path, value in thresholds_for(name, regions, on=on).items():
            out[(name, path)] = value
    return out


def _value_row(snapshot, figure, region, parent, cell, thresholds):
    return SnapshotValue(
        snapshot=snapshot, region=region, parent=parent, figure=figure.name, label=str(figure.label),
        unit=figure.unit, kind=figure.kind, higher_is_better=figure.higher_is_better, value=_decimal(cell.value),
        numerator=_decimal(cell.numerator), denominator=_decimal(cell.denominator), rank=cell.rank,
        threshold=figure.threshold, threshold_value=_decimal(thresholds.get((figure.threshold, region.path))))


def snapshot_part(snapshot_id, region_id):
    """Compute and store one part: every figure for the townships of ``region_id`` (ranked among
    themselves) and the district's own total (ranked later, in ``snapshot_finish``). A part of a
    snapshot no longer building (failed, or finished by an earlier delivery) does nothing."""
    snapshot = Snapshot.objects.select_related("region").get(pk=snapshot_id)
    if snapshot.state != Snapshot.State.BUILDING:
        return False
    region = Region.objects.get(pk=region_id)
    period = period_of(snapshot)
    started = time.monotonic()
    figures = snapshot_figures()
    children = registry.children_of(region)
    thresholds = _threshold_values(figures, children + [region], period.end)
    top = region.pk == snapshot.region_id
    rows = []
    with translation.override(settings.LANGUAGE_CODE), registry.batch():  # labels stored in Chinese
        for figure in figures:
            values = figure(region, period)
            for child, cell in zip(children, registry.ranked_cells(figure, children, values)):
                rows.append(_value_row(snapshot, figure, child, region, cell, thresholds))
            total = registry.cell(registry.own_value(figure, region, period, values))
            rows.append(_value_row(snapshot, figure, region, None if top else snapshot.region, total, thresholds))
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().get(pk=snapshot_id)
        if snapshot.state != Snapshot.State.BUILDING:
            return False
        SnapshotValue.objects.filter(snapshot=snapshot, region__in=children + [region]).delete()
        SnapshotValue.objects.bulk_create(rows, batch_size=2000)
        _part, created = SnapshotPart.objects.get_or_create(
            snapshot=snapshot, region=region, defaults={"seconds": time.monotonic() - started})
        if created:
            Snapshot.objects.filter(pk=snapshot.pk).update(parts_done=F("parts_done") + 1)
        complete = SnapshotPart.objects.filter(snapshot=snapshot).count() >= snapshot.parts_expected
    if complete:
        snapshot_finish(snapshot_id)
    return True


# -- finish, fail ----------------------------------------------------------------------------------------------------
def _raw(row):
    """A stored value back as the registry's raw value (a number, a Rate, a Ratio, or None)."""
    if row.kind == registry.COUNT:
        return None if row.value is None else row.value
    if row.denominator is None:
        return None
    kind = registry.Ratio if row.kind == registry.AVERAGE else registry.Rate
    return kind(row.numerator, row.denominator)


def snapshot_finish(snapshot_id):
    """Once every part arrived: rank the parts among themselves, add the region's own total (a
    city), and make the snapshot current, replacing the previous one, in one transaction."""
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().select_related("region").get(pk=snapshot_id)
        if snapshot.state != Snapshot.State.BUILDING:
            return False
        if SnapshotPart.objects.filter(snapshot=snapshot).count() < snapshot.parts_expected:
            return False
        region = snapshot.region
        if region.level == Region.Level.CITY:
            _rank_parts(snapshot, region)
        Snapshot.objects.filter(region=region, period=snapshot.period, state=Snapshot.State.CURRENT).update(
            state=Snapshot.State.REPLACED)
        Snapshot.objects.filter(pk=snapshot.pk).update(state=Snapshot.State.CURRENT, finished_at=timezone.now(),
                                                       parts_done=snapshot.parts_expected)
    return True


def _rank_parts(snapshot, city):
    """The districts' rows ranked among themselves and the city's total from theirs."""
    rows = list(SnapshotValue.objects.filter(snapshot=snapshot, parent=city).select_related("region")
                .order_by("figure", "region__order", "region__code"))
    by_figure = {}
    for row in rows:
        by_figure.setdefault(row.figure, []).append(row)
    thresholds = _threshold_values([registry.Figure(r[0].figure, "", "", True, None, threshold=r[0].threshold)
                                    for r in by_figure.values()], [city], snapshot.period_end)
    totals = []
    for name, figure_rows in by_figure.items():
        first = figure_rows[0]
        raw = [_raw(r) for r in figure_rows]
        shown = [v.value if isinstance(v, registry.Rate) else v for v in raw]
        for row, rank in zip(figure_rows, registry.rank(shown, first.higher_is_better)):
            row.rank = rank
        try:
            figure = registry.get(name)
        except LookupError:  # unregistered since the parts ran: their values stand, the total rolls up
            figure = None
        if figure is None or figure.rolls_up:
            total = registry.cell(registry.rollup(raw))
        else:
            total = registry.cell(registry.own_value(figure, city, period_of(snapshot), {}))
        totals.append(SnapshotValue(
            snapshot=snapshot, region=city, parent=None, figure=name, label=first.label, unit=first.unit,
            kind=first.kind, higher_is_better=first.higher_is_better, value=_decimal(total.value),
            numerator=_decimal(total.numerator), denominator=_decimal(total.denominator), rank=None,
            threshold=first.threshold, threshold_value=_decimal(thresholds.get((first.threshold, city.path)))))
    SnapshotValue.objects.bulk_update(rows, ["rank"], batch_size=2000)
    SnapshotValue.objects.filter(snapshot=snapshot, region=city).delete()
    SnapshotValue.objects.bulk_create(totals)


def snapshot_fail(snapshot_id, message):
    """Mark a building snapshot failed (a part raised): the previous one stays current."""
    return Snapshot.objects.filter(pk=snapshot_id, state=Snapshot.State.BUILDING).update(
        state=Snapshot.State.FAILED, finished_at=timezone.now(), message=message[:2000])


def snapshot_fail_stale(now=None):
    """Snapshots still building ``SNAPSHOT_TIMEOUT`` after they were requested (a worker died, a
    part was lost) are failed, so that a new run may start. Returns how many."""
    now = now or timezone.now()
    return Snapshot.objects.filter(state=Snapshot.State.BUILDING, requested_at__lt=now - _timeout()).update(
        state=Snapshot.State.FAILED, finished_at=now,
        message=_("The computation did not finish in time (a worker stopped); the previous figures stay current."))


# -- reading ---------------------------------------------------------------------------------------------------------
def current_snapshot(region, period):
    """The current snapshot holding the children of ``region`` for ``period``: ``region``'s own, or
    the nearest one above it (a district's townships are in its city's snapshot), or None."""
    if region.level not in (Region.Level.CITY, Region.Level.DISTRICT):
        return None  # a township's children (villages) are never frozen
    paths = [region.path[:i] for i in range(PATH_STEP, len(region.path) + 1, PATH_STEP)]
    candidates = (Snapshot.objects.filter(state=Snapshot.State.CURRENT, period=str(period), region__path__in=paths)
                  .select_related("region").order_by("-region__path"))
    return candidates.first()


def snapshot_table(snapshot, region, names=None):
    """The children of ``region`` in ``snapshot`` as a ``registry.Table`` (the same object a live
    table is, so pages and the notice draw both alike): rows in the bureau's order, cells with the
    stored value, numerator, denominator and rank, the total from ``region``'s own row. Two queries."""
    rows = list(SnapshotValue.objects.filter(snapshot=snapshot, parent=region).select_related("region")
                .order_by("region__order", "region__code", "figure"))
    own = {r.figure: r for r in SnapshotValue.objects.filter(snapshot=snapshot, region=region)}
    present = sorted({r.figure for r in rows} | set(own))
    names = [n for n in (names or present) if n in present]
    figures = [_stored_figure(own.get(name) or next(r for r in rows if r.figure == name)) for name in names]
    units, order = {}, []
    for row in rows:
        if row.region_id not in units:
            units[row.region_id] = registry.TableRow(row.region, {})
            order.append(units[row.region_id])
        units[row.region_id].cells[row.figure] = stored_cell(row)
    for unit in order:
        unit.cells = {name: unit.cells.get(name, registry.Cell(None)) for name in names}
    total = registry.TableRow(region, {name: stored_cell(own[name]) if name in own else registry.Cell(None)
                                       for name in names})
    thresholds = {}
    for row in rows:
        if row.threshold and row.threshold_value is not None:
            thresholds.setdefault(row.threshold, {})[row.region.path] = row.threshold_value
    return registry.Table(region, period_of(snapshot), figures, order, total, thresholds)


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def stored_cell(row):
    return registry.Cell(_number(row.value), _number(row.numerator), _number(row.denominator), row.rank)


def _stored_figure(row):
    """The figure as the snapshot recorded it (label, unit, direction): a figure unregistered since
    still shows as it was published."""
    return registry.Figure(row.figure, row.label, row.unit, row.higher_is_better, None, row.kind,
                           threshold=row.threshold)


# -- problem rules ---------------------------------------------------------------------------------------------------
RULE_FIELDS = ("title", "figure", "comparison", "n", "threshold", "sentence", "order", "active", "region")


@scope.register_grant
def problem_rules_grant(user, model):
    """Who reads the problem rules besides those of their own region and below (``ProblemRule.Scope``):
    every holder of ``read_notices`` or ``issue_notices`` reads the deployment-wide rules, and a
    region-bound one those of the regions above theirs — the rules that apply to their tables.
    Changing them stays with the rule's own region (``Scope.owners``): a deployment-wide rule only
    with a superuser or a data migration."""
    if model is not ProblemRule:
        return None
    if not (scope.holds(user, caps.READ_NOTICES) or scope.holds(user, caps.ISSUE_NOTICES)):
        return None
    region = scope.bound_region(user)
    above = ancestor_paths(region.path)[:-1] if region is not None else []
    return Q(region__isnull=True) | Q(region__path__in=above) if above else Q(region__isnull=True)


def _rule_save(rule):
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def problem_rule_create(*, by, region, title, figure, comparison, sentence, n=None, threshold="", order=0,
                        active=True):
    """A new rule for ``region`` (None: deployment-wide, a superuser's). The bureau adds rules for its
    own region or one below it; ``ValidationError`` (Chinese, per field) for a figure nobody
    registered, a threshold that does not exist, a comparison without its n or threshold, a
    sentence with an unknown placeholder — nothing is saved."""
    scope.require_within(by, caps.ISSUE_NOTICES, region)
    return _rule_save(ProblemRule(region=region, title=title, figure=(figure or "").strip(), comparison=comparison,
                                  sentence=sentence, n=n, threshold=(threshold or "").strip(), order=order,
                                  active=active))


@transaction.atomic
def problem_rule_update(*, rule, by, **changes):
    """Change the fields given (``RULE_FIELDS``); moving a rule to another region needs that region
    within the user's too. Validated as a whole, like a new rule."""
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"problem_rule_update() got unexpected fields {sorted(unknown)}")
    scope.require_within(by, caps.ISSUE_NOTICES, rule.region)
    if "region" in changes and changes["region"] != rule.region:
        scope.require_within(by, caps.ISSUE_NOTICES, changes["region"])
    rule = ProblemRule.objects.select_for_update().get(pk=rule.pk)
    for name in ("figure", "threshold"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    for name, value in changes.items():
        setattr(rule, name, value)
    return _rule_save(rule)


@transaction.atomic
def problem_rule_deactivate(*, rule, by):
    """Take the rule out of use: the next notices name no problem by it (a rule already out of use
    stays so). Rules are never deleted, so what a notice said can be traced to its rule."""
    scope.require_within(by, caps.ISSUE_NOTICES, rule.region)
    rule = ProblemRule.objects.select_for_update().get(pk=rule.pk)
    if rule.active:
        rule.active = False
        rule.save(update_fields=["active", "updated_at"])
    return rule
