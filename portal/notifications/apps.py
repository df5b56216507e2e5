from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from portal import appconfig


class NotificationsConfig(appconfig.PortalAppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = "消息中心"
    urls = {"notifications/": "portal.notifications.urls"}
    periodic_jobs = {
        "send-notification-outbox": {  # a safety net: each send queues its own dispatch after the commit
            "task": "portal.notifications.tasks.notifications_dispatch", "schedule": crontab(minute="*/10")},
    }

    def ready(self):
        from portal.ui import register_nav

        from . import api, senders  # noqa: F401  (API routes; the sender setting is checked at start)

        # Every signed-in user has messages: the menu bar also shows the unread count (base.html).
        register_nav(_("Messages"), "notifications:list", None, order=95)  # every signed-in user
