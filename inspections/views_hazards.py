"""Hazard ledger pages (隐患台账): the list, the district-supervised major hazards, one hazard with
the actions its reader may take now, and a hazard reported without an inspection.

Every queryset starts from ``scope``; every write is one call to ``inspections.services``, whose
Chinese messages are shown on the detail page (status 400) and which changes nothing on error."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.attachments.models import Attachment
from portal.ui import form_errors_from, paginate, query_without

from . import services
from .filters import HazardFilter
from .forms_hazards import (ExtensionDecideForm, ExtensionRequestForm, HazardPlanForm, HazardReportForm,
                            HazardSendBackForm, HazardSubmitForm, HazardSuspendForm, HazardVerifyForm)
from .models import Hazard, HazardEvent, HazardExtension, HazardSeverity, HazardSource, HazardStatus

PLANNABLE = (HazardStatus.REPORTED, HazardStatus.RECTIFYING)


# -- who may do what ---------------------------------------------------------------------------------
def _has_ledger(user):
    """Roles that work with hazards; for the others (auditor, administrator, ...) the pages do not
    exist: 404, like anything out of scope. An enterprise account needs its enterprise."""
    return scope.can(user, caps.VIEW_HAZARDS)


def _is_inspector(user):
    return scope.can(user, caps.SUPERVISE)


def hazard_queryset(user):
    return scope.visible(user, Hazard.objects.select_related("enterprise", "township", "major_criterion"))


# -- the ledger --------------------------------------------------------------------------------------
def _ledger(request, *, queryset, template, major):
    user = request.user
    filterset = HazardFilter(request.GET or None, queryset=queryset, request=request)
    # an invalid filter shows no rows and its error, never the unfiltered ledger as if it were the answer
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    today = timezone.localdate()
    overdue = ~Q(status=HazardStatus.CLOSED) & Q(deadline__lt=today)
    summary = qs.order_by().aggregate(
        total=Count("pk"), open=Count("pk", filter=~Q(status=HazardStatus.CLOSED)),
        overdue=Count("pk", filter=overdue), major=Count("pk", filter=Q(severity=HazardSeverity.MAJOR)))
    page = paginate(request, qs, count=summary["total"])  # the summary counted them already
    export_url = reverse("inspections:hazard_export")
    export_query = query_without(request, "page", "per_page")
    if major and "district_supervised" not in request.GET:
        export_query = "&".join(filter(None, [export_query, "district_supervised=true"]))
    member = scope.membership(user)
    # the filter bar: an enterprise sees only its own hazards (no name or township to pick); the
    # major-hazard list holds major ones only (no severity to pick)
    fields = ["status", "source", "open", "overdue", "found_after", "found_before"]
    if not major:
        fields.insert(1, "severity")
    if member is None:
        fields[:0] = ["q", "township"]
    context = {
        "filter": filterset, "filter_fields": " ".join(fields), "page": page,
        "export_defaults": "district_supervised=true" if major else "", "summary": summary, "today": today, "major": major,
        "query": query_without(request, "page"), "export_url": export_url, "export_query": export_query,
        "is_enterprise": member is not None, "is_inspector": _is_inspector(user),
        "may_report": scope.can(user, caps.REPORT_HAZARD),
        "list_url": reverse("inspections:major_hazard_list" if major else "inspections:hazard_list"),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "hazard-results":
        template = "inspections/hazards/_hazard_results.html"
    return render(request, template, context)


@login_required
def hazard_list(request):
    if not _has_ledger(request.user):
        raise Http404("No hazard ledger for this role")
    return _ledger(request, queryset=hazard_queryset(request.user), template="inspections/hazards/hazard_list.html",
                   major=False)


@login_required
def major_hazard_list(request):
    """Major hazards supervised by the district (挂牌督办), for the bureau and the townships."""
    if not _is_inspector(request.user):
        raise Http404("No major-hazard list for this role")
    return _ledger(request, queryset=hazard_queryset(request.user).filter(district_supervised=True),
                   template="inspections/hazards/hazard_list.html", major=True)


# -- one hazard --------------------------------------------------------------------------------------
def _attachments(hazard, events):
    """Photos of the hazard and the evidence of each event, in one query."""
    hazard_type = ContentType.objects.get_for_model(Hazard)
    event_type = ContentType.objects.get_for_model(HazardEvent)
    rows = Attachment.objects.filter(
        Q(content_type=hazard_type, object_id=hazard.pk)
        | Q(content_type=event_type, object_id__in=[e.pk for e in events]))
    photos, by_event = [], {}
    for a in rows:
        if a.content_type_id == hazard_type.pk:
            photos.append(a)
        else:
            by_event.setdefault(a.object_id, []).append(a)
    return photos, by_event


def _render_detail(request, hazard, can_change, *, bound=None, status=200):
    """The hazard page with the forms of the actions this user may take now; ``bound`` holds a
    submitted form (with its errors) in place of the blank one."""
    user = request.user
    bound = bound or {}
    events = list(hazard.events.select_related("by"))
    photos, by_event = _attachments(hazard, events)
    for event in events:
        event.files = by_event.get(event.pk, [])
    extensions = list(hazard.extensions.select_related("requested_by", "decided_by"))
    pending = next((x for x in extensions if x.status == HazardExtension.Status.PENDING), None)
    writer = scope.can(user, caps.RECTIFY, hazard, in_scope=True)
    verifier = scope.can(user, caps.VERIFY_HAZARD, hazard, in_scope=True)
    decider = scope.can(user, caps.DECIDE_EXTENSION, hazard, in_scope=True)
    forms = {}
    if writer and hazard.status in PLANNABLE:
        forms["plan"] = bound.get("plan") or HazardPlanForm.for_hazard(hazard)
        if pending is None:
            forms["extension_request"] = bound.get("extension_request") or ExtensionRequestForm()
    if writer and hazard.status == HazardStatus.RECTIFYING:
        forms["submit"] = bound.get("submit") or HazardSubmitForm()
    if verifier and hazard.status == HazardStatus.SUBMITTED:
        forms["verify"] = bound.get("verify") or HazardVerifyForm()
        forms["send_back"] = bound.get("send_back") or HazardSendBackForm()
    if decider and pending is not None:
        forms["extension_decide"] = bound.get("extension_decide") or ExtensionDecideForm()
    if scope.can(user, caps.INSPECT, hazard, in_scope=True) and hazard.is_open and not hazard.suspension_ordered:
        forms["suspend"] = bound.get("suspend") or HazardSuspendForm()
    errors = []
    for form in bound.values():
        for name, messages_ in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            errors.extend(f"{label}：{m}" if label else m for m in messages_)
    member = scope.membership(user)
    return render(request, "inspections/hazards/hazard_detail.html", {
        "hazard": hazard, "can_change": can_change, "events": events, "photos": photos,
        "extensions": extensions, "pending": pending, "forms": forms, "action_errors": errors,
        "overdue": hazard.overdue_on(timezone.localdate()),
        "inspection_url": reverse("inspections:inspection_detail", args=[hazard.inspection_id])
        if hazard.inspection_id else None,
        "may_report": scope.can(user, caps.REPORT_HAZARD, hazard.enterprise),
        "is_enterprise": member is not None,
    }, status=status)


@login_required
def hazard_detail(request, pk):
    hazard, can_change = scope.get(request.user, hazard_queryset(request.user).select_related(
        "inspection", "reported_by", "closed_by"), pk=pk)
    return _render_detail(request, hazard, can_change)


# -- actions: each a POST to its own URL, one service call ------------------------------------------
# Who takes which step is the service's first check (``scope.can``): a refusal is a 403 here and in
# the API alike; the service then checks the hazard's state (a 400 with the form's errors).
ENTERPRISE, VERIFIER, INSPECTOR = caps.RECTIFY, caps.VERIFY_HAZARD, caps.INSPECT


def _perform(request, hazard, *, key, form, action, success):
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, success)
            return redirect("inspections:hazard_detail", pk=hazard.pk)
    hazard = hazard_queryset(request.user).select_related("inspection", "reported_by", "closed_by").get(pk=hazard.pk)
    return _render_detail(request, hazard, True, bound={key: form}, status=400)


def _hazard_for(request, pk, capability):
    """The hazard for a step of ``capability``: 404 out of scope, 403 for a user who may not take it."""
    hazard, _can = scope.get(request.user, hazard_queryset(request.user), pk=pk)
    services.hazard_require(request.user, capability, hazard)
    return hazard


@login_required
@require_POST
def hazard_plan(request, pk):
    hazard = _hazard_for(request, pk, ENTERPRISE)
    return _perform(request, hazard, key="plan", form=HazardPlanForm(request.POST),
                    action=lambda d: services.hazard_plan(hazard=hazard, by=request.user, **d),
                    success=_("The rectification plan (the five in place) is filed."))


@login_required
@require_POST
def hazard_submit(request, pk):
    hazard = _hazard_for(request, pk, ENTERPRISE)
    return _perform(request, hazard, key="submit", form=HazardSubmitForm(request.POST, request.FILES),
                    action=lambda d: services.hazard_submit(hazard=hazard, by=request.user, note=d["note"],
                                                            evidence=d["evidence"]),
                    success=_("Submitted for verification."))


@login_required
@require_POST
def hazard_verify(request, pk):
    hazard = _hazard_for(request, pk, VERIFIER)
    return _perform(request, hazard, key="verify", form=HazardVerifyForm(request.POST),
                    action=lambda d: services.hazard_verify(hazard=hazard, by=request.user, note=d["note"]),
                    success=_("The hazard is verified closed."))


@login_required
@require_POST
def hazard_send_back(request, pk):
    hazard = _hazard_for(request, pk, VERIFIER)
    return _perform(request, hazard, key="send_back", form=HazardSendBackForm(request.POST),
                    action=lambda d: services.hazard_send_back(hazard=hazard, by=request.user, reason=d["reason"]),
                    success=_("The rectification is sent back to the enterprise."))


@login_required
@require_POST
def hazard_extension_request(request, pk):
    hazard = _hazard_for(request, pk, ENTERPRISE)
    return _perform(request, hazard, key="extension_request", form=ExtensionRequestForm(request.POST),
                    action=lambda d: services.hazard_extension_request(hazard=hazard, by=request.user, **d),
                    success=_("The extension request is sent to the township."))


@login_required
@require_POST
def hazard_extension_decide(request, pk):
    """``pk`` is the extension's."""
    extension, _can = scope.get(request.user, HazardExtension.objects.select_related("hazard__enterprise__township"),
                                pk=pk)
    services.hazard_require(request.user, caps.DECIDE_EXTENSION, extension.hazard)
    form = ExtensionDecideForm(request.POST)
    grant = request.POST.get("decision") == "grant"
    return _perform(request, extension.hazard, key="extension_decide", form=form,
                    action=lambda d: services.hazard_extension_decide(
                        extension=extension, by=request.user, grant=d["decision"] == "grant", note=d["note"]),
                    success=_("The extension is granted: the deadline has moved.") if grant
                    else _("The extension is refused."))


@login_required
@require_POST
def hazard_suspend(request, pk):
    hazard = _hazard_for(request, pk, INSPECTOR)
    return _perform(request, hazard, key="suspend", form=HazardSuspendForm(request.POST),
                    action=lambda d: services.hazard_suspend(hazard=hazard, by=request.user, reason=d["reason"],
                                                             effective_date=d["effective_date"]),
                    success=_("Production is suspended until rectified; the roster records the change."))


# -- a hazard without an inspection --------------------------------------------------------------------
def _enterprise_picker(request):
    """An inspector without ``?enterprise=`` first picks the enterprise by name."""
    q = (request.GET.get("q") or "").strip()
    found = []
    if q:
        found = scope.visible(request.user, Enterprise.objects.filter(name__icontains=q)).select_related(
            "township").order_by("name", "pk")[:20]
    return render(request, "inspections/hazards/hazard_report_pick.html", {"q": q, "found": found})


@login_required
def hazard_report(request):
    """An enterprise's own self-check (自查) or an inspector's report, outside any inspection."""
    user = request.user
    member = scope.membership(user)
    if member is not None:
        source = HazardSource.SELF_CHECK
        pk = request.GET.get("enterprise") or member.enterprise_id
    else:
        source = HazardSource.REPORT
        pk = request.GET.get("enterprise")
        if not pk:
            if not scope.can(user, caps.INSPECT):
                raise Http404("No hazard reporting for this role")
            return _enterprise_picker(request)
    enterprise = scope.get_for(user, Enterprise.objects.select_related("township"), caps.REPORT_HAZARD, pk=pk)
    form = HazardReportForm(request.POST or None, request.FILES or None, enterprise=enterprise)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                hazard = services.hazard_report(
                    enterprise=enterprise, by=user, source=source, description=data["description"],
                    location=data["location"], found_on=data["found_on"], deadline=data["deadline"],
                    major_criterion=data["major_criterion"], photos=data["photos"])
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("The hazard is entered in the ledger."))
                return redirect("inspections:hazard_detail", pk=hazard.pk)
        status = 400
    return render(request, "inspections/hazards/hazard_report.html", {
        "form": form, "enterprise": enterprise, "source": source,
        "source_label": HazardSource(source).label}, status=status)
