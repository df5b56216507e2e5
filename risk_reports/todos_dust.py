"""What dust cleaning asks of each role on its home page: an enterprise's sites with no photo today;
a township's open day-7 verifications and its flagged photos not yet reviewed. Two queries at most."""
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.ui import Todo, register_todos

from .models import DustEscalation, DustSite, DustUpload, EscalationStep


def sites_missing_today(user, enterprise_id):
    today = timezone.localdate()
    live = DustUpload.objects.filter(site=OuterRef("pk"), day=today, sent_back_at__isnull=True)
    return (scope.visible(user, DustSite.objects.filter(enterprise_id=enterprise_id, created_on__lte=today))
            .filter(Q(retired_on__isnull=True) | Q(retired_on__gt=today)).exclude(Exists(live)))


@register_todos
def dust_todos(user):
    if not user.is_authenticated or not user.is_active:
        return []
    member = scope.membership(user)
    if member is not None:
        if not scope.can(user, caps.SCAN):
            return []
        n = sites_missing_today(user, member.enterprise_id).count()
        return [Todo(_("Dust sites without today's cleaning photo"), n, reverse("risk_reports:dust_sites"), "danger")]
    region = scope.bound_region(user)
    if region is None or region.level != Region.Level.TOWNSHIP or not scope.can(user, caps.SUPERVISE):
        return []
    open_ = scope.visible(user, DustEscalation.objects.filter(step=EscalationStep.VERIFY, closed_at__isnull=True)).count()
    flagged = scope.visible(user, DustUpload.objects.filter(flagged=True, reviewed_at__isnull=True,
                                                            sent_back_at__isnull=True)).count()
    return [Todo(_("Dust sites to verify on site (7 days without a photo)"), open_,
                 reverse("risk_reports:dust_escalations"), "danger"),
            Todo(_("Flagged dust photos to review"), flagged, reverse("risk_reports:dust_review"), "warning")]
