"""The old address of the inspections statistics page: a redirect to /statistics/ (see views_figures.py)."""
from django.urls import path

from . import views_figures as views

urlpatterns = [
    path("figures/", views.figures_page, name="figures"),
]
