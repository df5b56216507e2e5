"""The key-task board (issue 12 item 3): every unit × task of a list with its status and figure,
filtered by year, status and unit, as .xlsx; a task's page with the units' evidence (upload by the
unit, accept or return by the list's region); the list's region's task form, copy forward and bonus
points. A township sees its own column only. Every write is a ``services_key_tasks`` call, which
asks scope first — the API calls the same services. Out of scope is a 404, read-only a 403."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.figures import registry
from portal.jobs.exports import xlsx_response
from portal.ui import form_errors_from, query_without

from . import services_key_tasks as services
from .api_key_tasks import may_read, own_unit
from .exports_key_tasks import board_xlsx
from .forms_key_tasks import BonusForm, KeyTaskForm
from .models import KeyTask, KeyTaskBonus, KeyTaskEvidence, KeyTaskList


def _lists(user):
    if not may_read(user):
        raise Http404("No key tasks for this role")
    return scope.visible(user, KeyTaskList.objects.select_related("region"))


def _refused():
    return PermissionDenied(_("Only the bureau that set the list changes it."))


def _errors(request, exc):
    messages.error(request, "；".join(exc.messages))


def _day(request):
    try:
        return datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


def _pick(request, lists):
    """The list the board shows: ``?list=``, else the year's (``?year=``, default this year) list set
    by the user's own region or the nearest one above it, else the newest list the user sees."""
    picked = request.GET.get("list")
    if picked:
        task_list, _can = scope.get(request.user, lists, pk=picked)
        return task_list
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else timezone.localdate().year
    candidates = list(lists.filter(year=year).order_by("-region__path"))
    own = scope.bound_region(request.user)
    for task_list in candidates:
        if own is None or own.path.startswith(task_list.region.path):
            return task_list
    if candidates:
        return candidates[0]
    return None if request.GET.get("year") else lists.order_by("-year").first()


@login_required
def key_task_board(request):
    user = request.user
    lists = _lists(user)
    task_list = _pick(request, lists)
    own_region = scope.bound_region(user)
    context = {"lists": lists.order_by("-year", "region__path"), "task_list": task_list,
               "may_create": scope.can(user, caps.MANAGE_KEY_TASKS) and own_region is not None,
               "next_year": timezone.localdate().year,
               "statuses": services.STATUSES, "query": query_without(request, "page"),
               "years": sorted(set(lists.values_list("year", flat=True)), reverse=True)}
    if task_list is None:
        return render(request, "assessments/key_task_board.html", context)
    day = _day(request)
    result = services.board(task_list, day)
    status = request.GET.get("status") if request.GET.get("status") in services.STATUSES else None
    own = own_unit(user, task_list)
    units = result.units if own is None else [u for u in result.units if u.pk == own.pk]
    picked_unit = request.GET.get("unit")
    if own is None and picked_unit and picked_unit.isdigit():
        units = [u for u in units if u.pk == int(picked_unit)] or units
    if request.GET.get("format") == "xlsx":
        content = board_xlsx(result, units, status)
        return xlsx_response(content, f"{task_list.region.name}-{task_list.year}-重点工作任务.xlsx")
    rows = []
    for task in result.tasks:
        cells = [(u, result.cell(task, u)) for u in units]
        shown = [(u, c if status is None or c.status == status else None) for u, c in cells]
        if any(c is not None for _u, c in shown):
            rows.append((task, shown))
    may_manage = scope.can(user, caps.MANAGE_KEY_TASKS, task_list)
    bonuses = scope.visible(user, KeyTaskBonus.objects.filter(task_list=task_list).select_related("unit", "task"))
    context.update({
        "board": result, "units": units, "rows": rows, "status": status, "day": day, "own": own,
        "totals": [(u, result.counts(u)) for u in units], "may_manage": may_manage,
        "candidates": [c for c in services.bonus_candidates(result) if own is None or c[1].pk == own.pk],
        "bonuses": bonuses, "bonus_form": BonusForm(task_list=task_list) if may_manage else None,
        "export_href": "?" + _with(request, format="xlsx", list=task_list.pk)})
    return render(request, "assessments/key_task_board.html", context)


def _with(request, **values):
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in values.items():
        query[key] = value
    return query.urlencode()


def _task(user, pk):
    if not may_read(user):
        raise Http404("No key tasks for this role")
    return scope.get(user, KeyTask.objects.select_related("task_list__region"), pk=pk)


@login_required
def key_task_detail(request, pk):
    user = request.user
    task, _can = _task(user, pk)
    task_list = task.task_list
    result = services.board(task_list, _day(request))
    own = own_unit(user, task_list)
    units = [u for u in result.units if own is None or u.pk == own.pk]
    evidence = list(scope.visible(user, KeyTaskEvidence.objects.filter(task=task).select_related("unit")
                                  .prefetch_related("files")))
    region = scope.bound_region(user)
    may_submit = (not task.is_figure and scope.can(user, caps.SUBMIT_KEY_TASK_EVIDENCE) and region is not None
                  and region.parent_id == task_list.region_id)
    if may_submit:  # not while one waits for the bureau, nor after acceptance (the service refuses both)
        own_cell = result.cell(task, region)
        may_submit = own_cell.accepted is None and not (
            own_cell.evidence is not None and own_cell.evidence.state == KeyTaskEvidence.State.SUBMITTED)
    figure = None
    if task.is_figure:
        try:
            figure = registry.get(task.figure)
        except LookupError:
            figure = None
    return render(request, "assessments/key_task_detail.html", {
        "task": task, "task_list": task_list, "cells": [(u, result.cell(task, u)) for u in units],
        "evidence": evidence, "may_manage": scope.can(user, caps.MANAGE_KEY_TASKS, task_list),
        "may_submit": may_submit, "figure": figure, "day": result.day})


def _task_form(request, task_list, task=None):
    units = registry.children_of(task_list.region)
    form = KeyTaskForm(request.POST or None, task=task, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            if task is None:
                task = services.task_create(by=request.user, task_list=task_list, targets=form.targets(),
                                            **form.service_fields())
            else:
                task = services.task_update(by=request.user, task=task, targets=form.targets(),
                                            **form.service_fields())
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Key task %(number)s saved.") % {"number": task.number})
            return redirect("assessments:key_task_detail", pk=task.pk)
    return render(request, "assessments/key_task_form.html", {
        "form": form, "task": task, "task_list": task_list, "figures": registry.all(),
        "target_fields": [form[f"target_{u.pk}"] for u in units]})


@login_required
def key_task_create(request, list_pk):
    task_list = scope.get_for(request.user, _lists(request.user), caps.MANAGE_KEY_TASKS,
                              _("Only the bureau that set the list changes it."), pk=list_pk)
    return _task_form(request, task_list)


@login_required
def key_task_edit(request, pk):
    if not may_read(request.user):
        raise Http404("No key tasks for this role")
    task = scope.get_for(request.user, KeyTask.objects.select_related("task_list__region"), caps.MANAGE_KEY_TASKS,
                         _("Only the bureau that set the list changes it."), pk=pk)
    return _task_form(request, task.task_list, task)


@login_required
@require_POST
def key_task_list_copy(request, pk):
    task_list = scope.get_for(request.user, _lists(request.user), caps.MANAGE_KEY_TASKS,
                              _("Only the bureau that set the list changes it."), pk=pk)
    try:
        new = services.task_list_copy_forward(by=request.user, task_list=task_list)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(reverse("assessments:key_task_board") + f"?list={task_list.pk}")
    messages.success(request, _("Copied to %(year)s: %(count)s tasks, deadlines moved by a year.")
                     % {"year": new.year, "count": new.tasks.count()})
    return redirect(reverse("assessments:key_task_board") + f"?list={new.pk}")


@login_required
@require_POST
def key_task_evidence_submit(request, pk):
    user = request.user
    if not scope.can(user, caps.SUBMIT_KEY_TASK_EVIDENCE):  # a step the role never takes: 403, as in the API
        raise PermissionDenied(_("Only the unit itself uploads its evidence."))
    task, _can = _task(user, pk)
    unit = scope.bound_region(user)
    if unit is None or unit.parent_id != task.task_list.region_id:
        raise PermissionDenied(_("Only the unit itself uploads its evidence."))
    try:
        services.evidence_submit(by=user, task=task, unit=unit, files=request.FILES.getlist("files"),
                                 note=request.POST.get("note", ""), reported_value=request.POST.get("reported_value"))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Evidence submitted; the bureau will accept or return it."))
    return redirect("assessments:key_task_detail", pk=task.pk)


def _evidence_for_decision(user, pk):
    if not may_read(user):
        raise Http404("No key tasks for this role")
    return scope.get_for(user, KeyTaskEvidence.objects.select_related("task__task_list"), caps.MANAGE_KEY_TASKS,
                         _("Only the bureau that set the list changes it."), pk=pk)


@login_required
@require_POST
def key_task_evidence_accept(request, pk):
    evidence = _evidence_for_decision(request.user, pk)
    try:
        services.evidence_accept(by=request.user, evidence=evidence)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Evidence of %(unit)s accepted.") % {"unit": evidence.unit.name})
    return redirect("assessments:key_task_detail", pk=evidence.task_id)


@login_required
@require_POST
def key_task_evidence_return(request, pk):
    evidence = _evidence_for_decision(request.user, pk)
    try:
        services.evidence_return(by=request.user, evidence=evidence, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Evidence of %(unit)s returned.") % {"unit": evidence.unit.name})
    return redirect("assessments:key_task_detail", pk=evidence.task_id)


@login_required
@require_POST
def key_task_bonus_create(request, list_pk):
    task_list = scope.get_for(request.user, _lists(request.user), caps.MANAGE_KEY_TASKS,
                              _("Only the bureau that set the list changes it."), pk=list_pk)
    form = BonusForm(request.POST, task_list=task_list)
    if form.is_valid():
        try:
            services.bonus_record(by=request.user, task_list=task_list, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Bonus points recorded."))
    else:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("assessments:key_task_board") + f"?list={task_list.pk}#bonuses")


@login_required
@require_POST
def key_task_list_create(request):
    """A new, empty list of the user's own region for a year (a later year is usually copied forward)."""
    user = request.user
    _lists(user)
    region = scope.bound_region(user)
    if region is None or not scope.can(user, caps.MANAGE_KEY_TASKS):
        raise _refused()
    year = request.POST.get("year", "")
    try:
        task_list = services.task_list_create(by=user, region=region, year=int(year) if year.isdigit() else None,
                                              title=request.POST.get("title", ""))
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("assessments:key_task_board")
    messages.success(request, _("Key task list “%(title)s” created.") % {"title": task_list.title})
    return redirect(reverse("assessments:key_task_board") + f"?list={task_list.pk}")
