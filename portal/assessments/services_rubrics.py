"""The two assessments (issue 12 items 1 and 2) and what their forms check (item 3, the rubric side).

Every write asks scope first (``manage_rubrics``, ``score_enterprises``, ``score_units``,
``file_plan``, ``review_plans``, ``random_checks``; 403 when refused, and the pages fetch records
through ``scope`` so that out of scope is a 404), then checks the input, all of it, inside one
transaction: a score above an item's points or below zero, evidence that is not a photo or a PDF, a
form that does not add up to 100 — a Chinese ``ValidationError`` and nothing changed.

- Forms: ``form_current(kind)`` is the newest version; ``form_edit`` changes a version nobody scored
  with in place and otherwise makes the next version (a score keeps the version it used).
- Scores: ``score_enterprise`` (a township, monthly, 附件1; under the pass mark — the
  ``assessments.enterprise_pass_mark`` threshold, 60 — flags the enterprise to start over and tells
  its principal and safety manager), ``score_unit`` (kind ``self``: a unit's monthly self-score;
  ``quarterly``: the level above scores each unit below it). Scoring the same subject and period
  again replaces the lines (with the newest form version); deductions stay.
- Items filled from a figure: the figure of the assessing region (``registry.get(name)(parent,
  period)``), the unit's value × the item's multiplier, capped — one figure call per item.
- Plans, random checks, findings and deductions: ``plan_file``, ``plan_review``,
  ``review_spot_check``, ``random_check_draw``, ``finding_record``.
"""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise, Status
from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import recipients, scope
from portal.attachments.services import attachment_create
from portal.figures import registry
from portal.figures.periods import MONTH, QUARTER, Period
from portal.notifications.services import notification_build, notifications_send
from portal.rules.services import ThresholdMissing, threshold
from portal.sampling.services import sample_draw

from .kinds_rubrics import ENTERPRISE_FLAGGED
from .models import (Deduction, Finding, RandomCheck, RectificationPlan, RubricForm, RubricItem, Score,
                     ScoreItem)

PASS_MARK = "assessments.enterprise_pass_mark"
ITEM_FIELDS = ("number", "title", "requirement", "points", "due_month", "due_day", "unfilled", "method", "figure",
               "multiplier", "cap")


# -- forms -----------------------------------------------------------------------------------------------------------
def forms_with_items():
    return RubricForm.objects.prefetch_related(Prefetch("items", queryset=RubricItem.objects.order_by("number")))


def form_current(kind):
    """The newest version of the form of ``kind`` (with its items), or None."""
    return forms_with_items().filter(kind=kind).order_by("-version").first()


def form_in_use(form):
    return Score.objects.filter(form=form).exists()


def _decimal(value, field, errors, *, required=True):
    if value in (None, ""):
        if required:
            errors[field] = _("This field is required.")
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter a number.")
        return None


@transaction.atomic
def form_edit(*, form, by, title, items):
    """Change ``form`` (title and its items: dicts of ``ITEM_FIELDS``). A version already used by a
    score is not changed: the change becomes the next version. Only the newest version is edited.
    ``ValidationError`` {"items.N.field": message} for a bad item; nothing saved then."""
    scope.require(by, caps.MANAGE_RUBRICS)
    newest = RubricForm.objects.select_for_update().filter(kind=form.kind).order_by("-version").first()
    if newest.pk != form.pk:
        raise ValidationError(_("Only the newest version of a form can be edited; version %(v)s is newer.")
                              % {"v": newest.version})
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the form a title.")})
    if not items:
        raise ValidationError(_("A form needs at least one item."))
    target = form
    if form_in_use(form):
        target = RubricForm.objects.create(kind=form.kind, version=form.version + 1, title=title.strip(),
                                           source=form.source, created_by=by)
    else:
        target.title = title.strip()
        target.save(update_fields=["title"])
        target.items.all().delete()
    errors, made, numbers = {}, [], set()
    for index, raw in enumerate(items):
        item_errors = {}
        data = {k: raw.get(k) for k in ITEM_FIELDS}
        item = RubricItem(
            form=target, number=data["number"] or (index + 1), title=(data["title"] or "").strip(),
            requirement=(data["requirement"] or "").strip(),
            points=_decimal(data["points"], "points", item_errors),
            due_month=data["due_month"] or None, due_day=data["due_day"] or None, unfilled=bool(data["unfilled"]),
            method=data["method"] or RubricItem.Method.HAND, figure=(data["figure"] or "").strip(),
            multiplier=_decimal(data["multiplier"], "multiplier", item_errors, required=False),
            cap=_decimal(data["cap"], "cap", item_errors, required=False))
        if item.number in numbers:
            item_errors["number"] = _("Two items have the number %(n)s.") % {"n": item.number}
        numbers.add(item.number)
        if item.method == RubricItem.Method.FIGURE and target.kind == RubricForm.Kind.ENTERPRISE:
            item_errors["method"] = _("Figures are computed for units, not enterprises: score this item by hand.")
        if not item_errors:
            try:
                item.full_clean(exclude=["form"])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    item_errors[field] = messages[0]
        for field, message in item_errors.items():
            errors[f"items.{index}.{field}"] = message
        made.append(item)
    if errors:
        raise ValidationError(errors)
    RubricItem.objects.bulk_create(made)
    return forms_with_items().get(pk=target.pk)


# -- scoring ---------------------------------------------------------------------------------------------------------
def _usable(form):
    if form is None:
        raise ValidationError(_("No assessment form of this kind has been set up."))
    problems = form.problems()
    if problems:
        raise ValidationError(_("The form “%(form)s” is incomplete and cannot be used for scoring: %(why)s")
                              % {"form": form, "why": " ".join(problems)})
    return form


def _period(period, kind):
    if isinstance(period, str):
        period = Period.parse(period, kind)
    if period is None or period.kind != kind:
        raise ValidationError(_("Pick a month.") if kind == MONTH else _("Pick a quarter."))
    if period.start > timezone.localdate():
        raise ValidationError(_("%(period)s has not started: it cannot be scored yet.") % {"period": period.label})
    return period


def _lines(form, points, notes, evidence, figure_values):
    """The ``ScoreItem`` rows (unsaved) from the input, and the errors by item number."""
    errors, lines = {}, []
    for item in form.items_list():
        key = item.number
        if item.method == RubricItem.Method.FIGURE:
            value = figure_values.get(item.number)
            shown = getattr(value, "value", value)
            lines.append(ScoreItem(item=item, points=item.points_from(value), from_figure=True,
                                   figure_value=None if shown is None else Decimal(str(shown)),
                                   note=(notes.get(key) or "")[:500]))
            if evidence.get(key):
                errors[f"items.{key}"] = _("Item %(n)s is filled from a figure: it takes no evidence.") % {"n": key}
            continue
        raw = points.get(key, points.get(str(key)))
        if raw in (None, ""):
            errors[f"items.{key}"] = _("Give item %(n)s a score.") % {"n": key}
            continue
        try:
            given = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            errors[f"items.{key}"] = _("Item %(n)s: “%(value)s” is not a number.") % {"n": key, "value": raw}
            continue
        if given < 0:
            errors[f"items.{key}"] = _("Item %(n)s: a score cannot be below zero.") % {"n": key}
        elif given > item.points:
            errors[f"items.{key}"] = _("Item %(n)s: %(given)s is more than its %(points)s points.") % {
                "n": key, "given": given, "points": item.points}
        elif given != given.quantize(Decimal("0.1")):
            errors[f"items.{key}"] = _("Item %(n)s: score in steps of 0.1 points.") % {"n": key}
        else:
            lines.append(ScoreItem(item=item, points=given, note=(notes.get(key) or notes.get(str(key)) or "")[:500]))
    return lines, errors


def _attach(score_lines, evidence, by, errors):
    by_number = {line.item.number: line for line in score_lines}
    for number, files in evidence.items():
        line = by_number.get(int(number))
        if line is None:
            continue
        for file in files:
            try:
                attachment_create(owner=line, file=file, by=by)
            except ValidationError as error:
                errors[f"items.{number}"] = " ".join(error.messages)
    return errors


def _save(score, lines, evidence, by):
    """Replace the score's lines with ``lines``, attach the evidence, total it up."""
    score.save()
    # re-scoring: a line of the same item keeps its row (and the evidence already attached to it)
    kept = {line.item_id: line for line in score.lines.all()}
    for line in lines:
        line.score = score
        old = kept.pop(line.item.pk, None)
        if old is not None:
            line.pk = old.pk
    ScoreItem.objects.filter(pk__in=[line.pk for line in kept.values()]).delete()
    ScoreItem.objects.bulk_create([line for line in lines if line.pk is None])
    ScoreItem.objects.bulk_update([line for line in lines if line.pk is not None],
                                  ["points", "from_figure", "figure_value", "note"])
    lines = list(score.lines.select_related("item"))
    errors = _attach(lines, evidence, by, {})
    if errors:
        raise ValidationError(errors)
    _retotal(score)
    return score


def _retotal(score):
    items = sum((line.points for line in score.lines.all()), Decimal("0"))
    deducted = score.deductions.aggregate(s=Sum("points"))["s"] or Decimal("0")
    score.items_total, score.deducted = items, deducted
    score.total = max(Decimal("0"), items - deducted)
    if score.kind == Score.Kind.ENTERPRISE and score.threshold is not None:
        score.flagged = score.total < score.threshold
    score.save(update_fields=["items_total", "deducted", "total", "flagged"])


def _clean_input(points, notes, evidence):
    return ({int(k): v for k, v in (points or {}).items()}, {int(k): v for k, v in (notes or {}).items()},
            {int(k): list(v) for k, v in (evidence or {}).items() if v})


@transaction.atomic
def score_enterprise(*, enterprise, period, by, points, notes=None, evidence=None, note=""):
    """A township's monthly score of ``enterprise`` with the newest enterprise form. ``points``
    {item number: points}, ``evidence`` {item number: [files]}. Under the pass mark the enterprise
    is flagged and its principal and safety manager are told (once per month scored)."""
    if not scope.can(by, caps.SCORE_ENTERPRISES, enterprise) and by is not None:
        raise PermissionDenied(_("Your account may not score this enterprise."))
    period = _period(period, MONTH)
    form = _usable(form_current(RubricForm.Kind.ENTERPRISE))
    points, notes, evidence = _clean_input(points, notes, evidence)
    lines, errors = _lines(form, points, notes, evidence, {})
    if errors:
        raise ValidationError(errors)
    township = enterprise.township
    try:
        mark = threshold(PASS_MARK, region=township, on=period.end)
    except ThresholdMissing:
        mark = None
    score = (Score.objects.select_for_update().filter(kind=Score.Kind.ENTERPRISE, enterprise=enterprise,
                                                      period=str(period)).first()
             or Score(kind=Score.Kind.ENTERPRISE, enterprise=enterprise, period=str(period)))
    was_flagged = score.pk is not None and score.flagged
    score.form, score.region, score.assessor = form, township, township
    score.period_start, score.period_end, score.threshold = period.start, period.end, mark
    score.note, score.scored_by = (note or "").strip(), by
    _save(score, lines, evidence, by)
    if score.flagged and not was_flagged:
        _tell_flagged(score)
    return score


def _tell_flagged(score):
    enterprise = score.enterprise
    title = _("%(enterprise)s scored %(total)s in %(period)s: start the special rectification over") % {
        "enterprise": enterprise.name, "total": score.total, "period": Period.parse(score.period).label}
    body = _("The township's monthly assessment gave %(total)s points, below the pass mark of %(mark)s. "
             "Start the special rectification over.") % {"total": score.total, "mark": score.threshold}
    users = [uid for _e, uid in recipients.enterprise_writers([enterprise.pk])]
    users += [uid for _r, uid in recipients.township_inspectors([score.region_id])]
    notifications_send(notifications=[
        notification_build(user=uid, kind=ENTERPRISE_FLAGGED.name, title=title, body=body,
                           url=f"/assessments/scores/{score.pk}/", obj=score, key=score.period)
        for uid in dict.fromkeys(users)])


def unit_assessor(region, kind):
    """The region that scores ``region``: itself (self-score) or its parent (quarterly)."""
    return region if kind == Score.Kind.SELF else region.parent


def may_score_unit(user, region, kind):
    """A unit scores itself; the level above scores the units right below it."""
    if user is None or user.is_superuser:
        return True
    if not scope.holds(user, caps.SCORE_UNITS):
        return False
    own = scope.bound_region(user)
    if own is None:
        return False
    if kind == Score.Kind.SELF:
        return region.pk == own.pk
    return region.parent_id == own.pk


def figure_values(form, region, period):
    """{item number: the unit's value of the item's figure}: each figure once, for the whole parent."""
    parent = region.parent or region
    out = {}
    for item in form.items_list():
        if item.method == RubricItem.Method.FIGURE:
            try:
                values = registry.get(item.figure)(parent, period)
            except LookupError:
                raise ValidationError(_("Item %(n)s: no figure “%(name)s” is registered.")
                                      % {"n": item.number, "name": item.figure}) from None
            out[item.number] = values.get(region.path)
    return out


@transaction.atomic
def score_unit(*, region, kind, period, by, points, notes=None, evidence=None, note=""):
    """A unit's monthly self-score (``kind="self"``, ``period`` a month) or the level above's
    quarterly score of it (``"quarterly"``, a quarter), with the newest unit form."""
    if kind not in (Score.Kind.SELF, Score.Kind.QUARTERLY):
        raise ValidationError(_("Unknown kind of score."))
    if region.level not in (Region.Level.DISTRICT, Region.Level.TOWNSHIP) or region.parent_id is None:
        raise ValidationError(_("%(region)s is not a unit the form scores.") % {"region": region.name})
    if not may_score_unit(by, region, kind):
        raise PermissionDenied(_("A unit scores itself monthly; the level above scores it quarterly."))
    period = _period(period, MONTH if kind == Score.Kind.SELF else QUARTER)
    form = _usable(form_current(RubricForm.Kind.UNIT))
    points, notes, evidence = _clean_input(points, notes, evidence)
    lines, errors = _lines(form, points, notes, evidence, figure_values(form, region, period))
    if errors:
        raise ValidationError(errors)
    score = (Score.objects.select_for_update().filter(kind=kind, region=region, enterprise__isnull=True,
                                                      period=str(period)).first()
             or Score(kind=kind, region=region, period=str(period)))
    score.form, score.assessor = form, unit_assessor(region, kind)
    score.period_start, score.period_end = period.start, period.end
    score.note, score.scored_by = (note or "").strip(), by
    return _save(score, lines, evidence, by)


def flagged_enterprises(user, period=None):
    """The enterprise scores under the pass mark the user sees (of ``period``, a month, if given)."""
    qs = scope.visible(user, Score.objects.filter(kind=Score.Kind.ENTERPRISE, flagged=True)
                       .select_related("enterprise", "region"))
    if period is not None:
        qs = qs.filter(period=str(period))
    return qs.order_by("-period_start", "region__order", "enterprise__name")


# -- plans -----------------------------------------------------------------------------------------------------------
@transaction.atomic
def plan_file(*, enterprise, by, title, files, summary="", year=None):
    """The enterprise files (or, once returned, files again) its special-rectification plan for
    ``year``, with at least one file (a PDF or photos)."""
    if by is not None and not scope.can(by, caps.FILE_PLAN, enterprise):
        raise PermissionDenied(_("Only the enterprise's principal or safety manager files its plan."))
    year = year or timezone.localdate().year
    files = [f for f in (files or []) if f]
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the plan a title.")
    if not files:
        errors["files"] = _("Attach the plan (a PDF or photos of it).")
    if errors:
        raise ValidationError(errors)
    plan = RectificationPlan.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
    if plan is not None and plan.state != RectificationPlan.State.RETURNED:
        raise ValidationError(_("The plan for %(year)s is %(state)s: it can be filed again only once returned.")
                              % {"year": year, "state": plan.get_state_display()})
    plan = plan or RectificationPlan(enterprise=enterprise, year=year)
    plan.township, plan.title, plan.summary = enterprise.township, title.strip(), (summary or "").strip()
    plan.state, plan.filed_by, plan.filed_at = RectificationPlan.State.SUBMITTED, by, timezone.now()
    plan.save()
    for file in files:
        try:
            attachment_create(owner=plan, file=file, by=by)
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from None
    return plan


@transaction.atomic
def plan_review(*, plan, by, approve, reason=""):
    """The township approves a submitted plan, or returns it with its reasons."""
    if by is not None and not scope.can(by, caps.REVIEW_PLANS, plan):
        raise PermissionDenied(_("Only the enterprise's township reviews its plan."))
    plan = RectificationPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != RectificationPlan.State.SUBMITTED:
        raise ValidationError(_("The plan is %(state)s: only a submitted plan is reviewed.")
                              % {"state": plan.get_state_display()})
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Say why the plan is returned.")})
    plan.state = RectificationPlan.State.APPROVED if approve else RectificationPlan.State.RETURNED
    if not approve:
        plan.times_returned += 1
    plan.reviewed_by, plan.reviewed_at, plan.review_reason = by, timezone.now(), reason
    plan.save()
    return plan


# -- random checks ---------------------------------------------------------------------------------------------------
def _quarter(period):
    return _period(period, QUARTER)


@transaction.atomic
def review_spot_check(*, region, by, period, n=None, percent=None, seed=None):
    """The district spot-checks its townships' reviews: plans reviewed (approved or returned) in
    its townships, drawn at random and recorded; findings are recorded against the township."""
    scope.require_within(by, caps.RANDOM_CHECKS, region)
    period = _quarter(period)
    plans = RectificationPlan.objects.filter(township__path__startswith=region.path).exclude(
        state=RectificationPlan.State.SUBMITTED)
    sample = sample_draw(queryset=plans, title=_("Spot-check of plan reviews, %(period)s") % {"period": period.label},
                         by=by, n=n, percent=percent, seed=seed, region=region,
                         filters={"description": f"{region.name} · {period.label}"})
    return RandomCheck.objects.create(kind=RandomCheck.Kind.PLAN_REVIEWS, region=region, period=str(period),
                                      plan_sample=sample, created_by=by)


@transaction.atomic
def random_check_draw(*, region, by, period, enterprises=0, units=0, seed=None):
    """The assessing level's quarterly random check: ``enterprises`` producing enterprises and
    ``units`` units right below ``region`` drawn at random (the same seed for both draws), recorded."""
    scope.require_within(by, caps.RANDOM_CHECKS, region)
    period = _quarter(period)
    if not enterprises and not units:
        raise ValidationError(_("Draw at least one enterprise or one unit."))
    check = RandomCheck(kind=RandomCheck.Kind.QUARTERLY, region=region, period=str(period), created_by=by)
    title = _("Quarterly random check, %(period)s") % {"period": period.label}
    if enterprises:
        pool = Enterprise.objects.filter(township__path__startswith=region.path, status=Status.PRODUCING)
        check.enterprise_sample = sample_draw(queryset=pool, title=title, by=by, n=enterprises, seed=seed,
                                              region=region)
    if units:
        check.unit_sample = sample_draw(queryset=region.children.all(), title=title, by=by, n=units, seed=seed,
                                        region=region)
    check.save()
    return check


def drawn(check):
    """The records a check drew: {"enterprises": [...], "units": [...], "plans": [...]}, in the draw's order."""
    out = {}
    for key, sample, model in (("enterprises", check.enterprise_sample, Enterprise),
                               ("units", check.unit_sample, Region),
                               ("plans", check.plan_sample, RectificationPlan)):
        if sample is None:
            out[key] = []
            continue
        rows = model.objects.in_bulk(sample.drawn_ids)
        out[key] = [rows[pk] for pk in sample.drawn_ids if pk in rows]
    return out


@transaction.atomic
def finding_record(*, check, by, unit, text, enterprise=None, plan=None, item_number=None, points=None):
    """What a check found at ``unit`` (a unit below the checking region). With ``item_number`` and
    ``points`` it lowers the unit's quarterly score of the check's quarter by that many points on
    that item, with the finding as the reason (the score must exist: score the quarter first)."""
    if by is not None and not scope.can(by, caps.RANDOM_CHECKS, check):
        raise PermissionDenied(_("Only the checking unit records its findings."))
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Say what was found.")
    if unit is None or not unit.path.startswith(check.region.path) or unit.pk == check.region_id:
        errors["unit"] = _("Pick a unit below the checking unit.")
    deduct = points not in (None, "")
    score = item = None
    if deduct and not errors:
        try:
            points = Decimal(str(points))
        except (InvalidOperation, ValueError):
            errors["points"] = _("Enter a number.")
        else:
            # the unit the quarterly score is for: the checking region's child containing ``unit``
            child = next((c for c in check.region.children.all() if unit.path.startswith(c.path)), None)
            score = Score.objects.select_for_update().filter(
                kind=Score.Kind.QUARTERLY, region=child, period=check.period).select_related("form").first()
            if score is None:
                errors["points"] = _("%(unit)s has no quarterly score for %(period)s yet: score it first.") % {
                    "unit": child.name if child else unit.name, "period": check.period}
            else:
                item = score.form.items.filter(number=item_number).first() if item_number else None
                if item is None:
                    errors["item_number"] = _("Pick the item of the form the deduction is against.")
                elif points <= 0 or points > item.points:
                    errors["points"] = _("Deduct more than 0 and at most the item's %(points)s points.") % {
                        "points": item.points}
    if errors:
        raise ValidationError(errors)
    finding = Finding.objects.create(random_check=check, unit=unit, enterprise=enterprise, plan=plan,
                                     text=text.strip(), created_by=by)
    if score is not None:
        Deduction.objects.create(score=score, item=item, points=points, reason=finding.text, finding=finding,
                                 created_by=by)
        _retotal(score)
    return finding


@transaction.atomic
def score_evidence_add(*, score, by, item_number, file):
    """One more evidence file (a photo or a PDF, checked by its bytes) on a hand-scored item of ``score``,
    by whoever may give that score."""
    if score.kind == Score.Kind.ENTERPRISE:
        allowed = by is None or scope.can(by, caps.SCORE_ENTERPRISES, score.enterprise)
    else:
        allowed = may_score_unit(by, score.region, score.kind)
    if not allowed:
        raise PermissionDenied(_("Your account may not change this score."))
    line = score.lines.select_related("item").filter(item__number=item_number).first()
    if line is None:
        raise ValidationError({"item": _("The score has no item %(n)s.") % {"n": item_number}})
    if line.from_figure:
        raise ValidationError({"item": _("Item %(n)s is filled from a figure: it takes no evidence.")
                               % {"n": item_number}})
    if not file:
        raise ValidationError({"file": _("Attach a file.")})
    try:
        return attachment_create(owner=line, file=file, by=by)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
