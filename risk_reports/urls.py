"""/risk/: each area of the app keeps its own URL module; names live in one namespace."""
app_name = "risk_reports"

urlpatterns = []
