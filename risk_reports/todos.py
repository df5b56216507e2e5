"""What the risk points ask of each role on its home page (issue 9 item 8).

An enterprise's users: its points overdue today — alive, whose last ended cycle (in the point's
life, on producing days) had no scan (``overdue.overdue_points``). A township's supervisors: the
enterprises of the township whose overdue rate this quarter so far is over
``risk.enterprise_overdue_rate_max`` (RULES.md §8, the standardization eligibility threshold), linked
to the risk overview, which lists them. A fixed number of queries each, whatever the points.
"""
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.figures.periods import Period
from portal.rules.services import threshold
from portal.ui import Todo, register_todos

from .overdue import ENTERPRISE_MAX, enterprise_rates, overdue_points


def _url(name, **params):
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def enterprises_over_max(township, period):
    """``[(enterprise, Rate)]``: the township's enterprises whose overdue rate in ``period`` is over
    ``risk.enterprise_overdue_rate_max`` (for the township, on the period's end), worst first.
    Five queries."""
    limit = threshold(ENTERPRISE_MAX, region=township, on=period.end)
    rates = {pk: rate for pk, rate in enterprise_rates(township, period).items() if rate.value > limit}
    enterprises = Enterprise.objects.in_bulk(list(rates)) if rates else {}
    return sorted(((enterprises[pk], rate) for pk, rate in rates.items()), key=lambda er: (-er[1].value, er[0].pk))


@register_todos
def risk_todos(user):
    if not user.is_authenticated or not user.is_active:
        return []
    member = scope.membership(user)
    if member is not None:
        if not scope.can(user, caps.SCAN):
            return []
        enterprise = Enterprise.objects.get(pk=member.enterprise_id)
        points = overdue_points(enterprise)
        return [Todo(_("Risk points overdue for their check"), len(points),
                     _url("risk_reports:point_list", enterprise=enterprise.pk), "danger")]
    region = scope.bound_region(user)
    if region is None or region.level != Region.Level.TOWNSHIP or not scope.can(user, caps.VIEW_RISK):
        return []
    period = Period.containing(timezone.localdate())
    over = enterprises_over_max(region, period)
    return [Todo(_("Enterprises over the overdue rate for standardization rating this quarter"), len(over),
                 _url("risk_reports:figures", region=region.pk, quarter=str(period)), "warning")]
