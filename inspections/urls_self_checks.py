"""URLs of the self-check list pages (see urls.py)."""
from django.urls import path

from . import views_self_checks as views

urlpatterns = [
    path("self-checks/", views.self_check_list, name="self_check_list"),
    path("self-checks/export.xlsx", views.self_check_export, name="self_check_export"),
    path("self-checks/<int:pk>/", views.self_check_detail, name="self_check_detail"),
    path("self-checks/<int:pk>/fill/", views.self_check_fill, name="self_check_fill"),
    path("campaigns/<int:pk>/self-checks/send/", views.campaign_self_check_send, name="campaign_self_check_send"),
]
