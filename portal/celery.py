"""The Celery app. With ``REDIS_URL`` set it uses Redis; without it, tasks run eagerly in process
(the embedded default). Periodic jobs are declared in code, in ``PERIODIC_JOBS`` below."""
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["portal.accounts", "portal.attachments", "portal.jobs", "enterprises", "inspections"])

PERIODIC_JOBS = {
    "purge-access-logs": {
        "task": "portal.accounts.tasks.access_log_purge",
        "schedule": crontab(hour=3, minute=17),
    },
    "purge-orphan-attachment-files": {
        "task": "portal.attachments.tasks.attachments_orphans_purge",
        "schedule": crontab(hour=3, minute=57),
    },
    "purge-finished-jobs": {
        "task": "portal.jobs.tasks.job_purge",
        "schedule": crontab(hour=3, minute=37),
    },
    "fail-stale-jobs": {  # jobs whose worker died while running them
        "task": "portal.jobs.tasks.jobs_fail_stale",
        "schedule": crontab(minute="*/5"),
    },
}
app.conf.beat_schedule = PERIODIC_JOBS
