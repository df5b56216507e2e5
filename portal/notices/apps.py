from portal import appconfig


class NoticesConfig(appconfig.PortalAppConfig):
    name = "portal.notices"
    label = "notices"
    verbose_name = "通报"
    urls = {"notices/": "portal.notices.urls"}

    def ready(self):
        # who sees a notice (a scope grant), the message kind, the render job, the menu, the API routes
        from . import access, api, documents, menu, notifications  # noqa: F401
