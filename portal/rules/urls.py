from django.urls import path

from . import views

app_name = "rules"
urlpatterns = [
    path("", views.threshold_list, name="list"),
    path("add/", views.threshold_add, name="add"),
]
