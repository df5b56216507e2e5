"""URLs of the plans and campaigns pages (see urls.py)."""
from django.urls import path

from . import views_plans as views

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/items/add/", views.plan_items_add, name="plan_items_add"),
    path("plans/<int:pk>/items/filter/", views.plan_items_filter, name="plan_items_filter"),
    path("plans/<int:pk>/items/sample/", views.plan_items_sample, name="plan_items_sample"),
    path("plans/<int:pk>/items/<int:item_pk>/remove/", views.plan_item_remove, name="plan_item_remove"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/targets/add/", views.campaign_targets_add, name="campaign_targets_add"),
]
