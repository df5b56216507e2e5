from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("snapshots/", views.snapshot_list, name="snapshot_list"),
    path("snapshots/<int:pk>/", views.snapshot_detail, name="snapshot_detail"),
]
