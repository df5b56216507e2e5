"""The self-check figures (seed 001 (二)一: 向全市 27891 家正常生产的工贸企业发送自查清单，已开展自查 25345
家，占总数的 90.87%), registered in ``portal.figures.registry`` like ``figures.py``'s: one grouped query
each, per child region of ``region``, for any period.

The seed counts enterprises, not lists: an enterprise sent lists by two campaigns in the period is
one enterprise sent a list, and one that has done either of them has carried out its self-check
(已开展自查). A list counts in the period it was *sent* in, under the township it was sent to (the
enterprise's then), and is done when submitted by the period's end: a list sent in September and
done in October is not done in the third quarter's figures, and does not count again in the fourth.
"""
import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.figures import registry
from portal.figures.queries import child_path, grouped_counts, under

from .models import SelfCheckList


def _bounds(period):
    """The period's first instant and the instant after its last day, in the portal's time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, after


def _sent_in(period):
    """Lists sent in the period (a range on ``sent_at``, which the (township, sent_at) index serves)."""
    start, after = _bounds(period)
    return SelfCheckList.objects.filter(sent_at__gte=start, sent_at__lt=after)


def _done_by(period):
    _start, after = _bounds(period)
    return Q(done_at__isnull=False, done_at__lt=after)


def self_checks_sent(region, period):
    """Enterprises sent a self-check list in the period, each once. Every child present (0 where
    none). One query."""
    return grouped_counts(region, _sent_in(period), n=Count("enterprise", distinct=True))


def self_checks_done(region, period):
    """Enterprises sent a list in the period that have submitted one of them by the period's end,
    each once. Every child present. One query."""
    return grouped_counts(region, _sent_in(period).filter(_done_by(period)), n=Count("enterprise", distinct=True))


def self_check_rate(region, period):
    """``self_checks_done`` ÷ ``self_checks_sent`` as ``Rate(done, sent)``, in %; absent where no list
    was sent (nothing to divide by). One query."""
    rows = (_sent_in(period).filter(under(region)).annotate(child=child_path(region)).values("child")
            .annotate(whole=Count("enterprise", distinct=True),
                      part=Count("enterprise", distinct=True, filter=_done_by(period)))
            .order_by())
    return {row["child"]: registry.Rate(row["part"], row["whole"]) for row in rows}


FIGURES = [
    ("inspections.self_checks_sent", _("Enterprises sent a self-check list"), "家", True, self_checks_sent, "count"),
    ("inspections.self_checks_done", _("Enterprises that did their self-check"), "家", True, self_checks_done,
     "count"),
    ("inspections.self_check_rate", _("Self-check completion rate"), "%", True, self_check_rate, "rate"),
]

for _name, _label, _unit, _higher, _fn, _kind in FIGURES:
    registry.register(_name, _label, _unit, _higher, _fn, kind=_kind)
