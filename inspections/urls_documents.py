"""URLs of the documents: the rectification order PDF and the hazard-ledger export (see urls.py)."""
from django.urls import path

from . import views_documents as views

urlpatterns = [
    path("<int:pk>/order.pdf", views.inspection_order, name="inspection_order"),
    path("hazards/export.xlsx", views.hazard_export, name="hazard_export"),
]
