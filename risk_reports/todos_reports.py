"""What the risk reports ask of each role on its home page (issue 11 item 6): an enterprise its
periodic report due (this year's deadline not passed, no periodic report submitted) and its draft
or returned reports; a township or the bureau the submitted reports to accept. A fixed number of
queries each."""
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.ui import Todo, register_todos

from .models import ReportKind, ReportState, RiskReport
from .services.reports import periodic_deadline


def _url(**params):
    url = reverse("risk_reports:report_list")
    return f"{url}?{urlencode(params)}" if params else url


@register_todos
def report_todos(user):
    if not user.is_authenticated or not user.is_active:
        return []
    member = scope.membership(user)
    if member is not None:
        if not scope.can(user, caps.MANAGE_RISK_POINTS):
            return []
        today = timezone.localdate()
        reports = RiskReport.objects.filter(enterprise_id=member.enterprise_id)
        todos = []
        sent = reports.filter(kind=ReportKind.PERIODIC, year=today.year).exclude(
            state__in=(ReportState.DRAFT, ReportState.RETURNED)).exists()
        if not sent and today <= periodic_deadline(today.year):
            todos.append(Todo(_("Periodic risk report due this year"), 1, _url(), "warning"))
        open_ = reports.filter(state__in=(ReportState.DRAFT, ReportState.RETURNED)).count()
        if open_:
            todos.append(Todo(_("Risk reports to submit"), open_, _url(), "warning"))
        return todos
    if scope.bound_region(user) is None or not scope.can(user, caps.SUPERVISE):
        return []
    n = scope.visible(user, RiskReport.objects.filter(state=ReportState.SUBMITTED)).count()
    return [Todo(_("Risk reports to accept"), n, _url(state=ReportState.SUBMITTED), "info")]
