"""/risk/maps/: the risk map of "one map, two cards, four lists" (issue 11 item 3)."""
from django.urls import path

from . import views_maps as views

urlpatterns = [
    path("maps/", views.map_list, name="map_list"),
    path("maps/<int:enterprise_id>/", views.map_page, name="map_page"),
    path("maps/<int:enterprise_id>/plans/new/", views.plan_upload, name="plan_upload"),
    path("maps/<int:enterprise_id>/<slug:kind>.pdf", views.map_document, name="map_document"),
    path("maps/plans/<int:pk>/replace/", views.plan_replace, name="plan_replace"),
    path("maps/plans/<int:pk>/retire/", views.plan_retire, name="plan_retire"),
    path("maps/plans/<int:pk>/place/", views.placement_create, name="placement_create"),
    path("maps/placements/<int:pk>/move/", views.placement_move, name="placement_move"),
    path("maps/placements/<int:pk>/remove/", views.placement_remove, name="placement_remove"),
]
