from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from portal import appconfig


class InspectionsConfig(appconfig.PortalAppConfig):
    name = "inspections"
    verbose_name = "执法检查与隐患台账"
    urls = {"inspections/": "inspections.urls"}
    periodic_jobs = {"hazard-deadline-notices": {"task": "inspections.tasks.hazard_deadline_notices",
                                                 "schedule": crontab(hour=7, minute=3)}}

    def ready(self):
        from auditlog.registry import auditlog

        from portal.ui import register_nav, register_nav_group

        # API, sections, figures, the notice's paragraph, message kinds, grant, to-dos
        from . import api, dossier_sections, figures, notifications, paragraphs, services, todos  # noqa: F401
        from .models import Campaign, Hazard, Inspection, InspectionPlan, MajorHazardCriterion, Penalty, PlanItem

        for model in (Campaign, Inspection, InspectionPlan, MajorHazardCriterion, Penalty, PlanItem):
            auditlog.register(model)
        # the self-check answer that raised a hazard points at it (one-to-one): left out of the
        # hazard's audit row, which would otherwise look it up on every hazard written
        auditlog.register(Hazard, exclude_fields=["self_check_answer"])

        register_nav_group("enforcement", _("Enforcement work"))
        register_nav_group("hazards", _("Hazard management"))
        register_nav(_("Inspection records"), "inspections:inspection_list", "view_inspections", order=12,
                     group="enforcement")
        register_nav(_("Hazard ledger"), "inspections:hazard_list", "view_hazards", order=13, group="hazards")
        register_nav(_("Major hazards"), "inspections:major_hazard_list", "supervise", order=14, group="hazards")
        register_nav(_("Enforcement plans"), "inspections:plan_list", "supervise", order=15, group="enforcement")
        register_nav(_("Campaigns"), "inspections:campaign_list", "supervise", order=16, group="enforcement")
        register_nav(_("Penalties"), "inspections:penalty_list", "view_inspections", order=17, group="enforcement")
        # the self-check lists: export, figures, paragraph, to-dos, the enterprise page's section, the menu entry
        from . import (dossier_sections_self_checks, exports_self_checks, figures_self_checks,  # noqa: F401
                       paragraphs_self_checks, todos_self_checks)
        from .models import SelfCheckList
        auditlog.register(SelfCheckList)
