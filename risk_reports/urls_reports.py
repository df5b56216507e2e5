"""/risk/reports/: risk reports, the missing and zero-report lists, model enterprises, the export."""
from django.urls import path

from . import views_reports as views

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/missing/", views.report_missing, name="report_missing"),
    path("reports/zero/", views.report_zero, name="report_zero"),
    path("reports/significant.xlsx", views.significant_export, name="report_significant_export"),
    path("reports/models/", views.model_list, name="model_list"),
]
