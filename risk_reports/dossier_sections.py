"""The enterprise page's risk section (enterprises.dossier registry; issue 9 item 8): the points by
class, the overdue rate this quarter so far, the latest scans, and the links to the points, their
labels to print and their codes.

A fixed number of queries whatever the enterprise's points and scans: one for the classes, three
for the overdue rate (``risk_reports.overdue``), one for the latest scans. Every queryset goes
through ``scope.visible``; a role without ``view_risk`` sees no section."""
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.dossier import register_section
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.figures.periods import Period

from .models import RiskLevel, RiskPoint, Scan
from .overdue import enterprise_rate

LATEST_SCANS = 10


def _url(name, enterprise):
    return f"{reverse(name)}?{urlencode({'enterprise': enterprise.pk})}"


def risk_section(enterprise, user):
    if not scope.holds(user, caps.VIEW_RISK):
        return None
    today = timezone.localdate()
    period = Period.containing(today)
    alive = Q(retired_on__isnull=True) | Q(retired_on__gt=today)
    points = scope.visible(user, RiskPoint.objects.filter(alive, enterprise=enterprise, created_on__lte=today))
    counts = points.aggregate(total=Count("pk"), **{level: Count("pk", filter=Q(level=level))   # query 1
                                                   for level in RiskLevel.values})
    scans = list(scope.visible(user, Scan.objects.filter(enterprise=enterprise))                 # query 2
                 .select_related("point", "by").order_by("-done_at", "-id")[:LATEST_SCANS])
    rate = enterprise_rate(enterprise, period) if counts["total"] else None                    # queries 3-5
    return {
        "levels": [(value, label, counts[value]) for value, label in RiskLevel.choices],
        "total": counts["total"], "significant": counts[RiskLevel.RED] + counts[RiskLevel.ORANGE],
        "period": period, "overdue": rate, "scans": scans,
        "points_url": _url("risk_reports:point_list", enterprise),
        "labels_url": _url("risk_reports:label_sheet", enterprise),
        "codes_url": _url("risk_reports:code_list", enterprise),
    }


register_section("risk", _("Risk points and the Changan code"), "risk_reports/_dossier_risk.html", risk_section,
                 order=7)
