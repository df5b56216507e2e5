"""The rectification order PDF and the hazard-ledger export. Thin: the work is in ``documents`` and
``exports``; scope decides what each user may read (out of scope is a 404)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from portal.accounts import scope
from portal.jobs.exports import export_respond

from . import documents, exports
from .models import Inspection


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
    return export_respond(request, exports.HAZARD_EXPORT.kind)
