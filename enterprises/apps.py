from portal import appconfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(appconfig.PortalAppConfig):
    name = "enterprises"
    verbose_name = "企业名录"
    urls = {"enterprises/": "enterprises.urls"}

    def ready(self):
        from auditlog.registry import auditlog

        from portal.ui import register_nav, register_nav_group

        # account nav, API, sections, figures, the notice's paragraph, to-dos
        from . import accounts, api, dossier_sections, figures, paragraphs, todos  # noqa: F401
        from .models import ChemicalStorageSite, Enterprise, EnterpriseChange, EnterpriseMembership, RosterSet

        # Supervision records keep who, when, from where and the before/after values (django-auditlog).
        auditlog.register(Enterprise, m2m_fields={"key_domains"})
        auditlog.register(EnterpriseChange)
        auditlog.register(ChemicalStorageSite)
        auditlog.register(EnterpriseMembership)
        auditlog.register(RosterSet)  # figures depend on a set's filters: who changed them, from what

        register_nav_group("roster", _("Roster data"))
        register_nav(_("Enterprise roster"), "enterprises:list", "view_roster", order=10)
        register_nav(_("Overview"), "enterprises:overview", "roster_reports", order=20, group="roster")
        register_nav(_("Roster changes"), "enterprises:changes", "roster_reports", order=30, group="roster")
        register_nav(_("Roster sets"), "enterprises:sets", "roster_reports", order=35, group="roster")
        register_nav(_("Import"), "enterprises:import", "import_roster", order=40, group="roster")
