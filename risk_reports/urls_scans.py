"""/risk/scans/: the scan self-checks a user may see, and one scan's page."""
from django.urls import path

from . import views_scans

urlpatterns = [
    path("scans/", views_scans.scan_list, name="scan_list"),
    path("scans/<int:pk>/", views_scans.scan_detail, name="scan_detail"),
]
