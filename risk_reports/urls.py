"""/risk/: each area of the app keeps its own URL module; names live in one namespace."""
app_name = "risk_reports"

urlpatterns = []

from django.urls import include, path  # noqa: E402

urlpatterns += [path("", include("risk_reports.urls_codes"))]
