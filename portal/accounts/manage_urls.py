"""Pages of the administrator role (users and their bindings) and the auditor (audit trail)."""
from django.urls import path

from . import manage_views as views

app_name = "manage"
urlpatterns = [
    path("", views.index, name="index"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
    path("audit/", views.audit, name="audit"),
    path("audit/<int:pk>/", views.audit_entry, name="audit_entry"),
    path("access-log/", views.access_log, name="access_log"),
]
