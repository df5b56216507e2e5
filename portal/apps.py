from . import appconfig


class PortalConfig(appconfig.PortalAppConfig):
    name = "portal"
    verbose_name = "监管平台"
    urls = {"regions/": "portal.regions"}

    def ready(self):
        from django.core import checks

        from .checks import static_manifest_check

        # not tagged "staticfiles": collectstatic runs those, and it must still run without a manifest
        checks.register(static_manifest_check)

        from django.utils.translation import gettext_lazy as _

        from .ui import register_nav

        register_nav(_("Territory"), "regions:tree", "supervise", order=50, group="system")
        register_nav(_("Thresholds"), "rules:list", "manage_thresholds", order=60, group="system")
