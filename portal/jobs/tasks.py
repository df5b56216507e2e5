from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="portal.jobs.tasks.job_run", acks_late=True)
def job_run(job_id):
    return services.job_run(job_id=job_id)


@shared_task(name="portal.jobs.tasks.job_purge")
def job_purge(days=7):
    return services.job_purge(older_than=timezone.now() - timedelta(days=days))


@shared_task(name="portal.jobs.tasks.ping")
def ping(value):
    """Used by the worker test: proves a real worker picks tasks from Redis."""
    return f"pong:{value}"
