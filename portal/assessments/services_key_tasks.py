"""Key tasks (issue 12 item 3; seed 000, RULES.md §4): the writes — lists, tasks and their unit
targets, copying a list forward, evidence submitted / accepted / returned, bonus points — and the
board, the status of every unit × task on a day.

**Status of a unit's task on day ``day``** (``board``), one of four:

- **met** — a figure task: the figure over the period from 1 January of the list's year to
  ``min(day, deadline)`` reaches the unit's target (its own ``KeyTaskTarget``, else the task's
  ``target_value``, else the ``threshold`` in force for the unit on the deadline) by the task's
  comparison (at least: not below it; at most: not above it — ``problems.named``'s "below"/"above",
  the same comparison the problem rules make). A rate or an average with nothing to divide by (no
  enterprise of the set in the unit) leaves nothing to do and is met. An evidence task: evidence
  submitted on or before the deadline and accepted on or before ``day``;
- **overdue** — not met and ``day`` is after the deadline (a figure evaluated at the deadline: a
  target reached later does not undo it, nor does evidence submitted late);
- **due** — not met, the deadline not passed and at most ``assessments.key_task_due_days`` days
  away (a ``portal.rules`` threshold, the unit's own value in force on ``day``);
- **not met** — otherwise: not met yet, the deadline further away.

Queries for a board: the units, the tasks, the targets, the evidence, the due-days threshold (one
each), and per figure task its figure's own queries (all units at once: ``registry``'s figures
return every child) plus one for its threshold if it has one — never a query per unit.

Every write checks its actor first (``scope``), then the input (``ValidationError`` in Chinese,
nothing changed: one transaction).
"""
from collections import defaultdict
from dataclasses import dataclass, field
import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.attachments.services import attachment_create
from portal.figures import registry
from portal.figures.periods import Period
from portal.rules.services import ThresholdMissing, ancestor_paths, thresholds_for

from . import problems
from .models import KeyTask, KeyTaskBonus, KeyTaskEvidence, KeyTaskList, KeyTaskTarget, ProblemRule

DUE_DAYS = "assessments.key_task_due_days"
MET, NOT_MET, DUE, OVERDUE = "met", "not_met", "due", "overdue"
# (msgids of their own: "Overdue" is the hazards' 逾期未整改)
STATUSES = {MET: gettext_lazy("Key task met"), NOT_MET: gettext_lazy("Key task not met yet"),
            DUE: gettext_lazy("Key task due soon"), OVERDUE: gettext_lazy("Key task overdue")}
# the shortfall a comparison's target is missed by: at least → the problem rules' "below"
SHORTFALL = {KeyTask.Comparison.AT_LEAST: ProblemRule.Comparison.BELOW,
             KeyTask.Comparison.AT_MOST: ProblemRule.Comparison.ABOVE}
TASK_FIELDS = ("number", "title", "requirement", "deadline", "kind", "figure", "comparison", "target_value",
               "threshold", "note", "order")


# -- who sees the lists ------------------------------------------------------------------------------------------------
@scope.register_grant
def key_tasks_grant(user, model):
    """A unit reads the task lists its parents set it (a township the district's, a district the
    city's): the lists and tasks of the regions above a user's bound region, for holders of
    ``supervise`` or ``submit_key_task_evidence``. Targets, evidence and bonuses reach a unit through
    ``unit`` (``Scope.region``), so a township sees its own only."""
    if model not in (KeyTaskList, KeyTask):
        return None
    if not (scope.holds(user, caps.SUPERVISE) or scope.holds(user, caps.SUBMIT_KEY_TASK_EVIDENCE)):
        return None
    region = scope.bound_region(user)
    if region is None:
        return None
    above = ancestor_paths(region.path)[:-1]
    if not above:
        return None
    path = "region__path__in" if model is KeyTaskList else "task_list__region__path__in"
    return Q(**{path: above})


# -- the board ---------------------------------------------------------------------------------------------------------
@dataclass
class UnitStatus:
    """One unit × task on the board's day."""

    status: str
    value: object = None         # the figure's value (a rate in %), None for evidence or no data
    numerator: object = None
    denominator: object = None
    target: object = None        # the unit's target (a figure task's, or an evidence task's own number)
    evidence: object = None      # the unit's latest KeyTaskEvidence for the task, if any
    accepted: object = None      # its accepted one, if any

    @property
    def label(self):
        return STATUSES[self.status]

    @property
    def exceeded(self):
        """An evidence task's accepted number over the unit's target (seed 000 item 12's bonus)."""
        return (self.accepted is not None and self.accepted.reported_value is not None and self.target is not None
                and self.accepted.reported_value > self.target)


@dataclass
class Board:
    task_list: object
    day: datetime.date
    units: list
    tasks: list
    cells: dict = field(default_factory=dict)  # (task pk, unit pk) -> UnitStatus

    def cell(self, task, unit):
        return self.cells[(task.pk, unit.pk)]

    def rows(self, status=None, unit=None):
        """``[(task, [(unit, UnitStatus)])]`` in the list's order, only the cells of ``status`` /
        ``unit`` when given (tasks left with no cell dropped)."""
        out = []
        for task in self.tasks:
            cells = [(u, self.cells[(task.pk, u.pk)]) for u in self.units
                     if (unit is None or u.pk == unit.pk)
                     and (status is None or self.cells[(task.pk, u.pk)].status == status)]
            if cells:
                out.append((task, cells))
        return out

    def counts(self, unit):
        """``{status: n}`` of ``unit``'s tasks."""
        out = dict.fromkeys(STATUSES, 0)
        for task in self.tasks:
            out[self.cells[(task.pk, unit.pk)].status] += 1
        return out

    def per_unit(self, status):
        """``{unit path: number of its tasks in status}`` for every unit (what the figures register)."""
        return {u.path: sum(1 for t in self.tasks if self.cells[(t.pk, u.pk)].status == status) for u in self.units}


def _deadline_status(met, day, deadline, due_days):
    if met:
        return MET
    if day > deadline:
        return OVERDUE
    if (deadline - day).days <= due_days:
        return DUE
    return NOT_MET


def _figure_statuses(task, region, units, targets, day):
    """``{unit pk: (met, cell)}`` of a figure task: its figure for every unit at once, the targets
    compared through the problem rules' own comparison (``problems.named``)."""
    start = datetime.date(task.task_list.year, 1, 1)
    end = min(day, task.deadline)
    try:
        figure = registry.get(task.figure)
    except LookupError:  # unregistered since the task was saved (an app taken out): nothing measured
        figure = None
    if figure is None or end < start:  # or the list's year has not begun: nothing to measure yet
        return {u.pk: (False, registry.Cell(None)) for u in units}
    period = Period.year_to_date(end) if end.year == start.year else Period(start, end)
    values = figure(region, period)
    cells = dict(zip((u.pk for u in units), registry.ranked_cells(figure, units, values)))
    limits = {u.path: targets[u.pk] for u in units if targets.get(u.pk) is not None}
    rows = [registry.TableRow(u, {task.figure: cells[u.pk]}) for u in units if u.path in limits]
    table = registry.Table(region, period, [figure], rows, None)
    rule = ProblemRule(figure=task.figure, comparison=SHORTFALL[task.comparison], threshold=task.threshold)
    short = {r.pk for r, _c in problems.named(rule, table, limits)}
    out = {}
    for u in units:
        c = cells[u.pk]
        if u.path not in limits:
            met = False
        elif c.value is None:
            met = figure.kind in (registry.RATE, registry.AVERAGE)  # nothing to divide by: nothing to do
        else:
            met = u.pk not in short
        out[u.pk] = (met, c)
    return out


def _thresholds(name, units, on, default=None):
    """``{unit path: value}`` of a threshold in force on ``on`` (one query); ``default`` for every
    unit when no version is in force then (a date before the shipped defaults): a unit without a
    target is not met, a missing warning period warns on the deadline day only."""
    try:
        return thresholds_for(name, units, on=on)
    except ThresholdMissing:
        return {u.path: default for u in units}


def board(task_list, day=None):
    """The status of every child unit of the list's region × every task on ``day`` (default today):
    a ``Board``. See the module's docstring for what each status means and the queries it takes."""
    day = day or timezone.localdate()
    region = task_list.region
    units = registry.children_of(region)
    tasks = list(task_list.tasks.all().order_by("order", "pk"))
    result = Board(task_list, day, units, tasks)
    if not units or not tasks:
        return result
    unit_targets = defaultdict(dict)  # task pk -> {unit pk: value}
    for t in KeyTaskTarget.objects.filter(task__task_list=task_list).values("task_id", "unit_id", "value"):
        unit_targets[t["task_id"]][t["unit_id"]] = t["value"]
    latest, accepted = {}, {}
    for e in KeyTaskEvidence.objects.filter(task__task_list=task_list).order_by("submitted_at", "pk"):
        latest[(e.task_id, e.unit_id)] = e
        if e.state == KeyTaskEvidence.State.ACCEPTED:
            accepted[(e.task_id, e.unit_id)] = e
    due_days = _thresholds(DUE_DAYS, units, day, default=0)
    for task in tasks:
        own = unit_targets.get(task.pk, {})
        if task.is_figure:
            targets = {u.pk: own.get(u.pk, task.target_value) for u in units}
            if task.threshold and any(v is None for v in targets.values()):
                limits = _thresholds(task.threshold, units, task.deadline)
                targets = {u.pk: v if v is not None else limits.get(u.path) for u, v in
                           zip(units, targets.values())}
            measured = _figure_statuses(task, region, units, targets, day)
            for u in units:
                met, c = measured[u.pk]
                result.cells[(task.pk, u.pk)] = UnitStatus(
                    _deadline_status(met, day, task.deadline, due_days[u.path]), c.value, c.numerator, c.denominator,
                    targets[u.pk], latest.get((task.pk, u.pk)))
        else:
            for u in units:
                done = accepted.get((task.pk, u.pk))
                met = (done is not None and done.submitted_on <= task.deadline and done.decided_on is not None
                       and done.decided_on <= day)
                result.cells[(task.pk, u.pk)] = UnitStatus(
                    _deadline_status(met, day, task.deadline, due_days[u.path]), target=own.get(u.pk),
                    evidence=latest.get((task.pk, u.pk)), accepted=done)
    return result


def task_list_for(region, year):
    """The task list ``region`` set its units for ``year``, or None. One query."""
    return KeyTaskList.objects.select_related("region").filter(region=region, year=year).first()


# -- lists and tasks ---------------------------------------------------------------------------------------------------
def _decimal(value, field_name):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field_name: _("Enter a number.")}) from None


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def _units_of(task_list):
    return {u.pk: u for u in registry.children_of(task_list.region)}


def _set_targets(task, targets):
    """Replace the task's unit targets with ``targets`` ({unit or unit pk: value}, None/"" dropped)."""
    units = _units_of(task.task_list)
    rows, errors = [], []
    for unit, value in (targets or {}).items():
        pk = getattr(unit, "pk", unit)
        number = _decimal(value, "targets")
        if number is None:
            continue
        if pk not in units:
            errors.append(_("%(unit)s is not a unit of this list.") % {"unit": getattr(unit, "name", pk)})
        elif number < 0:
            errors.append(_("A target cannot be negative (%(unit)s).") % {"unit": units[pk].name})
        else:
            rows.append(KeyTaskTarget(task=task, unit_id=pk, value=number))
    if errors:
        raise ValidationError({"targets": errors})
    KeyTaskTarget.objects.filter(task=task).delete()
    KeyTaskTarget.objects.bulk_create(rows)


@transaction.atomic
def task_list_create(*, by, region, year, title):
    """A new, empty task list ``region`` sets its units for ``year``."""
    scope.require_within(by, caps.MANAGE_KEY_TASKS, region)
    if not year or not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Give the list's year.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the list a title.")})
    if not region.children.exists():
        raise ValidationError(_("%(region)s has no units below it to set tasks for.") % {"region": region.name})
    return _save(KeyTaskList(region=region, year=year, title=(title or "").strip(), created_by=_user(by)))


@transaction.atomic
def task_create(*, by, task_list, targets=None, **fields):
    """A task on ``task_list`` (``TASK_FIELDS``), with its units' own targets ({unit: value}). A
    figure nobody registered, a missing comparison or target, a threshold that does not exist:
    ``ValidationError`` in Chinese, nothing saved."""
    scope.require(by, caps.MANAGE_KEY_TASKS, task_list)
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise TypeError(f"task_create() got unexpected fields {sorted(unknown)}")
    fields = _clean_fields(fields)
    task = _save(KeyTask(task_list=task_list, **fields))
    _set_targets(task, targets)
    return task


def _clean_fields(fields):
    out = dict(fields)
    for name in ("figure", "threshold", "number", "title", "comparison"):
        if name in out:
            out[name] = (out[name] or "").strip()
    if "target_value" in out:
        out["target_value"] = _decimal(out["target_value"], "target_value")
    return out


@transaction.atomic
def task_update(*, by, task, targets=None, **changes):
    """Change the task's fields given; ``targets`` (when given) replaces its units' own targets."""
    scope.require(by, caps.MANAGE_KEY_TASKS, task)
    unknown = set(changes) - set(TASK_FIELDS)
    if unknown:
        raise TypeError(f"task_update() got unexpected fields {sorted(unknown)}")
    task = KeyTask.objects.select_for_update().select_related("task_list__region").get(pk=task.pk)
    for name, value in _clean_fields(changes).items():
        setattr(task, name, value)
    _save(task)
    if targets is not None:
        _set_targets(task, targets)
    return task


def _next_year(day):
    """The same day a year later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def task_list_copy_forward(*, by, task_list, year=None):
    """The list copied to ``year`` (default the next) in one step: every task with its deadline
    moved by as many years (29 February → 28 February) and its units' targets kept; evidence and
    bonuses stay with the old year. Refused when that year has a list already, or when a task would
    not be valid any more (its figure since unregistered) — nothing is copied then."""
    scope.require(by, caps.MANAGE_KEY_TASKS, task_list)
    year = year or task_list.year + 1
    if year <= task_list.year:
        raise ValidationError({"year": _("Copy a list forward to a later year.")})
    if KeyTaskList.objects.filter(region=task_list.region, year=year).exists():
        raise ValidationError({"year": _("%(region)s already has a key task list for %(year)s.")
                               % {"region": task_list.region.name, "year": year}})
    title = task_list.title.replace(str(task_list.year), str(year))
    if title == task_list.title:
        title = f"{year} {task_list.title}"
    new = _save(KeyTaskList(region=task_list.region, year=year, title=title, copied_from=task_list,
                            created_by=_user(by)))
    shift = year - task_list.year
    targets = []
    for task in task_list.tasks.all().prefetch_related("targets"):
        deadline = task.deadline
        for _i in range(shift):
            deadline = _next_year(deadline)
        copy = KeyTask(task_list=new, deadline=deadline,
                       **{name: getattr(task, name) for name in TASK_FIELDS if name != "deadline"})
        try:
            _save(copy)
        except ValidationError as error:
            raise ValidationError(_("Task %(number)s cannot be copied: %(reason)s") % {
                "number": task.number, "reason": "；".join(error.messages)}) from None
        targets += [KeyTaskTarget(task=copy, unit_id=t.unit_id, value=t.value) for t in task.targets.all()]
    KeyTaskTarget.objects.bulk_create(targets)
    return new


# -- evidence ----------------------------------------------------------------------------------------------------------
def _user(by):
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _require_own_unit(by, unit):
    """Evidence is the unit's own: a user bound to exactly that unit (a superuser, or the portal)."""
    scope.require(by, caps.SUBMIT_KEY_TASK_EVIDENCE)
    if by is None or by.is_superuser:
        return
    own = scope.bound_region(by)
    if own is None or own.pk != unit.pk:
        raise PermissionDenied(_("Only the unit itself uploads its evidence."))


@transaction.atomic
def evidence_submit(*, by, task, unit, files, note="", reported_value=None, today=None):
    """The unit's evidence for an evidence task, with at least one file (photos or PDFs, checked
    by ``portal.attachments``). Refused once the unit's evidence for the task was accepted, while
    an earlier submission waits for a decision, for a figure task, and for a file of the wrong
    type — nothing is saved then."""
    _require_own_unit(by, unit)
    task = KeyTask.objects.select_related("task_list__region").get(pk=task.pk)
    if unit.parent_id != task.task_list.region_id:
        raise ValidationError(_("%(unit)s is not a unit of this list.") % {"unit": unit.name})
    if task.is_figure:
        raise ValidationError(_("This task is measured by its figure; it takes no evidence."))
    Region.objects.select_for_update().filter(pk=unit.pk).first()  # one submission at a time per unit
    previous = set(KeyTaskEvidence.objects.filter(task=task, unit=unit).values_list("state", flat=True))
    if KeyTaskEvidence.State.ACCEPTED in previous:
        raise ValidationError(_("The bureau has accepted this task's evidence already; no more can be added."))
    if KeyTaskEvidence.State.SUBMITTED in previous:
        raise ValidationError(_("Evidence for this task is waiting for the bureau's decision."))
    files = [f for f in (files or []) if f]
    if not files:
        raise ValidationError({"files": _("Attach at least one photo or PDF file.")})
    value = _decimal(reported_value, "reported_value")
    if value is not None and value < 0:
        raise ValidationError({"reported_value": _("The number reached cannot be negative.")})
    evidence = _save(KeyTaskEvidence(task=task, unit=unit, note=(note or "").strip(), reported_value=value,
                                     submitted_by=_user(by), submitted_on=today or timezone.localdate()))
    for file in files:
        try:
            attachment_create(owner=evidence, file=file, by=_user(by))
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from None
    return evidence


def _decide(by, evidence):
    scope.require(by, caps.MANAGE_KEY_TASKS, evidence)
    evidence = KeyTaskEvidence.objects.select_for_update().select_related("task__task_list").get(pk=evidence.pk)
    if evidence.state != KeyTaskEvidence.State.SUBMITTED:
        raise ValidationError(_("This evidence was decided already (%(state)s).")
                              % {"state": evidence.get_state_display()})
    return evidence


@transaction.atomic
def evidence_accept(*, by, evidence, today=None):
    """The list's region accepts the evidence: the unit's task is done (if submitted in time)."""
    evidence = _decide(by, evidence)
    evidence.state = KeyTaskEvidence.State.ACCEPTED
    evidence.decided_by, evidence.decided_on = _user(by), today or timezone.localdate()
    try:
        with transaction.atomic():
            evidence.save(update_fields=["state", "decided_by", "decided_on"])
    except IntegrityError:
        raise ValidationError(_("The bureau has accepted this task's evidence already; no more can be added.")) \
            from None
    return evidence


@transaction.atomic
def evidence_return(*, by, evidence, reason, today=None):
    """The list's region returns the evidence with the reason; the unit may submit again."""
    evidence = _decide(by, evidence)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the evidence is returned.")})
    evidence.state = KeyTaskEvidence.State.RETURNED
    evidence.reason = reason
    evidence.decided_by, evidence.decided_on = _user(by), today or timezone.localdate()
    evidence.save(update_fields=["state", "reason", "decided_by", "decided_on"])
    return evidence


# -- bonus points ------------------------------------------------------------------------------------------------------
@transaction.atomic
def bonus_record(*, by, task_list, unit, points, reason, task=None):
    """Bonus points for ``unit`` with the reason (seed 000 item 12: townships that create more
    compliant enterprises than their targets earn discretionary points at year end)."""
    scope.require(by, caps.MANAGE_KEY_TASKS, task_list)
    errors = {}
    if unit is None or unit.parent_id != task_list.region_id:
        errors["unit"] = _("Pick a unit of this list.")
    try:
        number = _decimal(points, "points")
    except ValidationError:
        number, errors["points"] = None, _("Enter a number.")
    if "points" not in errors and (number is None or number <= 0):
        errors["points"] = _("Bonus points are more than 0.")
    if not (reason or "").strip():
        errors["reason"] = _("Say why the unit earns the points.")
    if task is not None and task.task_list_id != task_list.pk:
        errors["task"] = _("The task is not on this list.")
    if errors:
        raise ValidationError(errors)
    return _save(KeyTaskBonus(task_list=task_list, task=task, unit=unit, points=number, reason=reason.strip(),
                              recorded_by=_user(by)))


def bonus_candidates(result):
    """``[(task, unit, UnitStatus)]`` of a board: units whose accepted number exceeds their own
    target on an evidence task (who the bureau considers for bonus points)."""
    return [(task, unit, c) for task, cells in result.rows() for unit, c in cells if c.exceeded]
