"""Background jobs of the inspections app (``portal.jobs`` handlers): the large hazard-ledger export.

Thin, like the roster's: the job keeps only the query string and re-reads the hazards through
``scope`` as its owner when it runs. The worker must import this module (Celery autodiscovery of
``inspections``); the web process imports it through ``views_documents``. Also the daily
hazard-deadline messages (``notifications``)."""
import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enterprises.tasks import _request_from
from portal.accounts.models import AccessLog
from portal.accounts.services import access_log_write
from portal.jobs.services import JobResult, handler

from . import exports, notifications

HAZARD_EXPORT_JOB = "inspections.hazard_export"


@handler(HAZARD_EXPORT_JOB)
def hazard_export_job(job, progress):
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        query = job.params.get("query", "")
        queryset, filterset = exports.export_queryset(job.owner, query)
        rows = queryset.count()
        content = exports.hazard_xlsx(queryset, title=exports.ledger_title(job.owner, filterset), progress=progress)
        access_log_write(kind=AccessLog.Kind.EXPORT, request=_request_from(job.params.get("remote_addr")),
                         user=job.owner, detail=exports.export_detail(query, rows))
        return JobResult(content=content, file_name=exports.ledger_file_name(), result={"rows": rows},
                         message=_("%(n)d hazards exported.") % {"n": rows})


@shared_task(name="inspections.tasks.hazard_deadline_notices")
def hazard_deadline_notices(day=None):
    """Daily (``portal.celery.PERIODIC_JOBS``): the hazard-deadline messages of ``day`` (an ISO date;
    the periodic job passes none and it is today). Idempotent: run twice, it sends nothing twice."""
    day = datetime.date.fromisoformat(day) if isinstance(day, str) else (day or timezone.localdate())
    return notifications.hazard_deadline_notices(day=day)
