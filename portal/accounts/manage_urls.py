"""Pages of the administrator role (users and their bindings) and the auditor (audit trail)."""
from django.urls import path

app_name = "manage"
urlpatterns = []
