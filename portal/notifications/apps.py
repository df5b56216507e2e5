from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = "消息中心"

    def ready(self):
        from portal.ui import register_nav

        from . import api, senders  # noqa: F401  (API routes; the sender setting is checked at start)

        # Every signed-in user has messages: the menu bar also shows the unread count (base.html).
        register_nav(_("Messages"), "notifications:list", None, order=95)  # every signed-in user
