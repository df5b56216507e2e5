"""The risk report pages (issue 11 item 1): an enterprise's reports (draft, submit), the review list
of townships and the bureau (accept, return with a reason), the enterprises missing their periodic
report and the zero reports, model enterprises, and the significant-or-above risks as .xlsx. Thin:
every query starts from ``scope``, every write is a service."""
import datetime

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.models import Enterprise, Status
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.figures.periods import Period
from portal.jobs.exports import export_respond
from portal.ui import paginate, query_without

from .exports_reports import SIGNIFICANT_EXPORT
from .figures_reports import SENT, zero_report_enterprises
from .filters_reports import ReportFilter
from .models import ModelEnterprise, ReportKind, ReportState, RiskLevel, RiskReport
from .services import reports as services


def _allowed(request, capability=caps.VIEW_RISK):
    """False for an anonymous user (to the login page); 403 for a role without ``capability``."""
    if not request.user.is_authenticated:
        return False
    if not scope.can(request.user, capability):
        raise PermissionDenied(_("Your account may not take this step."))
    return True


def _errors(request, exc):
    for text in exc.messages:
        messages.error(request, text)


def _year(request):
    try:
        return int(request.POST.get("year") or request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


def report_list(request):
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    user = request.user
    qs = scope.visible(user, RiskReport.objects.select_related("enterprise", "township")
                       .annotate(n_items=Count("items")))
    filterset = ReportFilter(request.GET or None, queryset=qs, request=request)
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    page = paginate(request, qs.order_by("-created_at", "-id"))
    own = scope.membership(user) is not None
    return render(request, "risk_reports/report_list.html", {
        "filter": filterset, "page": page, "query": query_without(request, "page"), "own_enterprise": own,
        "fields": "kind state year" if own else "q township kind state year",
        "may_draft": own and scope.can(user, caps.MANAGE_RISK_POINTS), "kinds": ReportKind.choices,
        "may_export": scope.can(user, caps.SUPERVISE), "this_year": timezone.localdate().year})


def report_detail(request, pk):
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    user = request.user
    report, _can = scope.get(user, RiskReport.objects.select_related("enterprise", "township"), pk=pk)
    live = report.state in (ReportState.DRAFT, ReportState.RETURNED)
    items = list(services.live_points(report.enterprise).order_by("area", "name") if live else report.items.all())
    return render(request, "risk_reports/report_detail.html", {
        "report": report, "items": items, "live": live,
        "may_submit": live and scope.can(user, caps.MANAGE_RISK_POINTS, report, in_scope=True),
        "may_review": report.state == ReportState.SUBMITTED and scope.can(user, caps.SUPERVISE, report, in_scope=True),
        "significant": sum(1 for i in items if i.level in (RiskLevel.RED, RiskLevel.ORANGE))})


@require_POST
def report_create(request):
    if not _allowed(request):
        return redirect_to_login(request.get_full_path())
    member = scope.membership(request.user)
    if member is None:
        raise PermissionDenied(_("Only an enterprise drafts its risk reports."))
    enterprise = scope.get_for(request.user, Enterprise.objects.all(), caps.MANAGE_RISK_POINTS,
                               pk=member.enterprise_id)
    try:
        report = services.report_draft(enterprise=enterprise, by=request.user, kind=request.POST.get("kind"),
                                       year=_year(request), note=request.POST.get("note", ""))
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("risk_reports:report_list")
    return redirect("risk_reports:report_detail", pk=report.pk)


def _act(request, pk, capability, service, done, **kwargs):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not scope.can(request.user, caps.VIEW_RISK):
        raise Http404  # a role that sees no report finds none (as the API): 404, not 403
    report = scope.get_for(request.user, RiskReport.objects.all(), capability, pk=pk)
    try:
        service(report=report, by=request.user, **kwargs)
        messages.success(request, done)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("risk_reports:report_detail", pk=pk)


@require_POST
def report_submit(request, pk):
    return _act(request, pk, caps.MANAGE_RISK_POINTS, services.report_submit, _("The report is submitted."))


@require_POST
def report_accept(request, pk):
    return _act(request, pk, caps.SUPERVISE, services.report_accept, _("The report is accepted."))


@require_POST
def report_return(request, pk):
    return _act(request, pk, caps.SUPERVISE, services.report_return, _("The report is returned."),
                reason=request.POST.get("reason", ""))


def _enterprise_page(request, qs, **context):
    qs = qs.select_related("township").order_by("township__path", "name")
    return render(request, "risk_reports/report_enterprises.html", {
        "page": paginate(request, qs), "query": query_without(request, "page"), **context})


def report_missing(request):
    """Producing enterprises with no periodic report of the year submitted by the deadline (before
    the deadline: not yet submitted)."""
    if not _allowed(request, caps.SUPERVISE):
        return redirect_to_login(request.get_full_path())
    year = _year(request)
    deadline = services.periodic_deadline(year)
    sent = RiskReport.objects.filter(enterprise=OuterRef("pk"), kind=ReportKind.PERIODIC, year=year,
                                     state__in=SENT, submitted_at__date__lte=deadline)
    qs = scope.visible(request.user, Enterprise.objects.filter(status=Status.PRODUCING)).filter(~Exists(sent))
    return _enterprise_page(request, qs, title=_("Enterprises missing their periodic risk report"), year=year,
                            deadline=deadline, kind="missing")


def report_zero(request):
    """Key-sector or above-scale enterprises whose reports of the year list no significant-or-above risk."""
    if not _allowed(request, caps.SUPERVISE):
        return redirect_to_login(request.get_full_path())
    year = _year(request)
    period = Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    qs = scope.visible(request.user, zero_report_enterprises(period))
    return _enterprise_page(request, qs, title=_("Zero reports: key-sector or above-scale enterprises reporting "
                                                 "no significant risk"), year=year, kind="zero")


def model_list(request):
    """Model enterprises for risk reporting of a year; a township marks and unmarks its own."""
    if not _allowed(request, caps.SUPERVISE):
        return redirect_to_login(request.get_full_path())
    year = _year(request)
    if request.method == "POST":
        try:
            if request.POST.get("unmark"):
                model = scope.get_for(request.user, ModelEnterprise.objects.all(), caps.SUPERVISE,
                                      pk=request.POST["unmark"])
                services.model_enterprise_unmark(model=model, by=request.user)
            else:
                enterprise = scope.get_for(request.user, Enterprise.objects.all(), caps.SUPERVISE,
                                           pk=request.POST.get("enterprise") or 0)
                services.model_enterprise_mark(enterprise=enterprise, by=request.user, year=year)
                messages.success(request, _("Marked as a model enterprise."))
        except ValidationError as exc:
            _errors(request, exc)
        return redirect(f"{request.path}?year={year}")
    models = scope.visible(request.user, ModelEnterprise.objects.filter(year=year)
                           .select_related("enterprise", "township")).order_by("township__path", "enterprise__name")
    marked = ModelEnterprise.objects.filter(enterprise=OuterRef("pk"), year=year)
    candidates = (scope.visible(request.user, Enterprise.objects.filter(status=Status.PRODUCING))
                  .filter(~Exists(marked)).order_by("name")[:500])
    return render(request, "risk_reports/model_list.html", {"models": models, "year": year,
                                                            "candidates": candidates})


def significant_export(request):
    """The significant-or-above risks of the latest submitted reports, for the provincial system."""
    if not _allowed(request, caps.SUPERVISE):
        return redirect_to_login(request.get_full_path())
    return export_respond(request, SIGNIFICANT_EXPORT.kind)
