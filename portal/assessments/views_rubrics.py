"""The two assessments' pages (issue 12 item 5): the forms (list, one version, edit as a new
version), the township's phone-friendly monthly scoring of its enterprises, a unit's self-scoring
and the level above's quarterly scoring, the scores (each unit's own view, filters, paging, .xlsx),
the rectification plans (filed, reviewed) and the random checks with their findings.

Every record is fetched through ``scope`` (out of scope: 404) and every write calls the service the
API calls too (``services_rubrics``), which asks the capability (403) and checks the input (a
Chinese message, nothing changed)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise, Status
from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.attachments.models import Attachment
from portal.figures.periods import MONTH, QUARTER, Period
from portal.ui import paginate, query_without

from . import services_rubrics as services
from .exports_rubrics import scores_xlsx
from .filters_rubrics import PlanFilter, ScoreFilter
from .models import RandomCheck, RectificationPlan, RubricForm, RubricItem, Score


def _styled(filterset):
    for field in filterset.form.fields.values():
        field.widget.attrs["class"] = "form-select" if hasattr(field.widget, "choices") else "form-control"
    return filterset


def _filtered(filterset):
    return filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()


def _errors(exc):
    """A service's ValidationError as ``(by field, general)``."""
    if hasattr(exc, "error_dict"):
        fields = {k: " ".join(v) for k, v in exc.message_dict.items()}
        return fields, [m for k, m in fields.items() if not k.startswith("items.")]
    return {}, exc.messages


def _attachments(objs):
    """{owner pk: [attachments]} for ``objs`` of one model: one query."""
    objs = list(objs)
    if not objs:
        return {}
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(type(objs[0]))
    out = {}
    for a in Attachment.objects.filter(content_type=ct, object_id__in=[o.pk for o in objs]).order_by("pk"):
        out.setdefault(a.object_id, []).append(a)
    return out


def _may_read_scores(user):
    return any(scope.holds(user, c) for c in (caps.SCORE_UNITS, caps.SCORE_ENTERPRISES, caps.FILE_PLAN))


# -- forms -----------------------------------------------------------------------------------------------------------
@login_required
def rubric_form_list(request):
    if not (_may_read_scores(request.user) or scope.holds(request.user, caps.MANAGE_RUBRICS)):
        raise Http404("No forms for this role")
    forms = list(services.forms_with_items().order_by("kind", "-version"))
    used = set(Score.objects.filter(form__in=forms).values_list("form_id", flat=True).distinct())
    newest = {}
    for form in forms:
        newest.setdefault(form.kind, form.pk)
        form.in_use, form.newest = form.pk in used, newest[form.kind] == form.pk
    return render(request, "assessments/rubrics/form_list.html", {
        "forms": forms, "may_edit": scope.holds(request.user, caps.MANAGE_RUBRICS)})


@login_required
def rubric_form_detail(request, pk):
    form, _can = scope.get(request.user, services.forms_with_items(), pk=pk)
    newest = services.form_current(form.kind)
    return render(request, "assessments/rubrics/form_detail.html", {
        "form": form, "in_use": services.form_in_use(form), "newest": newest.pk == form.pk,
        "may_edit": scope.holds(request.user, caps.MANAGE_RUBRICS) and newest.pk == form.pk})


def _posted_items(post):
    rows = []
    for index in range(int(post.get("rows") or 0)):
        get = (lambda name, i=index: (post.get(f"item-{i}-{name}") or "").strip())
        if post.get(f"item-{index}-delete") or not (get("number") or get("title") or get("points")):
            continue
        rows.append({"number": get("number") or None, "title": get("title"), "requirement": get("requirement"),
                     "points": get("points"), "due_month": get("due_month") or None,
                     "due_day": get("due_day") or None, "unfilled": bool(post.get(f"item-{index}-unfilled")),
                     "method": get("method") or RubricItem.Method.HAND, "figure": get("figure"),
                     "multiplier": get("multiplier"), "cap": get("cap")})
    return rows


@login_required
def rubric_form_edit(request, pk):
    form, _can = scope.get(request.user, services.forms_with_items(), pk=pk)
    if not scope.holds(request.user, caps.MANAGE_RUBRICS):
        raise PermissionDenied(_("Only the bureau edits the assessment forms."))
    errors, general = {}, []
    items = [{f: getattr(i, f) for f in services.ITEM_FIELDS} for i in form.items_list()]
    title = form.title
    if request.method == "POST":
        title = request.POST.get("title", "")
        items = _posted_items(request.POST)
        try:
            saved = services.form_edit(form=form, by=request.user, title=title, items=items)
        except ValidationError as exc:
            errors, general = _errors(exc)
        else:
            if saved.pk != form.pk:
                messages.success(request, _("The form was in use: your changes are version %(v)s.")
                                 % {"v": saved.version})
            else:
                messages.success(request, _("The form was saved."))
            return redirect("assessments:rubric_form_detail", saved.pk)
    rows = [dict(item, index=i, errors={k.split(".")[2]: v for k, v in errors.items()
                                        if k.startswith(f"items.{i}.")}) for i, item in enumerate(items)]
    rows += [{"index": len(rows) + j, "errors": {}} for j in range(2)]
    return render(request, "assessments/rubrics/form_edit.html", {
        "form": form, "title": title, "rows": rows, "count": len(rows), "general": general,
        "in_use": services.form_in_use(form), "methods": RubricItem.Method.choices})


# -- scoring ---------------------------------------------------------------------------------------------------------
def _month(request):
    today = timezone.localdate()
    return Period.parse(request.GET.get("period") or request.POST.get("period") or "", MONTH) or \
        Period.containing(today, MONTH)


def _quarter(request):
    today = timezone.localdate()
    return Period.parse(request.GET.get("period") or request.POST.get("period") or "", QUARTER) or \
        Period.containing(today, QUARTER).previous()


@login_required
def score_enterprise_list(request):
    """The township's enterprises for a month, each with its score (or none yet); the flagged first."""
    user = request.user
    if not scope.holds(user, caps.SCORE_ENTERPRISES):
        raise Http404("No scoring for this role")
    period = _month(request)
    qs = scope.visible(user, Enterprise.objects.filter(status=Status.PRODUCING).select_related("township"))
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    page = paginate(request, qs.order_by("township__order", "township__code", "name"), per_page=30)
    scores = {s.enterprise_id: s for s in Score.objects.filter(
        kind=Score.Kind.ENTERPRISE, period=str(period), enterprise__in=list(page.object_list))}
    for enterprise in page.object_list:
        enterprise.score = scores.get(enterprise.pk)
    return render(request, "assessments/rubrics/score_enterprise_list.html", {
        "period": period, "page": page, "query": query_without(request, "page"), "q": q,
        "months": Period.recent(timezone.localdate(), 6, MONTH),
        "flagged": services.flagged_enterprises(user, period)[:50],
        "form": services.form_current(RubricForm.Kind.ENTERPRISE)})


def _score_page(request, *, template, form, score, subject, period, submit, extra):
    errors, general = {}, []
    if request.method == "POST":
        points = {i.number: request.POST.get(f"points-{i.number}", "") for i in form.items_list()
                  if i.method == RubricItem.Method.HAND}
        notes = {i.number: request.POST.get(f"note-{i.number}", "") for i in form.items_list()}
        evidence = {i.number: request.FILES.getlist(f"evidence-{i.number}") for i in form.items_list()}
        try:
            saved = submit(points=points, notes=notes, evidence=evidence, note=request.POST.get("note", ""))
        except ValidationError as exc:
            errors, general = _errors(exc)
        else:
            messages.success(request, _("Scored: %(total)s points.") % {"total": saved.total})
            return redirect("assessments:score_detail", saved.pk)
    given = {line.item_id: line for line in score.lines.all()} if score else {}
    items = []
    for item in form.items_list():
        line = given.get(item.pk)
        items.append({"item": item, "value": request.POST.get(f"points-{item.number}",
                                                              line.points if line else ""),
                      "note": request.POST.get(f"note-{item.number}", line.note if line else ""),
                      "error": errors.get(f"items.{item.number}")})
    return render(request, template, {"form": form, "score": score, "subject": subject, "period": period,
                                      "items": items, "general": general, "problems": form.problems(), **extra})


@login_required
def score_enterprise(request, pk):
    user = request.user
    enterprise = scope.get_for(user, Enterprise.objects.select_related("township"), caps.SCORE_ENTERPRISES,
                               _("Your account may not score this enterprise."), pk=pk)
    period = _month(request)
    form = services.form_current(RubricForm.Kind.ENTERPRISE)
    if form is None:
        raise Http404("No form")
    score = Score.objects.filter(kind=Score.Kind.ENTERPRISE, enterprise=enterprise, period=str(period)).first()

    def submit(**kw):
        return services.score_enterprise(enterprise=enterprise, period=period, by=user, **kw)

    return _score_page(request, template="assessments/rubrics/score_form.html", form=form, score=score,
                       subject=enterprise.name, period=period, submit=submit,
                       extra={"periods": Period.recent(timezone.localdate(), 6, MONTH),
                              "back": "assessments:score_enterprise_list"})


@login_required
def score_unit_list(request):
    """What the user's unit scores: itself monthly, and (a district or city) its units quarterly."""
    user = request.user
    if not scope.holds(user, caps.SCORE_UNITS):
        raise Http404("No scoring for this role")
    own = scope.figure_root(user)
    if own is None:
        raise Http404("No region")
    month, quarter = _month(request), _quarter(request)
    children = list(own.children.exclude(level=Region.Level.VILLAGE).order_by("order", "code"))
    quarterly = {s.region_id: s for s in Score.objects.filter(kind=Score.Kind.QUARTERLY, period=str(quarter),
                                                              region__in=children)}
    for child in children:
        child.score = quarterly.get(child.pk)
    own_scores = Score.objects.filter(region=own, enterprise__isnull=True).order_by("-period_start", "kind")[:12]
    return render(request, "assessments/rubrics/score_unit_list.html", {
        "own": own, "month": month, "quarter": quarter, "children": children, "own_scores": own_scores,
        "self_score": Score.objects.filter(kind=Score.Kind.SELF, region=own, period=str(month)).first(),
        "may_self": own.level in (Region.Level.DISTRICT, Region.Level.TOWNSHIP) and own.parent_id is not None,
        "quarters": Period.recent(timezone.localdate(), 4, QUARTER),
        "months": Period.recent(timezone.localdate(), 6, MONTH),
        "form": services.form_current(RubricForm.Kind.UNIT)})


@login_required
def score_unit(request, pk):
    user = request.user
    region, _can = scope.get(user, scope.regions(user), pk=pk)
    kind = request.GET.get("kind") or request.POST.get("kind") or Score.Kind.QUARTERLY
    if kind not in (Score.Kind.SELF, Score.Kind.QUARTERLY):
        raise Http404("No such kind")
    if not services.may_score_unit(user, region, kind):
        raise PermissionDenied(_("A unit scores itself monthly; the level above scores it quarterly."))
    period = _month(request) if kind == Score.Kind.SELF else _quarter(request)
    form = services.form_current(RubricForm.Kind.UNIT)
    if form is None:
        raise Http404("No form")
    score = Score.objects.filter(kind=kind, region=region, enterprise__isnull=True, period=str(period)).first()

    def submit(**kw):
        return services.score_unit(region=region, kind=kind, period=period, by=user, **kw)

    periods = Period.recent(timezone.localdate(), 6, MONTH) if kind == Score.Kind.SELF else \
        Period.recent(timezone.localdate(), 4, QUARTER)
    return _score_page(request, template="assessments/rubrics/score_form.html", form=form, score=score,
                       subject=region.name, period=period, submit=submit,
                       extra={"kind": kind, "periods": periods, "back": "assessments:score_unit_list"})


# -- scores ----------------------------------------------------------------------------------------------------------
def _scores(user):
    if not _may_read_scores(user):
        raise Http404("No scores for this role")
    return scope.visible(user, Score.objects.select_related("region", "enterprise", "form", "assessor"))


@login_required
def score_list(request):
    user = request.user
    filterset = _styled(ScoreFilter(request.GET or None, queryset=_scores(user)))
    page = paginate(request, _filtered(filterset).order_by("-period_start", "kind", "region__order", "pk"))
    own = scope.bound_region(user)
    return render(request, "assessments/rubrics/score_list.html", {
        "filter": filterset, "page": page, "query": query_without(request, "page"), "own": own,
        "export_query": query_without(request, "page", "per_page")})


@login_required
def score_export(request):
    filterset = ScoreFilter(request.GET or None, queryset=_scores(request.user))
    qs = _filtered(filterset).order_by("-period_start", "kind", "region__order", "pk")[:20000]
    response = HttpResponse(scores_xlsx(qs), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = 'attachment; filename="scores.xlsx"'
    return response


@login_required
def score_detail(request, pk):
    score, _can = scope.get(request.user, _scores(request.user), pk=pk)
    lines = list(score.lines.select_related("item").order_by("item__number"))
    files = _attachments(lines)
    for line in lines:
        line.files = files.get(line.pk, [])
    return render(request, "assessments/rubrics/score_detail.html", {
        "score": score, "lines": lines, "deductions": score.deductions.select_related("item", "finding"),
        "period": Period.parse(score.period)})


# -- plans -----------------------------------------------------------------------------------------------------------
def _plans(user):
    if not (scope.holds(user, caps.REVIEW_PLANS) or scope.holds(user, caps.FILE_PLAN)):
        raise Http404("No plans for this role")
    return scope.visible(user, RectificationPlan.objects.select_related("enterprise", "township", "reviewed_by"))


@login_required
def plan_list(request):
    filterset = _styled(PlanFilter(request.GET or None, queryset=_plans(request.user)))
    page = paginate(request, _filtered(filterset).order_by("-filed_at", "-pk"))
    return render(request, "assessments/rubrics/plan_list.html", {
        "filter": filterset, "page": page, "query": query_without(request, "page")})


@login_required
def plan_mine(request):
    """The enterprise's own plans and the form to file (or file again) this year's."""
    user = request.user
    member = scope.membership(user)
    if member is None or not scope.holds(user, caps.FILE_PLAN):
        raise Http404("Not an enterprise")
    enterprise = member.enterprise
    errors, general = {}, []
    if request.method == "POST":
        try:
            plan = services.plan_file(enterprise=enterprise, by=user, title=request.POST.get("title", ""),
                                      summary=request.POST.get("summary", ""), files=request.FILES.getlist("files"))
        except ValidationError as exc:
            errors, general = _errors(exc)
        else:
            messages.success(request, _("The plan was filed with the township."))
            return redirect("assessments:plan_detail", plan.pk)
    plans = _plans(user).filter(enterprise=enterprise)
    scores = scope.visible(user, Score.objects.filter(enterprise=enterprise)).order_by("-period_start")[:12]
    return render(request, "assessments/rubrics/plan_mine.html", {
        "enterprise": enterprise, "plans": plans, "errors": errors, "general": general, "scores": scores,
        "post": request.POST})


@login_required
def plan_detail(request, pk):
    plan, _can = scope.get(request.user, _plans(request.user), pk=pk)
    return render(request, "assessments/rubrics/plan_detail.html", {
        "plan": plan, "files": _attachments([plan]).get(plan.pk, []),
        "may_review": plan.state == RectificationPlan.State.SUBMITTED
        and scope.can(request.user, caps.REVIEW_PLANS, plan, in_scope=True)})


@login_required
@require_POST
def plan_review(request, pk):
    plan = scope.get_for(request.user, _plans(request.user), caps.REVIEW_PLANS,
                         _("Only the enterprise's township reviews its plan."), pk=pk)
    try:
        services.plan_review(plan=plan, by=request.user, approve=request.POST.get("decision") == "approve",
                             reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The review was recorded."))
    return redirect("assessments:plan_detail", plan.pk)


# -- random checks ---------------------------------------------------------------------------------------------------
def _checks(user):
    if not scope.holds(user, caps.RANDOM_CHECKS):
        raise Http404("No checks for this role")
    return scope.visible(user, RandomCheck.objects.select_related(
        "region", "enterprise_sample", "unit_sample", "plan_sample", "created_by"))


@login_required
def check_list(request):
    qs = _checks(request.user)
    kind = request.GET.get("kind") or ""
    if kind in RandomCheck.Kind.values:
        qs = qs.filter(kind=kind)
    page = paginate(request, qs.order_by("-created_at", "-pk"))
    return render(request, "assessments/rubrics/check_list.html", {
        "page": page, "query": query_without(request, "page"), "kind": kind, "kinds": RandomCheck.Kind.choices})


def _int(value):
    try:
        return int(value) if str(value).strip() else None
    except (TypeError, ValueError):
        return -1


@login_required
def check_new(request):
    user = request.user
    _checks(user)
    region = scope.figure_root(user)
    if region is None:
        raise Http404("No region")
    general = []
    if request.method == "POST":
        kind, period = request.POST.get("kind"), request.POST.get("period")
        try:
            if kind == RandomCheck.Kind.PLAN_REVIEWS:
                check = services.review_spot_check(region=region, by=user, period=period,
                                                   percent=_int(request.POST.get("percent")) or None,
                                                   n=_int(request.POST.get("n")) if not request.POST.get("percent")
                                                   else None)
            else:
                check = services.random_check_draw(region=region, by=user, period=period,
                                                   enterprises=_int(request.POST.get("enterprises")) or 0,
                                                   units=_int(request.POST.get("units")) or 0)
        except ValidationError as exc:
            general = exc.messages
        else:
            messages.success(request, _("Drawn and recorded."))
            return redirect("assessments:check_detail", check.pk)
    return render(request, "assessments/rubrics/check_new.html", {
        "region": region, "general": general, "kinds": RandomCheck.Kind.choices, "post": request.POST,
        "quarters": Period.recent(timezone.localdate(), 4, QUARTER)})


@login_required
def check_detail(request, pk):
    user = request.user
    check, _can = scope.get(user, _checks(user), pk=pk)
    errors = {}
    if request.method == "POST":
        if not scope.can(user, caps.RANDOM_CHECKS, check, in_scope=True):
            raise PermissionDenied(_("Only the checking unit records its findings."))
        units = {str(r.pk): r for r in Region.objects.filter(path__startswith=check.region.path)
                 .exclude(pk=check.region_id)}
        enterprise = scope.visible(user, Enterprise.objects.filter(pk=_int(request.POST.get("enterprise")) or 0)).first()
        try:
            services.finding_record(check=check, by=user, unit=units.get(request.POST.get("unit") or ""),
                                    text=request.POST.get("text", ""), enterprise=enterprise,
                                    item_number=_int(request.POST.get("item_number")),
                                    points=request.POST.get("points") or None)
        except ValidationError as exc:
            errors, _general = _errors(exc)
            errors = errors or {"": " ".join(exc.messages)}
        else:
            messages.success(request, _("The finding was recorded."))
            return redirect("assessments:check_detail", check.pk)
    drawn = services.drawn(check)
    units = list(check.region.children.order_by("order", "code"))
    unit_form = services.form_current(RubricForm.Kind.UNIT)
    return render(request, "assessments/rubrics/check_detail.html", {
        "check": check, "drawn": drawn, "units": units, "errors": errors, "post": request.POST,
        "findings": check.findings.select_related("unit", "enterprise", "plan").prefetch_related("deductions"),
        "items": unit_form.items_list() if unit_form else [],
        "may_record": scope.can(user, caps.RANDOM_CHECKS, check, in_scope=True)})

