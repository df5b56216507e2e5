from celery.schedules import crontab

from portal import appconfig


class JobsConfig(appconfig.PortalAppConfig):
    name = "portal.jobs"
    label = "jobs"
    verbose_name = "后台任务"
    urls = {"jobs/": "portal.jobs.urls"}
    periodic_jobs = {
        "purge-finished-jobs": {"task": "portal.jobs.tasks.job_purge", "schedule": crontab(hour=3, minute=37)},
        # jobs whose worker died while running them
        "fail-stale-jobs": {"task": "portal.jobs.tasks.jobs_fail_stale", "schedule": crontab(minute="*/5")},
    }

    def ready(self):
        from . import exports  # noqa: F401  (the shared export job's handler, in the web process and the worker)
