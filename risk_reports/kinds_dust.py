"""The dust-cleaning message kinds (portal.notifications): the escalation steps and a photo sent back."""
from django.utils.translation import gettext_lazy as _

from portal.notifications.kinds import register_kind

DUST_REMIND = register_kind("risk.dust_remind", _("Dust cleaning photo missing (day 1)"),
                            description=_("A key dust site has no cleaning photo for a day."))
DUST_URGE = register_kind("risk.dust_urge", _("Dust cleaning photos missing for 3 days"),
                          description=_("A key dust site has had no cleaning photo for three days."))
DUST_VERIFY = register_kind("risk.dust_verify", _("Dust cleaning: verify on site (day 7)"),
                            description=_("A key dust site has had no cleaning photo for seven days: verify on site."))
DUST_SENT_BACK = register_kind("risk.dust_sent_back", _("Dust cleaning photo sent back"),
                               description=_("The township sent a cleaning photo back: upload a new one."))
