from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "执法检查与隐患台账"

    def ready(self):
        from auditlog.registry import auditlog

        from . import api, dossier_sections, figures, services, todos  # noqa: F401  (API, sections, figures, grant, to-dos)
        from .models import Campaign, Hazard, Inspection, InspectionPlan, MajorHazardCriterion, Penalty, PlanItem

        for model in (Campaign, Hazard, Inspection, InspectionPlan, MajorHazardCriterion, Penalty, PlanItem):
            auditlog.register(model)
