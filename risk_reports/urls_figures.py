"""URL of the risk overview (see urls.py)."""
from django.urls import path

from . import views_figures as views

urlpatterns = [
    path("figures/", views.figures_page, name="figures"),
]
