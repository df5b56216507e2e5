from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("draft/", views.notice_draft, name="draft"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/status/", views.notice_status, name="status"),
    path("<int:pk>/edit/", views.notice_edit, name="edit"),
    path("<int:pk>/publish/", views.notice_publish, name="publish"),
    path("<int:pk>/delete/", views.notice_delete, name="delete"),
    path("<int:pk>/render/", views.notice_render_again, name="render"),
    path("<int:pk>/pdf/", views.notice_file, {"kind": "pdf"}, name="pdf"),
    path("<int:pk>/docx/", views.notice_file, {"kind": "docx"}, name="docx"),
]
