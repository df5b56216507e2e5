"""URLs of the risk point pages (see urls.py)."""
from django.urls import path

from . import views_points as views

urlpatterns = [
    path("points/", views.point_list, name="point_list"),
    path("points/export/", views.point_export, name="point_export"),
    path("points/new/", views.point_create, name="point_create"),
    path("points/bulk/", views.point_bulk_create, name="point_bulk_create"),
    path("points/copy/", views.point_copy, name="point_copy"),
    path("points/import/", views.point_import, name="point_import"),
    path("points/import/template/", views.point_import_template, name="point_import_template"),
    path("points/<int:pk>/", views.point_detail, name="point_detail"),
    path("points/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("points/<int:pk>/grade/", views.point_grade, name="point_grade"),
    path("points/<int:pk>/retire/", views.point_retire, name="point_retire"),
    path("shifts/", views.shifts, name="shifts"),
]
