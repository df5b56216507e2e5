"""Check cycles as calendar cycles in Asia/Shanghai (issue 9 item 6): shifts as the enterprise
declares them, days, ISO weeks (Monday to Sunday), months and quarters.

A cycle is named by its kind, its start date and, for shifts, the shift's number in the day
(0 for the shift starting first after midnight). A shift that starts at 22:00 belongs to the day
it starts on, so a scan at 03:00 is in the previous day's last shift when no shift starts between.
"""
import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import CheckCycle

DEFAULT_SHIFT_STARTS = ("00:00",)


def tz():
    return ZoneInfo(settings.TIME_ZONE)


def shift_times(starts):
    """The declared start times (``["16:00", "08:00"]``) as sorted ``datetime.time``; one shift a day
    from midnight when none are declared."""
    times = sorted({datetime.time.fromisoformat(s) for s in (starts or DEFAULT_SHIFT_STARTS)})
    return times or [datetime.time(0, 0)]


def _quarter_start(day):
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def cycle_of(kind, moment, shift_starts=None):
    """``(cycle_start, shift)`` of the cycle of ``kind`` that ``moment`` (aware) falls in."""
    local = moment.astimezone(tz())
    day = local.date()
    if kind == CheckCycle.SHIFT:
        times = shift_times(shift_starts)
        clock = local.time()
        started = [i for i, t in enumerate(times) if t <= clock]
        if started:
            return day, started[-1]
        # before the day's first shift: the previous day's last shift is still running
        return day - datetime.timedelta(days=1), len(times) - 1
    if kind == CheckCycle.DAY:
        return day, 0
    if kind == CheckCycle.WEEK:
        return day - datetime.timedelta(days=day.weekday()), 0
    if kind == CheckCycle.MONTH:
        return day.replace(day=1), 0
    if kind == CheckCycle.QUARTER:
        return _quarter_start(day), 0
    raise ValueError(f"Unknown check cycle {kind!r}")


def next_start(kind, start):
    """The first day of the cycle after the one starting on ``start`` (not for shifts)."""
    if kind == CheckCycle.DAY:
        return start + datetime.timedelta(days=1)
    if kind == CheckCycle.WEEK:
        return start + datetime.timedelta(days=7)
    if kind in (CheckCycle.MONTH, CheckCycle.QUARTER):
        months = 1 if kind == CheckCycle.MONTH else 3
        month = start.month - 1 + months
        return datetime.date(start.year + month // 12, month % 12 + 1, 1)
    raise ValueError(f"No day cycle {kind!r}")


def cycle_bounds(kind, start, shift=0, shift_starts=None):
    """``(begins, ends)``, aware datetimes: the cycle runs from ``begins`` up to, not including, ``ends``."""
    zone = tz()
    if kind == CheckCycle.SHIFT:
        times = shift_times(shift_starts)
        begins = datetime.datetime.combine(start, times[shift], zone)
        if shift + 1 < len(times):
            ends = datetime.datetime.combine(start, times[shift + 1], zone)
        else:
            ends = datetime.datetime.combine(start + datetime.timedelta(days=1), times[0], zone)
        return begins, ends
    begins = datetime.datetime.combine(start, datetime.time(0, 0), zone)
    return begins, datetime.datetime.combine(next_start(kind, start), datetime.time(0, 0), zone)
