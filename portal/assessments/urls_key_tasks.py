from django.urls import path

from . import views_key_tasks as views

urlpatterns = [
    path("key-tasks/", views.key_task_board, name="key_task_board"),
    path("key-tasks/<int:pk>/", views.key_task_detail, name="key_task_detail"),
    path("key-tasks/<int:pk>/edit/", views.key_task_edit, name="key_task_edit"),
    path("key-tasks/<int:pk>/evidence/", views.key_task_evidence_submit, name="key_task_evidence_submit"),
    path("key-tasks/lists/new/", views.key_task_list_create, name="key_task_list_create"),
    path("key-tasks/lists/<int:list_pk>/new/", views.key_task_create, name="key_task_create"),
    path("key-tasks/lists/<int:pk>/copy/", views.key_task_list_copy, name="key_task_list_copy"),
    path("key-tasks/lists/<int:list_pk>/bonuses/", views.key_task_bonus_create, name="key_task_bonus_create"),
    path("key-tasks/evidence/<int:pk>/accept/", views.key_task_evidence_accept, name="key_task_evidence_accept"),
    path("key-tasks/evidence/<int:pk>/return/", views.key_task_evidence_return, name="key_task_evidence_return"),
]
