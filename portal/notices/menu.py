"""The app's menu entry (portal.ui), in the "Statistics and notices" group of portal.assessments."""
from django.utils.translation import gettext_lazy as _

from portal.ui import register_nav

register_nav(_("Notices"), "notices:list", "read_notices", order=75, group="statistics")
