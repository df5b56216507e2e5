"""Inspection and penalty pages: the field form (phone first, submitted once), the list, the
inspection page, its correction, penalties. Thin: every query starts from ``scope``, every write
is a service."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from enterprises.validators import normalize_text
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.attachments.models import Attachment
from portal.submissions.pages import form_submit_once
from portal.submissions.services import KeyReused
from portal.ui import form_errors_from, paginate, query_without

from . import services
from .filters import InspectionFilter, PenaltyFilter
from .forms_inspections import CorrectionForm, InspectionForm, PenaltyForm, PenaltyStatusForm
from .models import (Campaign, ChecklistTemplate, Hazard, Inspection, InspectionAnswer, InspectionKind,
                     InspectionPlan, MajorHazardCriterion, Penalty, PlanItem)

SUBMIT_KIND = "inspections.inspection_submit"
_SENTINEL = 987654321


def may_inspect(user):
    """Who fills an inspection: bureau staff, township inspectors (a cross-inspector through the
    scope grant on the enterprise), superusers. Everyone else reads at most."""
    return scope.can(user, caps.INSPECT)


def link_pattern(url_name):
    """``(before, after)`` around the pk in the URL of ``url_name``: templates write
    ``{{ p.0 }}{{ pk }}{{ p.1 }}`` without reversing per row."""
    url = reverse(url_name, args=[_SENTINEL])
    before, _sep, after = url.partition(str(_SENTINEL))
    return (before, after)


def inspections_queryset(user):
    return scope.visible(user, Inspection.objects.select_related("enterprise", "township"))


# -- the field form ---------------------------------------------------------------------------------
def _checklists(enterprise):
    """The checklists an inspector may fill at ``enterprise``: per code of a published inspection
    checklist, the version in force for the enterprise's township."""
    codes = (ChecklistTemplate.objects.filter(kind=ChecklistTemplate.Kind.INSPECTION,
                                              status=ChecklistTemplate.Status.PUBLISHED)
             .order_by("code").values_list("code", flat=True).distinct())
    found = (services.checklist_current(code, region=enterprise.township) for code in codes)
    return [c for c in found if c is not None and c.kind == ChecklistTemplate.Kind.INSPECTION]


def _posted_checklist(request, code, enterprise):
    """On a POST, the version the form was shown with (kept if it was published or used since);
    otherwise the version in force."""
    pk = request.POST.get("checklist_version") if request.method == "POST" else None
    if pk and pk.isdigit():
        shown = (ChecklistTemplate.objects.filter(pk=pk, code=code, kind=ChecklistTemplate.Kind.INSPECTION)
                 .exclude(status=ChecklistTemplate.Status.DRAFT).first())
        if shown is not None:
            return shown
    return services.checklist_current(code, region=enterprise.township)


def _optional(request, name, queryset):
    value = request.GET.get(name)
    if not value:
        return None
    obj, _can = scope.get(request.user, queryset, pk=value)
    return obj


@login_required
def inspection_new(request):
    user = request.user
    if not request.GET.get("enterprise"):
        return _enterprise_picker(request)
    enterprise, _can = scope.get(user, Enterprise.objects.select_related("township"), pk=request.GET["enterprise"])
    if not may_inspect(user):
        raise PermissionDenied
    plan_item = _optional(request, "plan_item", PlanItem.objects.select_related("plan"))
    campaign = _optional(request, "campaign", Campaign.objects.all())
    code = request.GET.get("checklist")
    checklist = _posted_checklist(request, code, enterprise) if code else None
    if checklist is None:
        return render(request, "inspections/inspections/checklist_pick.html", {
            "enterprise": enterprise, "checklists": _checklists(enterprise), "unknown": bool(code),
            "query": query_without(request, "checklist")})

    items = list(services.checklist_items_for(checklist))
    criteria = list(MajorHazardCriterion.objects.filter(active=True))
    kind = InspectionKind.CROSS if plan_item and plan_item.plan.kind == InspectionPlan.Kind.CROSS else \
        InspectionKind.ENFORCEMENT
    form = InspectionForm(request.POST or None, request.FILES or None, items=items, criteria=criteria,
                          initial={"kind": kind, "inspected_on": timezone.localdate(),
                                   "checking_level": services.checking_level_for(user),
                                   "officer_1_name": user.full_name})
    if request.method == "POST":
        def handler(_data):
            inspection = services.inspection_submit(
                enterprise=enterprise, by=user, checklist=checklist, plan_item=plan_item, campaign=campaign,
                **form.service_arguments())
            return reverse("inspections:inspection_detail", args=[inspection.pk])

        response = form_submit_once(request, kind=SUBMIT_KIND, form=form, handler=handler)
        if request.headers.get("X-Outbox"):
            return _outbox_answer(response, form)
        if response is not None:
            return response
    today = timezone.localdate()
    # what this visit may count for, offered when the inspector came without it
    open_campaigns = [] if campaign else list(scope.visible(user, Campaign.objects.filter(
        targets=enterprise, start__lte=today, end__gte=today)).order_by("end")[:5])
    open_items = [] if plan_item else list(services.done_items(scope.visible(user, PlanItem.objects.filter(
        enterprise=enterprise, plan__status=InspectionPlan.Status.ACTIVE)).select_related("plan"), today)
        .filter(done=False).order_by("due_date")[:5])
    return render(request, "inspections/inspections/inspection_form.html", {
        "enterprise": enterprise, "checklist": checklist, "form": form, "plan_item": plan_item,
        "campaign": campaign, "fail": InspectionAnswer.Result.FAIL,
        "open_campaigns": open_campaigns, "open_items": open_items,
    })


def _outbox_answer(response, form):
    """The field form sent from the page's outbox (static/js/outbox.js: kept while the network is
    down, sent when it returns) is answered in JSON: 201 with the inspection's address (the first one
    on a replay), or the refusal's status with its messages (on the spot, the page then submits the
    form normally so its errors are drawn on it)."""
    if response is None:
        return JsonResponse({"detail": _("The inspection was not saved. Please correct the following:"),
                             "messages": [str(m) for m in form.all_messages()]}, status=400)
    if response.status_code == 302:
        return JsonResponse({"location": response["Location"]}, status=201)
    detail = KeyReused().message if response.status_code == 409 else _(
        "This form has no valid submission key. Reload the page and submit again.")
    return JsonResponse({"detail": detail}, status=response.status_code)


def _enterprise_picker(request):
    """new/ without an enterprise: find the enterprise to inspect (from the list's button)."""
    if not may_inspect(request.user):
        raise Http404("No inspections for this role")
    q = normalize_text(request.GET.get("q", ""))
    found = []
    if q:
        found = list(scope.visible(request.user, Enterprise.objects.select_related("township"))
                     .filter(Q(name__icontains=q) | Q(credit_code=q.upper())).order_by("name")[:20])
    return render(request, "inspections/inspections/enterprise_pick.html", {"q": q, "found": found})


# -- list and page ----------------------------------------------------------------------------------
@login_required
def inspection_list(request):
    user = request.user
    qs = inspections_queryset(user).select_related("checklist").annotate(hazard_count=Count("hazards"))
    filterset = InspectionFilter(request.GET or None, queryset=qs, request=request)
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    page = paginate(request, qs.order_by("-inspected_on", "-id"))
    return render(request, "inspections/inspections/inspection_list.html", {
        "filter": filterset, "page": page, "query": query_without(request, "page"),
        "may_inspect": may_inspect(user)})


def _attachments(obj):
    return list(Attachment.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)),
                                          object_id=obj.pk))


@login_required
def inspection_detail(request, pk):
    user = request.user
    inspection, can_change = scope.get(user, inspections_queryset(user).select_related(
        "checklist", "plan_item__plan", "campaign", "submitted_by"), pk=pk)
    answers = list(inspection.answers.select_related("item"))
    hazards = list(scope.visible(user, Hazard.objects.filter(inspection=inspection)).select_related(
        "major_criterion"))
    penalties = list(inspection.penalties.all())
    may_write = can_change
    return render(request, "inspections/inspections/inspection_detail.html", {
        "inspection": inspection, "answers": answers, "failed": sum(a.result == "fail" for a in answers),
        "hazards": hazards, "hazard_link": link_pattern("inspections:hazard_detail"),
        "photos": _attachments(inspection), "corrections": _corrections(inspection),
        "penalties": penalties, "fines": sum((p.fine for p in penalties if p.status != Penalty.Status.REVOKED), 0),
        "may_write": may_write, "order_url": reverse("inspections:inspection_order", args=[inspection.pk]),
        "statuses": Penalty.Status.choices,
    })


def _corrections(inspection):
    """Each correction with its changes as ``(field label, before, after)``."""
    def label(name):
        try:
            return Inspection._meta.get_field(name).verbose_name
        except Exception:
            return name
    return [(c, [(label(name), pair[0], pair[1]) for name, pair in c.changes.items()])
            for c in inspection.corrections.select_related("by")]


def _writable_inspection(request, pk, capability=caps.INSPECT):
    """The inspection for a write: 404 out of scope, 403 for a reader (an enterprise, a grid member)."""
    return scope.get_for(request.user, inspections_queryset(request.user), capability, pk=pk)


@login_required
def inspection_correct(request, pk):
    user = request.user
    inspection = _writable_inspection(request, pk)
    plan_items = scope.visible(user, PlanItem.objects.filter(enterprise_id=inspection.enterprise_id)
                               .select_related("plan"))
    campaigns = scope.visible(user, Campaign.objects.filter(targets=inspection.enterprise_id))
    form = CorrectionForm(request.POST or None, inspection=inspection, plan_items=plan_items, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_correct(inspection=inspection, by=user, reason=form.cleaned_data["reason"],
                                        **form.changes())
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The correction has been recorded."))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(request, "inspections/inspections/inspection_correct.html", {
        "inspection": inspection, "form": form})


# -- penalties --------------------------------------------------------------------------------------
@login_required
def penalty_list(request):
    user = request.user
    qs = scope.visible(user, Penalty.objects.select_related("enterprise", "township", "inspection"))
    filterset = PenaltyFilter(request.GET or None, queryset=qs, request=request)
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    total = qs.exclude(status=Penalty.Status.REVOKED).aggregate(total=Sum("fine"))["total"] or 0
    page = paginate(request, qs.order_by("-decided_on", "-id"))
    return render(request, "inspections/inspections/penalty_list.html", {
        "filter": filterset, "page": page, "query": query_without(request, "page"), "total": total,
        "may_write": scope.can(user, caps.PENALISE), "statuses": Penalty.Status.choices})


@login_required
def penalty_new(request, pk):
    inspection = _writable_inspection(request, pk, caps.PENALISE)
    form = PenaltyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.penalty_create(inspection=inspection, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The penalty decision has been recorded."))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(request, "inspections/inspections/penalty_form.html", {"inspection": inspection, "form": form})


@login_required
@require_POST
def penalty_status(request, pk):
    penalty = scope.get_for(request.user, Penalty.objects.all(), caps.PENALISE, pk=pk)
    form = PenaltyStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Unknown status."))
        services.penalty_set_status(penalty=penalty, by=request.user, status=form.cleaned_data["status"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Penalty status changed to %(status)s.") % {
            "status": Penalty.Status(form.cleaned_data["status"]).label})
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("inspections:inspection_detail", pk=penalty.inspection_id)
