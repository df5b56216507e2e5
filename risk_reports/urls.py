"""/risk/: each area of the app keeps its own URL module; names live in one namespace."""
from . import urls_dust  # dust cleaning (issue 11 item 2)
from . import urls_reports  # risk reports (issue 11 item 1)
from . import urls_maps  # one map, two cards, four lists (issue 11 item 3)
from . import urls_codes, urls_dictionary, urls_figures, urls_points, urls_scans

app_name = "risk_reports"

urlpatterns = [
    *urls_dictionary.urlpatterns,  # the dictionary and the grading methods
    *urls_points.urlpatterns,      # risk points and the enterprise's shifts
    *urls_codes.urlpatterns,       # Changan codes, their QR and the label sheets
    *urls_scans.urlpatterns,       # the scan records
    *urls_figures.urlpatterns,     # the risk figures per region and period
    *urls_dust.urlpatterns,        # dust cleaning (issue 11 item 2)
    *urls_reports.urlpatterns,     # risk reports (issue 11 item 1)
    *urls_maps.urlpatterns,        # one map, two cards, four lists (issue 11 item 3)
]
