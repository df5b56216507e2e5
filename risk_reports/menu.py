"""The app's menu entries (portal.ui): one group, "Risk control" (风险管控)."""
from django.utils.translation import gettext_lazy as _

from portal.ui import register_nav, register_nav_group

register_nav_group("risk", _("Risk control"))
register_nav(_("Risk points"), "risk_reports:point_list", "view_risk", order=30, group="risk")
register_nav(_("Changan codes"), "risk_reports:code_list", "view_risk", order=32, group="risk")
register_nav(_("Scan self-checks"), "risk_reports:scan_list", "view_risk", order=34, group="risk")
register_nav(_("Changan code statistics"), "risk_reports:figures", "supervise", order=36, group="risk")
register_nav(_("Risk control dictionary"), "risk_reports:category_list", "view_risk", order=40, group="risk")
register_nav(_("Risk grading methods"), "risk_reports:grading", "view_risk", order=41, group="risk")
