from celery.schedules import crontab

from portal import appconfig


class AttachmentsConfig(appconfig.PortalAppConfig):
    name = "portal.attachments"
    label = "attachments"
    urls = {"attachments/": "portal.attachments.urls"}
    periodic_jobs = {"purge-orphan-attachment-files": {"task": "portal.attachments.tasks.attachments_orphans_purge",
                                                       "schedule": crontab(hour=3, minute=57)}}
