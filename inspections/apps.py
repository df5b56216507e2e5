from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "执法检查与隐患台账"

    def ready(self):
        from auditlog.registry import auditlog

        from portal.ui import register_nav

        # API, sections, figures, message kinds, grant, to-dos
        from . import api, dossier_sections, figures, notifications, services, todos  # noqa: F401
        from .models import Campaign, Hazard, Inspection, InspectionPlan, MajorHazardCriterion, Penalty, PlanItem

        for model in (Campaign, Hazard, Inspection, InspectionPlan, MajorHazardCriterion, Penalty, PlanItem):
            auditlog.register(model)

        inspectors = ("bureau_staff", "township_inspector", "superuser")
        register_nav(_("Inspection records"), "inspections:inspection_list", inspectors + ("enterprise",), order=12,
                     group="enforcement")
        register_nav(_("Hazard ledger"), "inspections:hazard_list", inspectors + ("enterprise", "grid_member"), order=13,
                     group="hazards")
        register_nav(_("Major hazards"), "inspections:major_hazard_list", inspectors, order=14, group="hazards")
        register_nav(_("Enforcement plans"), "inspections:plan_list", inspectors, order=15, group="enforcement")
        register_nav(_("Campaigns"), "inspections:campaign_list", inspectors, order=16, group="enforcement")
        register_nav(_("Inspection statistics"), "inspections:figures", inspectors, order=18, group="enforcement")
        register_nav(_("Penalties"), "inspections:penalty_list", inspectors + ("enterprise",), order=17,
                     group="enforcement")
