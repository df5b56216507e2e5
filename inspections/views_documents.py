"""The rectification order PDF and the hazard-ledger export. Thin: the work is in ``documents`` and
``exports``; scope decides what each user may read (out of scope is a 404)."""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext as _

from portal.accounts import scope
from portal.accounts.models import AccessLog
from portal.accounts.services import access_log_write, client_ip
from portal.jobs.services import job_start
from portal.ui import query_without

from . import documents, exports
from .models import Inspection
from .tasks import HAZARD_EXPORT_JOB


def _unavailable(request, inspection, messages, status):
    return render(request, "inspections/documents/order_unavailable.html",
                  {"inspection": inspection, "messages_list": messages}, status=status)


@login_required
def inspection_order(request, pk):
    """The inspection's rectification order, inline. The first download by an officer who may change
    the inspection issues it (number, PDF stored); everyone in scope then gets the same file."""
    inspection, can_change = scope.get(request.user, Inspection.objects.select_related("enterprise"), pk=pk)
    order = documents.order_find(inspection)
    if order is None:
        if not can_change:
            return _unavailable(request, inspection, [_(
                "The rectification order of this inspection has not been issued yet: the inspecting authority "
                "issues it.")], status=403)
        try:
            order = documents.order_issue(inspection=inspection, by=request.user)
        except ValidationError as exc:
            return _unavailable(request, inspection, exc.messages, status=404)
    with order.file.open("rb") as f:
        content = f.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, order.original_name)
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def hazard_export(request):
    """The hazard list as filtered (same query string), as the user may see it; past
    ``EXPORT_SYNC_MAX_ROWS`` rows a background job the user follows on the job page."""
    user = request.user
    query = query_without(request, "page", "per_page")
    queryset, filterset = exports.export_queryset(user, query)
    rows = queryset.count()
    if rows <= settings.EXPORT_SYNC_MAX_ROWS:
        content = exports.hazard_xlsx(queryset, title=exports.ledger_title(user, filterset))
        access_log_write(kind=AccessLog.Kind.EXPORT, request=request, user=user,
                         detail=exports.export_detail(query, rows))
        return exports.xlsx_response(content, exports.ledger_file_name())
    job = job_start(owner=user, kind=HAZARD_EXPORT_JOB,
                    title=_("Hazard ledger export (%(n)d hazards)") % {"n": rows},
                    params={"query": query, "remote_addr": client_ip(request), "language": get_language()})
    return redirect("jobs:detail", pk=job.pk)
