"""The risk map pages (issue 11 item 3, 一图两卡四清单): the enterprises whose maps a user may read
(townships, the bureau), an enterprise's map page — its floor plans with their points drawn in class
colours, the upload, replace and retire of a plan, points placed by clicking on the plan
(static/risk_reports/maps.js fills the position; without script it is typed), moved and removed —
and the four PDFs. Thin: every query starts from ``scope``, every write is a ``services.maps`` call."""
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.ui import paginate, query_without

from . import documents_maps
from .models import PointPlacement, RiskPoint, SitePlan
from .services import maps as services

# a marker's radius as a share of the plan's longer side
MARK_SHARE = 0.014


def _allowed(request):
    if not request.user.is_authenticated:
        return False
    if not scope.can(request.user, caps.VIEW_RISK):
        raise PermissionDenied(_("Your account may not take this step."))
    return True


def _enterprise(user, pk):
    return scope.get_for(user, Enterprise.objects.select_related("township"), caps.VIEW_RISK, pk=pk)


def _errors(request, exc):
    for text in exc.messages:
        messages.error(request, text)


def map_list(request):
    """The enterprises in the user's scope with their plans and placed points (an enterprise user goes
    straight to its own map)."""
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    member = scope.membership(request.user)
    if member is not None:
        return redirect("risk_reports:map_page", enterprise_id=member.enterprise_id)
    qs = scope.visible(request.user, Enterprise.objects.select_related("township"))
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    township = request.GET.get("township") or ""
    if township.isdigit():
        qs = qs.filter(township_id=township)
    if request.GET.get("has") == "plans":
        qs = qs.filter(Exists(SitePlan.objects.filter(enterprise=OuterRef("pk"), retired_on__isnull=True)))
    live = Q(site_plans__retired_on__isnull=True)
    qs = qs.annotate(n_plans=Count("site_plans", filter=live, distinct=True),
                     n_placed=Count("site_plans__placements", filter=live, distinct=True))
    return render(request, "risk_reports/map_list.html", {
        "page": paginate(request, qs.order_by("township__order", "name")), "query": query_without(request, "page"),
        "q": q, "township": township, "has": request.GET.get("has", ""), "townships": scope.townships(request.user)})


def _plan_view(plan, placements):
    w, h = plan.width, plan.height
    radius = round(max(w, h) * MARK_SHARE, 1)
    marks = [{"placement": p, "point": p.point, "number": n, "cx": round(float(p.x) * w, 1),
              "cy": round(float(p.y) * h, 1)} for n, p in enumerate(placements, start=1)]
    return {"plan": plan, "marks": marks, "radius": radius, "font": round(radius * 1.2, 1)}


def map_page(request, enterprise_id):
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    user = request.user
    enterprise = _enterprise(user, enterprise_id)
    may_change = scope.can(user, caps.MANAGE_RISK_POINTS, SitePlan(enterprise=enterprise), in_scope=True)
    plans = list(scope.visible(user, SitePlan.objects.filter(enterprise=enterprise, retired_on__isnull=True))
                 .order_by("site", "pk"))
    placements = {}
    for p in (scope.visible(user, PointPlacement.objects.filter(plan__in=plans))
              .select_related("point").order_by("point__area", "point__name", "pk")):
        placements.setdefault(p.plan_id, []).append(p)
    today = timezone.localdate()
    unplaced = (list(scope.visible(user, services.unplaced_points(SitePlan(enterprise=enterprise))))
                if may_change else [])
    retired = (scope.visible(user, SitePlan.objects.filter(enterprise=enterprise, retired_on__isnull=False))
               .order_by("-retired_on", "site"))
    return render(request, "risk_reports/map_page.html", {
        "enterprise": enterprise, "plans": [_plan_view(plan, placements.get(plan.pk, [])) for plan in plans],
        "may_change": may_change, "unplaced": unplaced, "retired": retired, "today": today,
        "documents": [(kind, title) for kind, (_template, title) in documents_maps.KINDS.items()],
        "significant": scope.visible(user, RiskPoint.objects.filter(enterprise=enterprise, level__in=("red", "orange"))
                                     .filter(Q(retired_on__isnull=True) | Q(retired_on__gt=today))).count()})


def _back(enterprise_id, plan=None):
    url = redirect("risk_reports:map_page", enterprise_id=enterprise_id)
    if plan is not None:
        url["Location"] += f"#plan-{plan.pk}"
    return url


def _write(request, call, done, back):
    try:
        call()
        messages.success(request, done)
    except ValidationError as exc:
        _errors(request, exc)
    return back


@require_POST
def plan_upload(request, enterprise_id):
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    enterprise = scope.get_for(request.user, Enterprise.objects.all(), caps.MANAGE_RISK_POINTS, pk=enterprise_id)
    return _write(request, lambda: services.site_plan_upload(
        enterprise=enterprise, by=request.user, site=request.POST.get("site", ""), image=request.FILES.get("image")),
        _("The floor plan is uploaded."), _back(enterprise_id))


def _plan(request, pk):
    return scope.get_for(request.user, SitePlan.objects.select_related("enterprise"), caps.MANAGE_RISK_POINTS, pk=pk)


@require_POST
def plan_replace(request, pk):
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    plan = _plan(request, pk)
    return _write(request, lambda: services.site_plan_replace(plan=plan, by=request.user,
                                                              image=request.FILES.get("image")),
                  _("The floor plan's image is replaced; its points stay where they were."),
                  _back(plan.enterprise_id, plan))


@require_POST
def plan_retire(request, pk):
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    plan = _plan(request, pk)
    return _write(request, lambda: services.site_plan_retire(plan=plan, by=request.user),
                  _("The floor plan is retired."), _back(plan.enterprise_id))


@require_POST
def placement_create(request, pk):
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    plan = _plan(request, pk)
    point_id = request.POST.get("point") or ""
    # a point the user does not see is "not one of this enterprise's points": the service says so
    point = (scope.visible(request.user, RiskPoint.objects.filter(pk=point_id)).first()
             if point_id.isdigit() else None)
    return _write(request, lambda: services.placement_create(plan=plan, point=point, x=request.POST.get("x"),
                                                             y=request.POST.get("y"), by=request.user),
                  _("The point is placed on the plan."), _back(plan.enterprise_id, plan))


def _placement(request, pk):
    return scope.get_for(request.user, PointPlacement.objects.select_related("plan", "plan__enterprise"),
                         caps.MANAGE_RISK_POINTS, pk=pk)


@require_POST
def placement_move(request, pk):
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    placement = _placement(request, pk)
    return _write(request, lambda: services.placement_move(placement=placement, x=request.POST.get("x"),
                                                           y=request.POST.get("y"), by=request.user),
                  _("The point is moved."), _back(placement.plan.enterprise_id, placement.plan))


@require_POST
def placement_remove(request, pk):
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    placement = _placement(request, pk)
    return _write(request, lambda: services.placement_remove(placement=placement, by=request.user),
                  _("The point is taken off the plan."), _back(placement.plan.enterprise_id, placement.plan))


def map_document(request, enterprise_id, kind):
    """The map, the notice cards, the emergency cards or the four lists of the enterprise, as PDF."""
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    if kind not in documents_maps.KINDS:
        raise Http404("No such document")
    enterprise = _enterprise(request.user, enterprise_id)
    content = documents_maps.document_pdf(kind, user=request.user, enterprise=enterprise)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, documents_maps.file_name(enterprise, kind))
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    return response
