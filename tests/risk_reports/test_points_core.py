"""The core every area builds on: a point recorded with its live code, a scan filling its cycle once."""
import datetime
from zoneinfo import ZoneInfo

import pytest

from risk_reports.cycles import cycle_bounds, cycle_of
from risk_reports.models import ScanCycle
from tests.enterprises.factories import make_enterprise, make_enterprise_user
from tests.factories import region
from tests.risk_reports.factories import make_point, make_scan

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


def test_a_point_gets_a_live_code_and_a_second_scan_in_a_cycle_adds_no_cycle():
    enterprise = make_enterprise(township=region("湖塘镇"))
    user = make_enterprise_user(enterprise, "staff")
    point = make_point(enterprise, category="dust_collector", cycle="week")
    assert point.codes.filter(revoked_at__isnull=True).count() == 1
    assert point.check_items and point.factors  # copied from the category
    make_scan(point, user, at(2026, 11, 16, 9))   # Monday
    make_scan(point, user, at(2026, 11, 22, 23))  # Sunday, same ISO week
    make_scan(point, user, at(2026, 11, 23, 1))   # next Monday
    assert list(ScanCycle.objects.filter(point=point).order_by("cycle_start").values_list("cycle_start", flat=True)) == [
        datetime.date(2026, 11, 16), datetime.date(2026, 11, 23)]


@pytest.mark.parametrize("kind, moment, start, shift", [
    ("day", at(2026, 11, 30, 23, 59), datetime.date(2026, 11, 30), 0),
    ("week", at(2026, 1, 1, 8), datetime.date(2025, 12, 29), 0),
    ("month", at(2026, 2, 28, 8), datetime.date(2026, 2, 1), 0),
    ("quarter", at(2026, 6, 30, 23), datetime.date(2026, 4, 1), 0),
    ("shift", at(2026, 11, 30, 3), datetime.date(2026, 11, 29), 2),   # the night shift began the day before
    ("shift", at(2026, 11, 30, 8), datetime.date(2026, 11, 30), 0),
    ("shift", at(2026, 11, 30, 16, 30), datetime.date(2026, 11, 30), 1),
])
def test_cycles_are_calendar_cycles_in_shanghai(kind, moment, start, shift):
    starts = ["08:00", "16:00", "23:00"]
    assert cycle_of(kind, moment, starts) == (start, shift)
    begins, ends = cycle_bounds(kind, start, shift, starts)
    assert begins <= moment < ends
