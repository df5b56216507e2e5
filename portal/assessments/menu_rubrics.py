"""The two assessments' menu entries (issue 12 item 5): the "Assessments" group."""
from django.utils.translation import gettext_lazy as _

from portal.ui import register_nav, register_nav_group

register_nav_group("rubrics", _("Assessments"))
register_nav(_("Enterprise scoring"), "assessments:score_enterprise_list", "score_enterprises", order=74,
             group="rubrics")
register_nav(_("Unit scoring"), "assessments:score_unit_list", "score_units", order=75, group="rubrics")
register_nav(_("Scores"), "assessments:score_list", "score_units", order=76, group="rubrics")
register_nav(_("Rectification plans"), "assessments:plan_list", "review_plans", order=77, group="rubrics")
register_nav(_("Our rectification plan"), "assessments:plan_mine", "file_plan", order=77, group="rubrics")
register_nav(_("Random checks"), "assessments:check_list", "random_checks", order=78, group="rubrics")
register_nav(_("Assessment forms"), "assessments:rubric_form_list", "manage_rubrics", order=79, group="rubrics")
