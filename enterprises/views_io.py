"""Roster import and export pages. The work is in ``importers`` / ``exports``; the import always
runs as a job the user follows on the job page — in the request up to ``IMPORT_SYNC_MAX_ROWS``
rows, past that in the background with progress; an export answers directly up to
``EXPORT_SYNC_MAX_ROWS`` rows, past that it becomes a job too."""
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db import transaction
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext as _, gettext_lazy

from portal.accounts.services import client_ip
from portal.jobs.exports import export_respond
from portal.jobs.models import Job
from portal.jobs.services import job_create, job_queue, job_run

from . import exports, importers
from .tasks import IMPORT_JOB


class RosterImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Roster file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            content = importers.upload_check(upload)
            self.cleaned_data["rows"] = importers.upload_rows(content)  # too many: refused at once
            self.cleaned_data["content"] = content
        except importers.RosterImportError as exc:
            raise forms.ValidationError(exc.messages) from None
        return upload


def _require_importer(user):
    if not importers.may_import(user):  # a step the role never takes: 403
        raise PermissionDenied(_("Your account may not import the roster."))


@login_required
def roster_import(request):
    user = request.user
    _require_importer(user)
    form = RosterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        in_background = form.cleaned_data["rows"] > settings.IMPORT_SYNC_MAX_ROWS
        with transaction.atomic():  # the job is queued once its file is stored
            name = Path(upload.name).name[:150]
            job = job_create(owner=user, kind=IMPORT_JOB, title=_("Roster import: %(name)s") % {"name": name},
                             params={"file_name": name, "remote_addr": client_ip(request),
                                     "language": get_language()})
            # The upload stays on the job (so its errors can be marked on it); ``file_name`` stays
            # empty: the job page offers a download only for files a job produced.
            job.file.save(f"roster-import-{job.pk}.xlsx", ContentFile(form.cleaned_data["content"]), save=True)
            if in_background:
                job_queue(job)
        if not in_background:
            job_run(job_id=job.pk)
        return redirect("jobs:detail", pk=job.pk)
    return render(request, "enterprises/import.html", {
        "form": form, "max_mb": settings.IMPORT_MAX_BYTES / 1024 / 1024,
        "recent": Job.objects.filter(owner=user, kind=IMPORT_JOB)[:5],
    })


@login_required
def import_template(request):
    _require_importer(request.user)
    return exports.xlsx_response(exports.roster_template_xlsx(request.user), _("Roster import template") + ".xlsx")


@login_required
def import_errors(request, job_pk):
    """The uploaded file again, its bad cells filled red with the reasons as comments."""
    job = get_object_or_404(Job, pk=job_pk, owner=request.user, kind=IMPORT_JOB, state=Job.State.FAILED)
    errors = job.result.get("errors") or []
    if not job.file or not errors or not job.result.get("markable"):
        raise Http404("No marked file for this job")
    with job.file.open("rb") as f:
        content = importers.roster_errors_xlsx(f, errors, more=job.result.get("more") or 0)
    stem = Path(job.params.get("file_name") or "roster").stem
    return exports.xlsx_response(content, f"{stem}-{_('errors')}.xlsx")


@login_required
def roster_export(request):
    """The roster as filtered on the roster page (same query string), as the user may see it; past
    ``EXPORT_SYNC_MAX_ROWS`` rows a background job the user follows on the job page."""
    return export_respond(request, exports.ROSTER_EXPORT.kind)
