from portal import appconfig


class NoticesConfig(appconfig.PortalAppConfig):
    name = "portal.notices"
    label = "notices"
    verbose_name = "通报"
    urls = {"notices/": "portal.notices.urls"}

    def ready(self):
        from auditlog.registry import auditlog

        # who sees a notice (a scope grant), the message kind, the render job, the menu, the API routes
        from . import access, api, documents, menu, notifications  # noqa: F401
        from .models import Notice

        # an official document: who changed its text, from what, is kept (the files and receipts are not)
        auditlog.register(Notice, exclude_fields=["pdf", "docx", "render_job", "rendered_at"])
