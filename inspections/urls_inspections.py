"""URLs of the inspections pages (see urls.py): the field form, the list and page of an inspection,
its correction, and penalties."""
from django.urls import path

from . import views_inspections as views

urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("new/", views.inspection_new, name="inspection_new"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/correct/", views.inspection_correct, name="inspection_correct"),
    path("<int:pk>/penalties/new/", views.penalty_new, name="penalty_new"),
    path("penalties/", views.penalty_list, name="penalty_list"),
    path("penalties/<int:pk>/status/", views.penalty_status, name="penalty_status"),
]
