"""/risk/: each area of the app keeps its own URL module; names live in one namespace."""
app_name = "risk_reports"

urlpatterns = []

from . import urls_dictionary  # noqa: E402  the dictionary and the grading methods
urlpatterns += urls_dictionary.urlpatterns
