"""The dust-cleaning figures (issue 11 item 5; seed 001 (二)三: 1 830 key dust sites, a daily upload
rate kept at 100 %), registered in ``portal.figures.registry``.

- sites and site-days under their enterprise's current township (like the risk points); a site counts
  on the days it is alive (registered, not retired) of an enterprise still on the roster, up to today
  for a period not yet over;
- the upload rate: days with a counting photo (not sent back; at most one a site-day) ÷ site-days;
- escalations, flagged and sent-back photos under the township they carry (at the time).
"""
from django.db.models import Count, Func, IntegerField, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Status
from portal.figures import registry
from portal.figures.queries import grouped_counts, within
from portal.figures.registry import Rate

from .models import DustEscalation, DustSite, DustUpload

T = DustSite._meta.db_table
SITE = {"township": "enterprise__township", "village": "enterprise__village"}


class _AliveDays(Func):
    """The days ``[first, last]`` a site is alive: a site retired on day R is alive until R - 1. Date
    arithmetic is spelled differently by PostgreSQL and SQLite (the embedded default)."""

    output_field = IntegerField()

    def __init__(self, first, last):
        super().__init__()
        self.first, self.last = first, last

    def as_sql(self, compiler, connection, **extra):
        return (f'LEAST(%s::date, COALESCE("{T}"."retired_on" - 1, %s::date))'
                f' - GREATEST(%s::date, "{T}"."created_on") + 1'), [self.last, self.last, self.first]

    def as_sqlite(self, compiler, connection, **extra):
        return (f'CAST(julianday(MIN(%s, COALESCE(date("{T}"."retired_on", \'-1 day\'), %s)))'
                f' - julianday(MAX(%s, "{T}"."created_on")) + 1 AS INTEGER)'), [
            self.last.isoformat(), self.last.isoformat(), self.first.isoformat()]


def _last_day(period):
    return min(period.end, timezone.localdate())


def _sites(first, last):
    """Sites alive some day of [first, last], of enterprises on the roster."""
    return (DustSite.objects.filter(created_on__lte=last).filter(Q(retired_on__isnull=True) | Q(retired_on__gt=first))
            .exclude(enterprise__status=Status.DEREGISTERED))


@registry.register("risk.dust_sites", _("Key dust sites"), unit=_("sites"))
def dust_sites(region, period):
    """Sites alive on the period's last day. One query."""
    end = period.end
    qs = DustSite.objects.filter(created_on__lte=end).filter(Q(retired_on__isnull=True) | Q(retired_on__gt=end)
                                                             ).exclude(enterprise__status=Status.DEREGISTERED)
    return grouped_counts(region, qs, n=Count("pk"), **SITE)


@registry.register("risk.dust_upload_rate", _("Daily dust cleaning photo upload rate"), unit="%", kind=registry.RATE)
def dust_upload_rate(region, period):
    """Days with a counting photo ÷ site-days of the period (to today). Two queries: the site-days
    (each site's alive days clipped to the period, summed per child), the days with a photo."""
    first, last = period.start, _last_day(period)
    if last < first:
        return {}
    span = _AliveDays(first, last)
    days = grouped_counts(region, _sites(first, last), n=Sum(span), **SITE)
    uploaded = grouped_counts(
        region, DustUpload.objects.filter(sent_back_at__isnull=True, day__gte=first, day__lte=last),
        n=Count("pk"), township="site__enterprise__township", village="site__enterprise__village")
    return {child: Rate(uploaded.get(child) or 0, whole) for child, whole in days.items() if whole}


def _escalation_figure(step, label):
    def figure(region, period):
        """Steps sent in the period, under the township they carry. One query."""
        return grouped_counts(region, DustEscalation.objects.filter(within(period, "sent_on"), step=step),
                              n=Count("pk"))
    registry.register(f"risk.dust_escalations_{step}", label, unit=_("times"), higher_is_better=False, fn=figure)


_escalation_figure(1, _("Dust photo reminders (day 1)"))
_escalation_figure(3, _("Dust photo urges (day 3)"))
_escalation_figure(7, _("Dust site verifications (day 7)"))


@registry.register("risk.dust_photos_flagged", _("Dust photos flagged"), unit=_("photos"), higher_is_better=False)
def dust_photos_flagged(region, period):
    return grouped_counts(region, DustUpload.objects.filter(within(period, "day"), flagged=True), n=Count("pk"))


@registry.register("risk.dust_photos_sent_back", _("Dust photos sent back"), unit=_("photos"), higher_is_better=False)
def dust_photos_sent_back(region, period):
    return grouped_counts(region, DustUpload.objects.filter(within(period, "day"), sent_back_at__isnull=False),
                          n=Count("pk"))
