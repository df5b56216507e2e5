"""Background jobs of the inspections app: the daily hazard-deadline messages (``notifications``).
The large hazard-ledger export runs as the shared export job (``portal.jobs.exports``, registered in
``exports``, imported here so the worker has it too)."""
import datetime

from celery import shared_task
from django.utils import timezone

from . import exports, notifications  # noqa: F401  (exports: registers the hazard-ledger export)


@shared_task(name="inspections.tasks.hazard_deadline_notices")
def hazard_deadline_notices(day=None):
    """Daily (declared in ``InspectionsConfig.periodic_jobs``): the hazard-deadline messages of ``day`` (an ISO date;
    the periodic job passes none and it is today). Idempotent: run twice, it sends nothing twice."""
    day = datetime.date.fromisoformat(day) if isinstance(day, str) else (day or timezone.localdate())
    return notifications.hazard_deadline_notices(day=day)
