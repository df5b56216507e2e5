"""Background jobs of the roster (``portal.jobs`` handlers): the import and the large export.

Thin: each re-reads everything as the job's owner (scope is applied inside the job, never passed
in) and calls ``importers`` / ``exports``. Celery's autodiscovery imports this module in the
worker, so the handlers are registered there too."""
from types import SimpleNamespace

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.accounts.models import AccessLog
from portal.accounts.services import access_log_write
from portal.jobs.services import JobFailed, JobResult, handler

from . import exports, importers

IMPORT_JOB = "enterprises.import"
EXPORT_JOB = "enterprises.export"


def _language(job):
    return translation.override(job.params.get("language") or settings.LANGUAGE_CODE)


@handler(IMPORT_JOB)
def roster_import_job(job, progress):
    with _language(job):
        try:
            with job.file.open("rb") as f:
                counts = importers.roster_import(file_obj=f, user=job.owner, remote_addr=job.params.get("remote_addr"),
                                                 progress=progress)
        except importers.RosterImportError as exc:
            raise JobFailed(
                _("Nothing was imported: %(n)d problem(s) in the file. Fix them and upload the file again.") % {
                    "n": exc.error_count},
                result={"errors": [e.as_dict() for e in exc.errors], "error_count": exc.error_count,
                        "more": exc.more, "more_text": importers.more_errors_text(exc.more) if exc.more else "",
                        "markable": exc.markable,
                        "errors_url": reverse("enterprises:import_errors", args=[job.pk]) if exc.markable else ""},
            ) from None
        message = _("Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.") % counts
    return JobResult(result=counts, message=message)


def _request_from(ip):
    """``access_log_write`` reads the client address from a request; a job only has the one it was started from."""
    return SimpleNamespace(META={"REMOTE_ADDR": ip}) if ip else None


@handler(EXPORT_JOB)
def roster_export_job(job, progress):
    with _language(job):
        queryset = exports.export_queryset(job.owner, job.params.get("query", ""))
        rows = queryset.count()
        content = exports.roster_xlsx(queryset, progress=progress)
        access_log_write(kind=AccessLog.Kind.EXPORT, request=_request_from(job.params.get("remote_addr")),
                         user=job.owner, detail=export_detail(job.params.get("query", ""), rows))
        return JobResult(content=content, file_name=exports.roster_file_name(), result={"rows": rows},
                         message=_("%(n)d enterprises exported.") % {"n": rows})


def export_detail(query, rows):
    return f"roster export rows={rows} filters={query or '-'}"
