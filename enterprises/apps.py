from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = "企业名录"

    def ready(self):
        from auditlog.registry import auditlog

        from portal.ui import register_nav

        from . import accounts, api, dossier_sections, figures, todos  # noqa: F401  (account nav, API, sections, figures, to-dos)
        from .models import ChemicalStorageSite, Enterprise, EnterpriseChange, EnterpriseMembership, RosterSet

        # Supervision records keep who, when, from where and the before/after values (django-auditlog).
        auditlog.register(Enterprise, m2m_fields={"key_domains"})
        auditlog.register(EnterpriseChange)
        auditlog.register(ChemicalStorageSite)
        auditlog.register(EnterpriseMembership)
        auditlog.register(RosterSet)  # figures depend on a set's filters: who changed them, from what

        field_roles = ("bureau_staff", "township_inspector", "grid_member", "superuser")
        register_nav(_("Enterprise roster"), "enterprises:list", field_roles + ("enterprise",), order=10)
        register_nav(_("Overview"), "enterprises:overview", ("bureau_staff", "township_inspector", "superuser"), order=20,
                     group="roster")
        register_nav(_("Roster changes"), "enterprises:changes", ("bureau_staff", "township_inspector", "superuser"), order=30,
                     group="roster")
        register_nav(_("Roster sets"), "enterprises:sets", ("bureau_staff", "township_inspector", "superuser"),
                     order=35, group="roster")
        register_nav(_("Import"), "enterprises:import", ("bureau_staff", "township_inspector", "superuser"), order=40,
                     group="roster")
