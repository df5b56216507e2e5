"""The statistics page and the dashboard (see views_statistics.py), at /statistics/."""
from django.urls import path

from . import views_statistics as views

app_name = "statistics"
urlpatterns = [
    path("", views.statistics_page, name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
