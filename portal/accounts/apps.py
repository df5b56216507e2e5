from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from portal import appconfig


class AccountsConfig(appconfig.PortalAppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "用户与权限"
    urls = {"accounts/": "portal.accounts.urls", "manage/": "portal.accounts.manage_urls"}
    periodic_jobs = {"purge-access-logs": {"task": "portal.accounts.tasks.access_log_purge",
                                           "schedule": crontab(hour=3, minute=17)}}

    def ready(self):
        from auditlog.registry import auditlog

        from grid.models import GridCell, Region
        from portal.ui import register_nav

        from . import signals  # noqa: F401  sign-in logging
        from .models import User

        auditlog.register(Region)
        auditlog.register(GridCell)
        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"grid_cells"})

        # The administrator manages accounts; the auditor reads the trail. Neither sees business pages.
        register_nav(_("Users"), "manage:users", "manage_accounts", order=80, group="system")
        register_nav(_("Audit trail"), "manage:audit", "read_audit", order=90, group="system")
        register_nav(_("Access log"), "manage:access_log", "read_audit", order=91, group="system")
