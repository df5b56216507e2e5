from django.urls import include, path

from . import views, views_rules

app_name = "assessments"
urlpatterns = [
    path("snapshots/", views.snapshot_list, name="snapshot_list"),
    path("snapshots/<int:pk>/", views.snapshot_detail, name="snapshot_detail"),
    path("problem-rules/", views_rules.problem_rule_list, name="problem_rule_list"),
    path("problem-rules/new/", views_rules.problem_rule_create, name="problem_rule_create"),
    path("problem-rules/<int:pk>/", views_rules.problem_rule_detail, name="problem_rule_detail"),
    path("problem-rules/<int:pk>/edit/", views_rules.problem_rule_edit, name="problem_rule_edit"),
    path("problem-rules/<int:pk>/deactivate/", views_rules.problem_rule_deactivate, name="problem_rule_deactivate"),
    path("", include("portal.assessments.urls_rubrics")),  # the two assessments (issue 12)
]

# key tasks (issue 12 item 3)
from . import urls_key_tasks  # noqa: E402

urlpatterns += urls_key_tasks.urlpatterns
