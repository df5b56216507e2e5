"""Menu entries of the risk reports (issue 11 item 1), in the "Risk control" group."""
from django.utils.translation import gettext_lazy as _

from portal.ui import register_nav

register_nav(_("Risk reports"), "risk_reports:report_list", "view_risk", order=37, group="risk")
register_nav(_("Risk reports missing"), "risk_reports:report_missing", "supervise", order=38, group="risk")
register_nav(_("Zero reports"), "risk_reports:report_zero", "supervise", order=38, group="risk")
register_nav(_("Model enterprises"), "risk_reports:model_list", "supervise", order=39, group="risk")
