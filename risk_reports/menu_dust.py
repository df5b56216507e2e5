"""Dust cleaning's menu entries (issue 11 item 2), in the risk group."""
from django.utils.translation import gettext_lazy as _

from portal.ui import register_nav

register_nav(_("Key dust sites"), "risk_reports:dust_sites", "view_risk", order=50, group="risk")
register_nav(_("Dust photo review"), "risk_reports:dust_review", "supervise", order=51, group="risk")
register_nav(_("Dust site verifications"), "risk_reports:dust_escalations", "supervise", order=52, group="risk")
register_nav(_("Holiday duty roster"), "risk_reports:duty_roster", "view_risk", order=53, group="risk")
