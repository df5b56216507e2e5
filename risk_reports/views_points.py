"""Risk point pages (风险点): the list (filters, counts by class, export), one point (its copy, its
grading, its codes, scans and hazards, and the offer to re-grade once its hazards are closed), and
the enterprise's writes — record, edit, grade, retire, create from the dictionary in bulk, copy a
workshop's points, import a workbook, declare the shifts.

Every queryset starts from ``scope``; who may read is ``view_risk`` (out of it: 404, like a record out
of scope), who may write is ``manage_risk_points`` on the point's enterprise (403 for a reader). Every
write is one call to ``services.points`` (or the importer), whose Chinese messages land on the form."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from inspections.models import HazardStatus
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.jobs.exports import export_respond, xlsx_response
from portal.ui import form_errors_from, paginate, query_without

from . import importers
from .dictionary_catalogue import ACCIDENT_TYPES, MEASURE_KINDS
from .exports_points import POINT_EXPORT
from .filters_points import PointFilter
from .forms_points import (BulkForm, CopyForm, GradeForm, ImportForm, PointCreateForm, PointForm, RetireForm,
                           ShiftsForm)
from .models import (METHOD_FACTORS, GradingBasis, GradingMethod, RiskCategory, RiskLevel, RiskPoint, ShiftSchedule,
                     plain)
from .services import points as services

ACCIDENT_TYPE_NAMES = dict(ACCIDENT_TYPES)


# -- who may do what ----------------------------------------------------------------------------------------------
def _require_reader(user):
    """Roles that work with risk points; for the others the pages do not exist (404)."""
    if not scope.can(user, caps.VIEW_RISK):
        raise Http404("No risk points for this role")


def point_queryset(user):
    return scope.visible(user, RiskPoint.objects.select_related("enterprise", "category", "graded_by"))


def _enterprise_of(request, *, write):
    """The enterprise a page works on: an enterprise user's own; anyone else names it (?enterprise=)
    among those they may see (404 otherwise). ``write``: 403 unless the user manages its points."""
    user = request.user
    _require_reader(user)
    member = scope.membership(user)
    if member is not None:
        enterprise = Enterprise.objects.select_related("township").get(pk=member.enterprise_id)
    else:  # scope first (404), then who may write (403), as in the API
        pk = request.GET.get("enterprise") or request.POST.get("enterprise")
        if not pk or not str(pk).isdigit():
            if write and not scope.holds(user, caps.MANAGE_RISK_POINTS):
                raise PermissionDenied(_("Your account may not take this step."))
            raise Http404("Name the enterprise")
        enterprise, _can = scope.get(user, Enterprise.objects.select_related("township"), pk=pk)
    if write:
        scope.require(user, caps.MANAGE_RISK_POINTS, enterprise)
    return enterprise


def _point_for_change(request, pk):
    """The point for a write: 404 out of scope (or no ``view_risk``), 403 for a reader."""
    _require_reader(request.user)
    return scope.get_for(request.user, point_queryset(request.user), caps.MANAGE_RISK_POINTS, pk=pk)


def _score(point):
    """The score as the scale writes numbers (126, 0.5), or None when the class was set by hand."""
    return plain(point.score) if point.score is not None else None


def _factor_values(point):
    """``[("L", "3"), ("E", "6"), ("C", "7")]`` in the method's order (a JSON column keeps no order)."""
    if point.basis not in GradingMethod.values:
        return []
    return [(f, point.grading_values[f]) for f in METHOD_FACTORS[GradingMethod(point.basis)]
            if f in point.grading_values]


def _url(name, *args):
    """A URL of another area of the app (codes), or None while that area is not there."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _list_url(**filters):
    return f"{reverse('risk_reports:point_list')}?{urlencode(filters)}"


# -- the list -----------------------------------------------------------------------------------------------------
def _list_query(request):
    """The page's filters; live points unless ``retired`` is asked for."""
    query = request.GET.copy()
    if "retired" not in query:
        query["retired"] = "false"
    return query


@login_required
def point_list(request):
    user = request.user
    _require_reader(user)
    query = _list_query(request)
    filterset = PointFilter(query, queryset=point_queryset(user), request=request)
    qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    counts = qs.order_by().aggregate(total=Count("pk"), **{
        level: Count("pk", filter=Q(level=level)) for level in RiskLevel.values})
    page = paginate(request, qs.order_by("enterprise__name", "area", "name", "pk"), count=counts["total"])
    member = scope.membership(user)
    fields = ["area", "level", "category", "cycle", "retired"]
    if member is None:
        fields[:0] = ["q", "township"]
    may_manage = scope.holds(user, caps.MANAGE_RISK_POINTS) and member is not None
    context = {
        "filter": filterset, "filter_fields": " ".join(fields), "page": page,
        "query": query_without(request, "page"), "counts": [(level, label, counts[level])
                                                            for level, label in RiskLevel.choices],
        "total": counts["total"], "may_manage": may_manage,
        "export_url": reverse("risk_reports:point_export"), "export_query": query_without(request, "page", "per_page"),
        "list_url": reverse("risk_reports:point_list"), "is_enterprise": member is not None,
    }
    template = "risk_reports/point_list.html"
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "point-results":
        template = "risk_reports/point_results.html"
    return render(request, template, context)


@login_required
def point_export(request):
    """The list as filtered on its page, as .xlsx (a background job past EXPORT_SYNC_MAX_ROWS)."""
    _require_reader(request.user)
    return export_respond(request, POINT_EXPORT.kind)


# -- one point ------------------------------------------------------------------------------------------------------
def regrade_offer(point, links):
    """Whether to offer a re-grade: the point has hazards, every one is closed, and the last was
    closed after the point was last graded (its conditions have changed since)."""
    hazards = [link.hazard for link in links]
    if not hazards or any(h.status != HazardStatus.CLOSED for h in hazards):
        return False
    last = max((h.closed_on for h in hazards if h.closed_on), default=None)
    return last is not None and last > point.graded_on


@login_required
def point_detail(request, pk):
    _require_reader(request.user)
    point, can_change = scope.get(request.user, point_queryset(request.user), pk=pk)
    return _render_detail(request, point, can_change)


def _render_detail(request, point, can_change, *, retire_form=None, status=200):
    links = list(point.hazard_links.select_related("hazard", "scan").order_by("-hazard__found_on", "-pk"))
    codes = list(point.codes.select_related("issued_by", "revoked_by"))
    for code in codes:
        code.qr_url = _url("risk_reports:code_qr", code.token)
    live = next((c for c in codes if c.live), None)
    measures = [(name, point.measures.get(kind, [])) for kind, name in MEASURE_KINDS if point.measures.get(kind)]
    live_point = point.retired_on is None and point.enterprise.status != "deregistered"
    return render(request, "risk_reports/point_detail.html", {
        "point": point, "can_change": can_change and live_point, "measures": measures,
        "accident_types": [ACCIDENT_TYPE_NAMES.get(code, code) for code in point.accident_types],
        "codes": codes, "live_code": live, "reissue_url": _url("risk_reports:code_reissue", point.pk),
        "scans": list(point.scans.select_related("by")[:10]), "links": links,
        "regrade_offer": can_change and live_point and regrade_offer(point, links),
        "retire_form": retire_form or RetireForm(), "is_significant": point.is_significant,
        "score": _score(point), "factor_values": _factor_values(point),
    }, status=status)


# -- recording and editing ------------------------------------------------------------------------------------------
def _prefill(category):
    """A new point's form from a dictionary category: its copy, its name, its typical class by hand."""
    initial = PointForm.initial_from(category)
    initial.update({"name": category.name, "category": category.pk, "basis": GradingBasis.MANUAL,
                    "level": category.typical_level, "level_reason": services.TYPICAL_CLASS_REASON})
    return initial


@login_required
def point_create(request):
    enterprise = _enterprise_of(request, write=True)
    initial = {"basis": GradingBasis.LEC}
    category_pk = request.GET.get("category")
    if category_pk:
        category = RiskCategory.objects.filter(active=True).filter(
            Q(code=category_pk) | Q(pk=int(category_pk) if category_pk.isdigit() and len(category_pk) < 10 else None)
        ).first()
        if category is not None:
            initial = _prefill(category)
    form = PointCreateForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                point = services.point_create(enterprise=enterprise, by=request.user,
                                              category=form.cleaned_data.get("category"), **form.copy(),
                                              **form.grading())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The risk point was recorded and its Changan code issued."))
                return redirect("risk_reports:point_detail", pk=point.pk)
        status = 400
    return render(request, "risk_reports/point_form.html", {
        "form": form, "enterprise": enterprise, "creating": True,
        "categories": RiskCategory.objects.filter(active=True).only("pk", "code", "name"),
    }, status=status)


@login_required
def point_edit(request, pk):
    point = _point_for_change(request, pk)
    form = PointForm(request.POST or None, initial=PointForm.initial_from(point))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.point_update(point=point, by=request.user, **form.copy())
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("The risk point was saved."))
                return redirect("risk_reports:point_detail", pk=point.pk)
        status = 400
    return render(request, "risk_reports/point_form.html", {
        "form": form, "point": point, "enterprise": point.enterprise, "creating": False}, status=status)


@login_required
def point_grade(request, pk):
    point = _point_for_change(request, pk)
    form = GradeForm(request.POST or None, initial=GradeForm.initial_from(point))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.point_grade(point=point, by=request.user, **form.grading())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The risk point was graded again."))
                return redirect("risk_reports:point_detail", pk=point.pk)
        status = 400
    return render(request, "risk_reports/point_grade.html", {"form": form, "point": point, "score": _score(point)},
                  status=status)


@login_required
@require_POST
def point_retire(request, pk):
    point = _point_for_change(request, pk)
    form = RetireForm(request.POST)
    if form.is_valid():
        try:
            services.point_retire(point=point, by=request.user, on=form.cleaned_data.get("retired_on"))
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The risk point was retired and its Changan code revoked."))
            return redirect("risk_reports:point_detail", pk=point.pk)
    point = point_queryset(request.user).get(pk=point.pk)
    return _render_detail(request, point, True, retire_form=form, status=400)


# -- many points at once --------------------------------------------------------------------------------------------
@login_required
def point_bulk_create(request):
    enterprise = _enterprise_of(request, write=True)
    form = BulkForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.points_from_categories(
                    enterprise=enterprise, by=request.user, area=data["area"], categories=list(data["categories"]),
                    responsible_person=data["responsible_person"], responsible_phone=data["responsible_phone"],
                    cycle=data["cycle"] or None)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("%(n)d risk points were recorded in “%(area)s”.") % {
                    "n": len(created), "area": data["area"]})
                return redirect(_list_url(area=data["area"]))
        status = 400
    return render(request, "risk_reports/point_bulk_create.html", {
        "form": form, "enterprise": enterprise, "groups": form.groups(), "checked": form.checked()}, status=status)


def _areas(enterprise):
    return list(RiskPoint.objects.filter(enterprise=enterprise, retired_on__isnull=True)
                .order_by("area").values_list("area", flat=True).distinct())


@login_required
def point_copy(request):
    enterprise = _enterprise_of(request, write=True)
    form = CopyForm(request.POST or None, areas=_areas(enterprise), initial={"from_area": request.GET.get("area")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                copies = services.point_copy(enterprise=enterprise, by=request.user, from_area=data["from_area"],
                                             to_area=data["to_area"])
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("%(n)d risk points were copied to “%(area)s”, each with a new code.") % {
                    "n": len(copies), "area": data["to_area"]})
                return redirect(_list_url(area=data["to_area"]))
        status = 400
    return render(request, "risk_reports/point_copy.html", {"form": form, "enterprise": enterprise},
                  status=status)


@login_required
def point_import(request):
    enterprise = _enterprise_of(request, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = importers.points_import(enterprise=enterprise, by=request.user,
                                                  file_obj=form.cleaned_data["file"])
            except importers.PointImportError as exc:
                errors = exc.errors
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("%(n)d risk points were imported, each with its Changan code.") % {
                    "n": len(created)})
                return redirect("risk_reports:point_list")
        status = 400
    return render(request, "risk_reports/point_import.html", {
        "form": form, "enterprise": enterprise, "errors": errors, "columns": importers.COLUMNS}, status=status)


@login_required
def point_import_template(request):
    _enterprise_of(request, write=True)
    return xlsx_response(importers.points_template_xlsx(), _("Risk points import template") + ".xlsx")


# -- the shifts -----------------------------------------------------------------------------------------------------
@login_required
def shifts(request):
    enterprise = _enterprise_of(request, write=request.method == "POST")
    schedule = ShiftSchedule.objects.filter(enterprise=enterprise).first()
    starts = schedule.starts if schedule else []
    may_change = scope.can(request.user, caps.MANAGE_RISK_POINTS, enterprise)
    form = ShiftsForm(request.POST or None, initial=ShiftsForm.initial_from(starts))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.shifts_set(enterprise=enterprise, by=request.user, starts=form.starts())
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("The shifts were saved."))
                return redirect("risk_reports:shifts")
        status = 400
    return render(request, "risk_reports/shifts.html", {
        "form": form, "enterprise": enterprise, "starts": starts, "may_change": may_change,
        "shift_points": RiskPoint.objects.filter(enterprise=enterprise, cycle="shift", retired_on__isnull=True).count(),
    }, status=status)
