"""The risk map's menu entry (issue 11 item 3), in the "Risk control" group."""
from django.utils.translation import gettext_lazy as _

from portal.ui import register_nav

register_nav(_("Risk maps, cards and lists"), "risk_reports:map_list", "view_risk", order=33, group="risk")
