"""/risk/: each area of the app keeps its own URL module; names live in one namespace."""
from . import urls_figures

app_name = "risk_reports"

urlpatterns = [
    *urls_figures.urlpatterns,
]
