"""/inspections/: each area of the app keeps its own URL module; names live in one namespace."""
from . import urls_documents, urls_figures, urls_hazards, urls_inspections, urls_plans, urls_self_checks

app_name = "inspections"

urlpatterns = [
    *urls_hazards.urlpatterns,
    *urls_inspections.urlpatterns,
    *urls_plans.urlpatterns,
    *urls_documents.urlpatterns,
    *urls_figures.urlpatterns,
    *urls_self_checks.urlpatterns,
]
