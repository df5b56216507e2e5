"""Overdue, defined once (risk_reports.overdue): the arithmetic of due cycles, the producing spans
from the roster's history, the shifts around now, and the points overdue today. The clock is pinned
at 2026-11-16 10:00 (a Monday) in Asia/Shanghai."""
import datetime
from zoneinfo import ZoneInfo

import pytest

from enterprises.services import enterprise_change_status
from portal.figures.periods import Period
from risk_reports import overdue
from risk_reports.models import RiskPoint, ShiftSchedule
from risk_reports.overdue import count_due, last_ended_cycle, overdue_points, producing_spans
from tests.enterprises.factories import make_enterprise, make_enterprise_user
from tests.factories import region
from tests.risk_reports.factories import make_point, make_scan

SH = ZoneInfo("Asia/Shanghai")
D = datetime.date
NOW = datetime.datetime(2026, 11, 16, 10, tzinfo=SH)


def at(month, day, hour=10, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.mark.parametrize("kind, a, b, expected", [
    # Q3 2026 (1 Jul … 30 Sep, stop 1 Oct): 92 days, 12 ISO weeks wholly inside, 3 months, 1 quarter
    ("day", D(2026, 7, 1), D(2026, 10, 1), 92),
    ("week", D(2026, 7, 1), D(2026, 10, 1), 12),
    ("month", D(2026, 7, 1), D(2026, 10, 1), 3),
    ("quarter", D(2026, 7, 1), D(2026, 10, 1), 1),
    # a life starting on the 2nd: July is not wholly inside
    ("month", D(2026, 7, 2), D(2026, 10, 1), 2),
    ("quarter", D(2026, 7, 2), D(2026, 10, 1), 0),
    # a week from Monday to Monday is one cycle; Monday to Sunday is none
    ("week", D(2026, 7, 6), D(2026, 7, 13), 1),
    ("week", D(2026, 7, 6), D(2026, 7, 12), 0),
    # Q4 so far: days 1 Oct … 15 Nov (today has not ended) = 46; weeks ending by today: Mondays
    # 5 Oct … 9 Nov = 6; October only; the quarter has not ended
    ("day", D(2026, 10, 1), D(2027, 1, 1), 46),
    ("week", D(2026, 10, 1), D(2027, 1, 1), 6),
    ("month", D(2026, 10, 1), D(2027, 1, 1), 1),
    ("quarter", D(2026, 10, 1), D(2027, 1, 1), 0),
])
def test_due_cycles_are_counted_arithmetically(kind, a, b, expected):
    assert count_due(kind, a, b, NOW) == expected


def test_due_shifts_end_by_now():
    starts = ("08:00", "20:00")
    # 14 and 15 Nov: 2 shifts each; the night shift of the 15th ended at 08:00 today; today's day
    # shift runs until 20:00: 4
    assert count_due("shift", D(2026, 11, 14), D(2026, 11, 17), NOW, starts) == 4
    # at 20:00 today the day shift has ended too
    assert count_due("shift", D(2026, 11, 14), D(2026, 11, 17), at(11, 16, 20), starts) == 5
    # no schedule: one shift a day from midnight, like a day
    assert count_due("shift", D(2026, 7, 1), D(2026, 10, 1), NOW) == 92
    # a night shift starting on the period's last day belongs to it
    assert count_due("shift", D(2026, 9, 30), D(2026, 10, 1), NOW, ("08:00", "20:00")) == 2


@pytest.mark.parametrize("changes, spans", [
    # registered long before, producing throughout
    ([(D(2022, 1, 1), "producing")], [(D(2026, 7, 1), D(2026, 10, 1))]),
    # suspended 1 Aug, producing again 1 Sep
    ([(D(2022, 1, 1), "producing"), (D(2026, 8, 1), "suspended"), (D(2026, 9, 1), "producing")],
     [(D(2026, 7, 1), D(2026, 8, 1)), (D(2026, 9, 1), D(2026, 10, 1))]),
    # registered mid-quarter
    ([(D(2026, 8, 10), "producing")], [(D(2026, 8, 10), D(2026, 10, 1))]),
    # deregistered before the quarter
    ([(D(2022, 1, 1), "producing"), (D(2026, 6, 1), "deregistered")], []),
    # a transfer (producing → producing) mid-quarter leaves one span
    ([(D(2022, 1, 1), "producing"), (D(2026, 8, 1), "producing")], [(D(2026, 7, 1), D(2026, 10, 1))]),
    # a change after the quarter does not matter
    ([(D(2022, 1, 1), "producing"), (D(2026, 11, 1), "suspended")], [(D(2026, 7, 1), D(2026, 10, 1))]),
])
def test_producing_spans_from_the_roster_history(changes, spans):
    assert producing_spans(changes, D(2026, 7, 1), D(2026, 10, 1)) == spans


@pytest.mark.parametrize("kind, starts, expected", [
    ("day", (), (D(2026, 11, 15), 0)),
    ("week", (), (D(2026, 11, 9), 0)),
    ("month", (), (D(2026, 10, 1), 0)),
    ("quarter", (), (D(2026, 7, 1), 0)),
    ("shift", ("08:00", "20:00"), (D(2026, 11, 15), 1)),   # 10:00: the night shift ended at 08:00
    ("shift", ("12:00",), (D(2026, 11, 14), 0)),           # 10:00: the shift of the 15th runs until 12:00
])
def test_the_last_ended_cycle(kind, starts, expected):
    assert last_ended_cycle(kind, NOW, starts) == expected


@pytest.mark.django_db
def test_shifts_of_today_count_once_ended():
    enterprise = make_enterprise(township=region("湖塘镇"))
    ShiftSchedule.objects.create(enterprise=enterprise, starts=["08:00", "20:00"])
    staff = make_enterprise_user(enterprise, "staff")
    p = make_point(enterprise, category="dust_collector", cycle="shift", created_on=D(2026, 11, 15))
    make_scan(p, staff, at(11, 15, 21))   # the night shift of the 15th: due, done
    make_scan(p, staff, at(11, 16, 9))    # today's day shift: not ended, so neither due nor done
    # due: 15/0 (missed) and 15/1 (done); 16/0 has not ended
    rate = overdue.enterprise_rate(enterprise, Period.quarter(2026, 4))
    assert (rate.numerator, rate.denominator) == (1, 2)


@pytest.mark.django_db
def test_a_suspended_enterprise_owes_nothing_and_its_scans_do_not_count():
    enterprise = make_enterprise(township=region("湖塘镇"))
    staff = make_enterprise_user(enterprise, "staff")
    p = make_point(enterprise, category="dust_collector", cycle="day", created_on=D(2026, 10, 1))
    make_scan(p, staff, at(10, 20))
    make_scan(p, staff, at(11, 2))
    enterprise_change_status(enterprise=enterprise, by=None, status="suspended", effective_date=D(2026, 10, 15),
                             reason="停产")
    # producing 1–14 Oct: 14 days due; the scans of 20 Oct and 2 Nov fall in the suspension: 14 of 14 missed
    rate = overdue.enterprise_rate(enterprise, Period.quarter(2026, 4))
    assert (rate.numerator, rate.denominator) == (14, 14)
    # suspended today: nothing is overdue today
    assert overdue_points(enterprise) == []


@pytest.mark.django_db
def test_points_overdue_today():
    enterprise = make_enterprise(township=region("湖塘镇"))
    staff = make_enterprise_user(enterprise, "staff")
    scanned = make_point(enterprise, category="dust_collector", name="已扫", cycle="day", created_on=D(2026, 11, 1))
    missed = make_point(enterprise, category="dust_collector", name="漏扫", cycle="day", created_on=D(2026, 11, 1))
    new = make_point(enterprise, category="dust_collector", name="今日新增", cycle="day")  # recorded today
    weekly = make_point(enterprise, category="dust_collector", name="周检", cycle="week", created_on=D(2026, 11, 12))
    retired = make_point(enterprise, category="dust_collector", name="已停用", cycle="day", created_on=D(2026, 11, 1))
    RiskPoint.objects.filter(pk=retired.pk).update(retired_on=D(2026, 11, 16))
    make_scan(scanned, staff, at(11, 15, 18))
    make_scan(missed, staff, at(11, 14, 18))   # the day before yesterday: yesterday was missed
    make_scan(missed, staff, at(11, 16, 8))    # today's scan does not fill yesterday
    # the weekly point was recorded on Thursday 12 Nov: last week (9–15 Nov) was not wholly in its life
    assert new and weekly
    assert [p.name for p in overdue_points(enterprise)] == ["漏扫"]
