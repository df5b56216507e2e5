"""URLs of the risk control dictionary and the grading methods (see urls.py)."""
from django.urls import path

from . import views_dictionary as views

urlpatterns = [
    path("dictionary/", views.category_list, name="category_list"),
    path("dictionary/new/", views.category_create, name="category_create"),
    path("dictionary/<int:pk>/", views.category_detail, name="category_detail"),
    path("dictionary/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("dictionary/<int:pk>/deactivate/", views.category_deactivate, name="category_deactivate"),
    path("dictionary/<int:pk>/reactivate/", views.category_reactivate, name="category_reactivate"),
    path("grading/", views.grading, name="grading"),
]
