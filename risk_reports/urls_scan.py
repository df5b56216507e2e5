"""/c/<token>/: the page a Changan code's QR opens (the scan self-check)."""
from django.urls import path

from . import views_scans

app_name = "changan"

urlpatterns = [
    path("<str:token>/", views_scans.scan, name="scan"),
]
