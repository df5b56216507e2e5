"""URLs of the hazards pages (see urls.py)."""
from django.urls import path

from . import views_hazards as views

urlpatterns = [
    path("hazards/", views.hazard_list, name="hazard_list"),
    path("hazards/major/", views.major_hazard_list, name="major_hazard_list"),
    path("hazards/new/", views.hazard_report, name="hazard_report"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/<int:pk>/plan/", views.hazard_plan, name="hazard_plan"),
    path("hazards/<int:pk>/submit/", views.hazard_submit, name="hazard_submit"),
    path("hazards/<int:pk>/verify/", views.hazard_verify, name="hazard_verify"),
    path("hazards/<int:pk>/send-back/", views.hazard_send_back, name="hazard_send_back"),
    path("hazards/<int:pk>/extension/", views.hazard_extension_request, name="hazard_extension_request"),
    path("hazards/extensions/<int:pk>/decide/", views.hazard_extension_decide, name="hazard_extension_decide"),
    path("hazards/<int:pk>/suspend/", views.hazard_suspend, name="hazard_suspend"),
]
