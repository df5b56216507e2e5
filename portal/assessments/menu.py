"""The app's menu entries (portal.ui): the "Statistics" group."""
from django.utils.translation import gettext_lazy as _

from portal.ui import register_nav, register_nav_group

register_nav_group("statistics", _("Statistics and notices"))
register_nav(_("Statistics"), "statistics:index", "supervise", order=66, group="statistics")
register_nav(_("Dashboard"), "statistics:dashboard", "supervise", order=68, group="statistics")
register_nav(_("Quarterly snapshots"), "assessments:snapshot_list", "compute_snapshots", order=70, group="statistics")
register_nav(_("Problem rules"), "assessments:problem_rule_list", "issue_notices", order=72, group="statistics")
register_nav(_("Key tasks"), "assessments:key_task_board", "submit_key_task_evidence", order=74, group="statistics")
