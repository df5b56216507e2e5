from django.urls import path

from . import views_rubrics as v

urlpatterns = [
    path("forms/", v.rubric_form_list, name="rubric_form_list"),
    path("forms/<int:pk>/", v.rubric_form_detail, name="rubric_form_detail"),
    path("forms/<int:pk>/edit/", v.rubric_form_edit, name="rubric_form_edit"),
    path("scoring/enterprises/", v.score_enterprise_list, name="score_enterprise_list"),
    path("scoring/enterprises/<int:pk>/", v.score_enterprise, name="score_enterprise"),
    path("scoring/units/", v.score_unit_list, name="score_unit_list"),
    path("scoring/units/<int:pk>/", v.score_unit, name="score_unit"),
    path("scores/", v.score_list, name="score_list"),
    path("scores/export/", v.score_export, name="score_export"),
    path("scores/<int:pk>/", v.score_detail, name="score_detail"),
    path("plans/", v.plan_list, name="plan_list"),
    path("plans/mine/", v.plan_mine, name="plan_mine"),
    path("plans/<int:pk>/", v.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/review/", v.plan_review, name="plan_review"),
    path("checks/", v.check_list, name="check_list"),
    path("checks/new/", v.check_new, name="check_new"),
    path("checks/<int:pk>/", v.check_detail, name="check_detail"),
]
