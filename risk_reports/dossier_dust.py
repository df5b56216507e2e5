"""The enterprise page's dust section (enterprises.dossier registry): its key dust sites and today's
photos. Two queries; nothing for a role without ``view_risk`` or an enterprise with no site."""
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.dossier import register_section
from portal.accounts import capabilities as caps
from portal.accounts import scope

from .models import DustSite, DustUpload


def dust_section(enterprise, user):
    if not scope.holds(user, caps.VIEW_RISK):
        return None
    today = timezone.localdate()
    uploads = DustUpload.objects.filter(day=today, sent_back_at__isnull=True).select_related("photo")
    sites = list(scope.visible(user, DustSite.objects.filter(enterprise=enterprise, retired_on__isnull=True))
                 .prefetch_related(Prefetch("uploads", queryset=uploads, to_attr="today")))
    if not sites:
        return None
    done = sum(1 for s in sites if s.today)
    return {"sites": sites, "today": today, "done": done, "total": len(sites),
            "url": f"{reverse('risk_reports:dust_sites')}?enterprise={enterprise.pk}"}


register_section("dust", _("Key dust sites and today's cleaning photos"), "risk_reports/_dossier_dust.html",
                 dust_section, order=8)
