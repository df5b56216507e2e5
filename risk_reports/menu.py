"""The app's menu entries (portal.ui): one group, "Risk control" (风险管控)."""
from django.utils.translation import gettext_lazy as _

from portal.ui import register_nav, register_nav_group

register_nav_group("risk", _("Risk control"))
register_nav(_("Changan code statistics"), "risk_reports:figures", "supervise", order=40, group="risk")
