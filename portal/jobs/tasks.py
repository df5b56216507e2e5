from datetime import datetime, timedelta

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="portal.jobs.tasks.job_run", bind=True, acks_late=True, reject_on_worker_lost=True)
def job_run(self, job_id):
    # acks late and requeued when the worker is lost: the next worker sees it redelivered and
    # marks the job failed instead of leaving it "running"
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return services.job_run(job_id=job_id, redelivered=redelivered)


@shared_task(name="portal.jobs.tasks.jobs_fail_stale")
def jobs_fail_stale():
    return services.jobs_fail_stale()


@shared_task(name="portal.jobs.tasks.job_purge")
def job_purge(days=7, at=None):
    """Finished jobs older than ``days`` as of ``at`` (an ISO date-time; the periodic job passes none: now)."""
    now = datetime.fromisoformat(at) if at else timezone.now()
    return services.job_purge(older_than=now - timedelta(days=days))


@shared_task(name="portal.jobs.tasks.ping")
def ping(value):
    """Used by the worker test: proves a real worker picks tasks from Redis."""
    return f"pong:{value}"
