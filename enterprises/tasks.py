"""Background jobs of the roster (``portal.jobs`` handlers): the large import. The large export
runs as the shared export job (``portal.jobs.exports``, registered in ``exports``, imported here so
the worker has it).

Thin: the job re-reads everything as its owner (scope is applied inside the job, never passed in)
and calls ``importers``. Celery's autodiscovery imports this module in the worker, so the handlers
are registered there too."""
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.jobs.services import JobFailed, JobResult, handler

from . import exports, importers  # noqa: F401  (exports: registers the roster export)

IMPORT_JOB = "enterprises.import"


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
