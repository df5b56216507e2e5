"""The enterprise page's risk-map section (issue 11 item 3): its floor plans, the points placed on
them and the four PDFs. One query, through ``scope.visible``."""
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from enterprises.dossier import register_section
from portal.accounts import capabilities as caps
from portal.accounts import scope

from . import documents_maps
from .models import SitePlan


def maps_section(enterprise, user):
    if not scope.holds(user, caps.VIEW_RISK):
        return None
    plans = list(scope.visible(user, SitePlan.objects.filter(enterprise=enterprise, retired_on__isnull=True))
                 .annotate(n_placed=Count("placements")).order_by("site", "pk"))
    return {"plans": plans, "url": reverse("risk_reports:map_page", args=[enterprise.pk]),
            "documents": [(reverse("risk_reports:map_document", args=[enterprise.pk, kind]), title)
                          for kind, (_template, title) in documents_maps.KINDS.items()]}


register_section("risk_maps", _("Risk map, cards and lists"), "risk_reports/_dossier_maps.html", maps_section,
                 order=9)
