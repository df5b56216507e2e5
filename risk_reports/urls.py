"""/risk/: each area of the app keeps its own URL module; names live in one namespace."""
from . import urls_dictionary, urls_points, urls_scans

app_name = "risk_reports"

urlpatterns = [
    *urls_dictionary.urlpatterns,  # the dictionary and the grading methods
    *urls_points.urlpatterns,      # risk points and the enterprise's shifts
    *urls_scans.urlpatterns,       # the scan records
]
