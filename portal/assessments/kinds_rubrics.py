"""The rubric scoring's message kind (issue 12 item 2): an enterprise scored under the pass mark."""
from django.utils.translation import gettext_lazy as _

from portal.notifications.kinds import register_kind

ENTERPRISE_FLAGGED = register_kind(
    "assessments.enterprise_flagged", _("Enterprise assessment under the pass mark"),
    description=_("The township's monthly assessment scored the enterprise under the pass mark: its special "
                  "rectification starts over."))
