"""The risk figures are a fixed number of queries whatever the number of townships, enterprises,
points and scans (STYLE "Figures: SQL does the counting"; issue 9 Speed): a district of two
townships and the same district grown to five cost the same."""
import datetime
from zoneinfo import ZoneInfo

import pytest

from enterprises.services import enterprise_change_status
from grid.models import Region
from inspections.models import HazardSource
from inspections.services.hazards import hazard_report
from portal.figures import registry
from portal.figures.periods import Period
from risk_reports.models import ShiftSchedule
from risk_reports.overdue import enterprise_rate
from tests.enterprises.factories import make_enterprise, make_enterprise_user
from tests.factories import RegionFactory
from tests.risk_reports.factories import make_point, make_scan

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
Q3 = Period.quarter(2026, 3)
D = datetime.date


def at(month, day, hour=10):
    return datetime.datetime(2026, month, day, hour, tzinfo=SH)


def township(district, n):
    """A township with a producing enterprise (month and week points, scans by its principal, a scan
    hazard), one suspended in August, and one working shifts."""
    t = RegionFactory(name=f"测试镇{n}", level=Region.Level.TOWNSHIP, parent=district, order=n)
    plain = make_enterprise(township=t)
    boss = make_enterprise_user(plain, "principal")
    month = make_point(plain, category="dust_collector", cycle="month", level="red", created_on=D(2026, 1, 1))
    week = make_point(plain, category="dust_collector", cycle="week", created_on=D(2026, 1, 1))
    make_scan(month, boss, at(7, 3))
    make_scan(week, boss, at(7, 7))
    hazard_report(enterprise=plain, by=boss, description="扫码发现", found_on=D(2026, 7, 7),
                  deadline=D(2026, 7, 14), source=HazardSource.SCAN)
    paused = make_enterprise(township=t)
    staff = make_enterprise_user(paused, "staff")
    p = make_point(paused, category="dust_collector", cycle="day", created_on=D(2026, 1, 1))
    make_scan(p, staff, at(7, 3))
    make_scan(p, staff, at(8, 3))
    enterprise_change_status(enterprise=paused, by=None, status="suspended", effective_date=D(2026, 8, 1), reason="停产")
    shifts = make_enterprise(township=t)
    ShiftSchedule.objects.create(enterprise=shifts, starts=["08:00", "20:00"])
    shift_staff = make_enterprise_user(shifts, "staff")
    s = make_point(shifts, category="dust_collector", cycle="shift", created_on=D(2026, 9, 1))
    make_scan(s, shift_staff, at(9, 2, 21))
    return t


@pytest.fixture
def district(db):
    city = RegionFactory(name="测试市", level=Region.Level.CITY, parent=None)
    d = RegionFactory(name="测试区", level=Region.Level.DISTRICT, parent=city)
    for n in (1, 2):
        township(d, n)
    return d


# (figure, queries, what they are)
COSTS = [
    ("risk.enterprises_using", 2, "the townships under the district; scans grouped by (township, enterprise)"),
    ("risk.usage_rate", 1, "producing enterprises with Exists(scan), grouped by child"),
    ("risk.points", 1, "the points' lives alive at the end grouped by (township, class, producing or not)"),
    ("risk.points_red", 1, "the same, of one class"),
    ("risk.points_significant", 1, "the same, of two classes"),
    ("risk.points_per_enterprise", 2, "points alive by (township, class, producing or not), shared with the point "
                                      "counts; producing enterprises by township"),
    ("risk.scan_hazards", 1, "scan hazards grouped by child"),
    ("risk.scan_hazards_per_enterprise", 2, "scan hazards grouped by child; producing enterprises by township"),
    ("risk.overdue_rate", 4, "the townships; the history of enterprises not producing throughout; the points' "
                             "lives grouped by (township, cycle, clipped life); done cycles grouped by township"),
    ("risk.principal_participation", 2, "the townships under the district; scans grouped by (township, enterprise) "
                                        "with the principal's scans counted"),
]


@pytest.mark.parametrize("name, queries, what", COSTS)
def test_each_figure_costs_the_same_for_two_or_five_townships(django_assert_num_queries, district, name, queries,
                                                              what):
    figure = registry.get(name)
    with django_assert_num_queries(queries):
        two = figure(district, Q3)
    for n in (3, 4, 5):
        township(district, n)
    with django_assert_num_queries(queries):
        five = figure(district, Q3)
    assert len([k for k in five if k]) >= len([k for k in two if k])


def test_one_enterprise_s_rate_is_three_queries(django_assert_num_queries, district):
    enterprise = district.children.first().enterprises.first()
    # 1 its history if it was not producing throughout, 2 its points grouped, 3 its done cycles grouped
    with django_assert_num_queries(3):
        rate = enterprise_rate(enterprise, Q3)
    # month: July, August, September due, July done; week: 12 due, 1 done -> 13 of 15 missed
    assert (rate.numerator, rate.denominator) == (13, 15)
