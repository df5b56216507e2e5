"""Every risk figure (issue 9 item 7) and the four problem lists of seed 001 problem (二), checked
against a small city built by hand; the arithmetic is in the comments.

The city 测试市 has two districts: 甲区 with 甲一镇, 甲二镇 and 甲三镇, 乙区 with 乙一镇 and 乙二镇.
The period is 2026 Q3 (1 July, a Wednesday, to 30 September, a Wednesday), wholly ended on the
pinned clock (2026-11-16 10:00, a Monday). In it: 3 months, 1 quarter, 92 days, and 12 ISO weeks
wholly inside (Mondays 6 July … 21 September; the weeks of 29 June and 28 September cross the
boundary). Every point is recorded on 2026-01-01 unless said otherwise.
"""
import datetime
from zoneinfo import ZoneInfo

import pytest

from enterprises.services import enterprise_change_status
from grid.models import Region
from inspections.models import HazardSource
from inspections.services.hazards import hazard_report
from portal.figures import findings, registry
from portal.figures.periods import Period
from risk_reports import figures, overdue
from risk_reports.services.points import point_retire
from tests.enterprises.factories import make_enterprise, make_enterprise_user
from tests.factories import RegionFactory
from tests.risk_reports.factories import make_point, make_scan

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
Q3 = Period.quarter(2026, 3)
Q4 = Period.quarter(2026, 4)
JAN1 = datetime.date(2026, 1, 1)
D = datetime.date


def at(month, day, hour=10, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SH)


def point(enterprise, level, cycle, created_on=JAN1, **fields):
    return make_point(enterprise, category="dust_collector", level=level, cycle=cycle, created_on=created_on, **fields)


def retire(p, day, by):
    point_retire(point=p, by=by, on=day)


def scan_hazard(enterprise, by, day):
    return hazard_report(enterprise=enterprise, by=by, description="扫码自查发现：防护罩缺失", found_on=day,
                         deadline=day + datetime.timedelta(days=7), source=HazardSource.SCAN)


class City:
    pass


@pytest.fixture
def city(db):
    c = City()
    c.city = RegionFactory(name="测试市", level=Region.Level.CITY, parent=None)
    c.a = RegionFactory(name="甲区", level=Region.Level.DISTRICT, parent=c.city, order=1)
    c.b = RegionFactory(name="乙区", level=Region.Level.DISTRICT, parent=c.city, order=2)
    c.a1 = RegionFactory(name="甲一镇", level=Region.Level.TOWNSHIP, parent=c.a, order=1)
    c.a2 = RegionFactory(name="甲二镇", level=Region.Level.TOWNSHIP, parent=c.a, order=2)
    c.a3 = RegionFactory(name="甲三镇", level=Region.Level.TOWNSHIP, parent=c.a, order=3)
    c.b1 = RegionFactory(name="乙一镇", level=Region.Level.TOWNSHIP, parent=c.b, order=1)
    c.b2 = RegionFactory(name="乙二镇", level=Region.Level.TOWNSHIP, parent=c.b, order=2)

    # 甲一镇 ------------------------------------------------------------------------------------------------
    # a1x: month points p1 (red), p2 (orange), a quarter point p3 (yellow); its principal scans p1
    # every month, staff p2 in July and twice in August (one cycle), p3 in September.
    # due 3 + 3 + 1 = 7, done 3 + 2 + 1 = 6
    c.a1x = make_enterprise(township=c.a1, name="甲一机械")
    a1x_boss, a1x_staff = make_enterprise_user(c.a1x, "principal"), make_enterprise_user(c.a1x, "staff")
    p1, p2, p3 = point(c.a1x, "red", "month"), point(c.a1x, "orange", "month"), point(c.a1x, "yellow", "quarter")
    for month in (7, 8, 9):
        make_scan(p1, a1x_boss, at(month, 10))
    make_scan(p2, a1x_staff, at(7, 10), failed=[0])
    make_scan(p2, a1x_staff, at(8, 10))
    make_scan(p2, a1x_staff, at(8, 20), failed=[1])
    make_scan(p3, a1x_staff, at(9, 1))
    scan_hazard(c.a1x, a1x_boss, D(2026, 7, 10))
    scan_hazard(c.a1x, a1x_boss, D(2026, 8, 20))
    # a1y: a weekly point p4 (blue) scanned by staff in the 9 weeks of 6 July … 31 August, and on
    # 2 July and 29 September (weeks crossing the quarter: not due, so not counted); a month point
    # p5 (yellow) never scanned. due 12 + 3 = 15, done 9
    c.a1y = make_enterprise(township=c.a1, name="甲一纺织")
    a1y_staff = make_enterprise_user(c.a1y, "staff")
    p4, p5 = point(c.a1y, "blue", "week"), point(c.a1y, "yellow", "month")
    for week in range(9):
        make_scan(p4, a1y_staff, at(7, 6) + datetime.timedelta(days=7 * week + 1))
    make_scan(p4, a1y_staff, at(7, 2))
    make_scan(p4, a1y_staff, at(9, 29))
    c.p5 = p5

    # 甲二镇 ------------------------------------------------------------------------------------------------
    # a2x (its principal scans): p6 (yellow, month) recorded 15 August — August is not wholly in its
    # life, so only September is due (scanned 20 Aug: not counted; 5 Sep: done); p7 (quarter)
    # retired on 30 September — the quarter is not wholly in its life: nothing due (its 5 July scan
    # does not count); p8 (month) retired on 1 September: July and August due, July scanned.
    # due 1 + 0 + 2 = 3, done 1 + 0 + 1 = 2. Alive at the end: p6 only.
    c.a2x = make_enterprise(township=c.a2, name="甲二五金")
    a2x_boss = make_enterprise_user(c.a2x, "principal")
    p6 = point(c.a2x, "yellow", "month", created_on=D(2026, 8, 15))
    p7, p8 = point(c.a2x, "red", "quarter"), point(c.a2x, "orange", "month")
    make_scan(p6, a2x_boss, at(8, 20))
    make_scan(p6, a2x_boss, at(9, 5))
    make_scan(p7, a2x_boss, at(7, 5))
    make_scan(p8, a2x_boss, at(7, 3))
    retire(p7, D(2026, 9, 30), a2x_boss)
    retire(p8, D(2026, 9, 1), a2x_boss)
    # a2z: suspended 1 August, producing again 1 September. p9 (orange, month): July and September
    # due, August not; p10 (blue, week): the weeks wholly in 1–31 July (6, 13, 20 July) and in
    # September (7, 14, 21 Sep) = 6. Staff scan p9 on 15 Jul and 15 Aug (suspended: not counted),
    # p10 on 7 Jul, 28 Jul (week of 27 Jul runs into the suspension: not due) and 8 Sep.
    # due 2 + 6 = 8, done 1 + 2 = 3
    c.a2z = make_enterprise(township=c.a2, name="甲二铸造")
    a2z_staff = make_enterprise_user(c.a2z, "staff")
    p9, p10 = point(c.a2z, "orange", "month"), point(c.a2z, "blue", "week")
    make_scan(p9, a2z_staff, at(7, 15))
    make_scan(p10, a2z_staff, at(7, 7))
    make_scan(p10, a2z_staff, at(7, 28))
    enterprise_change_status(enterprise=c.a2z, by=None, status="suspended", effective_date=D(2026, 8, 1),
                             reason="停产整顿")
    make_scan(p9, a2z_staff, at(8, 15))
    enterprise_change_status(enterprise=c.a2z, by=None, status="producing", effective_date=D(2026, 9, 1),
                             reason="复产")
    make_scan(p10, a2z_staff, at(9, 8))
    # a2d: deregistered on 1 June, before the quarter: its point p11 owes nothing and is not counted
    c.a2d = make_enterprise(township=c.a2, name="甲二已注销")
    point(c.a2d, "red", "month")
    enterprise_change_status(enterprise=c.a2d, by=None, status="deregistered", effective_date=D(2026, 6, 1),
                             reason="注销")

    # 甲三镇 ------------------------------------------------------------------------------------------------
    # a3x works two shifts, 08:00 and 20:00. p12 (blue, every shift) recorded 28 September: the
    # shifts of 28, 29 and 30 Sep are due (the night shift of the 30th belongs to the 30th) = 6;
    # scanned in shifts 28/0, 28/1 (twice: 21:00 and 03:00 the next morning), 30/0 and 30/1 (at
    # 07:00 on 1 October) = 4 done. p13 (red, quarter) scanned by the principal on 1 August, a
    # failed item raising a hazard. due 6 + 1 = 7, done 4 + 1 = 5
    c.a3x = make_enterprise(township=c.a3, name="甲三化工")
    from risk_reports.models import ShiftSchedule
    ShiftSchedule.objects.create(enterprise=c.a3x, starts=["08:00", "20:00"])
    a3x_boss, a3x_staff = make_enterprise_user(c.a3x, "principal"), make_enterprise_user(c.a3x, "staff")
    p12 = point(c.a3x, "blue", "shift", created_on=D(2026, 9, 28))
    p13 = point(c.a3x, "red", "quarter")
    for moment in (at(9, 28, 9), at(9, 28, 21), at(9, 29, 3), at(9, 30, 10), at(10, 1, 7)):
        make_scan(p12, a3x_staff, moment)
    make_scan(p13, a3x_boss, at(8, 1), failed=[0])
    scan_hazard(c.a3x, a3x_boss, D(2026, 8, 1))
    # a3y: producing, no point, no scan
    c.a3y = make_enterprise(township=c.a3, name="甲三木业")

    # 乙一镇 ------------------------------------------------------------------------------------------------
    # b1x (principal): p14 (orange, month) scanned every month, p15 (yellow, quarter) scanned once.
    # due 3 + 1 = 4, done 4; one scan hazard
    c.b1x = make_enterprise(township=c.b1, name="乙一冶金")
    b1x_boss = make_enterprise_user(c.b1x, "principal")
    c.p14, c.p15 = point(c.b1x, "orange", "month"), point(c.b1x, "yellow", "quarter")
    for month in (7, 8, 9):
        make_scan(c.p14, b1x_boss, at(month, 2))
    make_scan(c.p15, b1x_boss, at(8, 2))
    scan_hazard(c.b1x, b1x_boss, D(2026, 8, 2))
    c.b1x_day = point(c.b1x, "blue", "day", created_on=D(2026, 10, 1))  # only for the current quarter

    # 乙二镇 ------------------------------------------------------------------------------------------------
    # b2x: three blue month points, never scanned: due 9, done 0. b2y: one yellow month point
    # scanned by staff in July: due 3, done 1.
    c.b2x = make_enterprise(township=c.b2, name="乙二食品")
    make_enterprise_user(c.b2x, "principal")
    for _i in range(3):
        point(c.b2x, "blue", "month")
    c.b2y = make_enterprise(township=c.b2, name="乙二包装")
    b2y_staff = make_enterprise_user(c.b2y, "staff")
    make_scan(point(c.b2y, "yellow", "month"), b2y_staff, at(7, 9))
    return c


def values(name, region, period=Q3):
    """{child name: shown value} for the figure."""
    return {row.region.name: row.value for row in registry.compute(name, region, period)}


def rates(name, region, period=Q3):
    return {row.region.name: (row.numerator, row.denominator) for row in registry.compute(name, region, period)}


# -- per township ---------------------------------------------------------------------------------------------------
def test_enterprises_using_the_code(city):
    # 甲一: a1x, a1y; 甲二: a2x, a2z; 甲三: a3x; 乙一: b1x; 乙二: b2y
    assert values("risk.enterprises_using", city.a) == {"甲一镇": 2, "甲二镇": 2, "甲三镇": 1}
    assert values("risk.enterprises_using", city.b) == {"乙一镇": 1, "乙二镇": 1}
    assert values("risk.enterprises_using", city.city) == {"甲区": 5, "乙区": 2}


def test_usage_rate(city):
    # producing on the roster: 甲一 a1x a1y (2 of 2 scanned), 甲二 a2x a2z (a2d deregistered; 2 of 2),
    # 甲三 a3x a3y (1 of 2), 乙一 b1x (1 of 1), 乙二 b2x b2y (1 of 2)
    assert rates("risk.usage_rate", city.a) == {"甲一镇": (2, 2), "甲二镇": (2, 2), "甲三镇": (1, 2)}
    assert values("risk.usage_rate", city.a) == {"甲一镇": 100.0, "甲二镇": 100.0, "甲三镇": 50.0}
    assert rates("risk.usage_rate", city.b) == {"乙一镇": (1, 1), "乙二镇": (1, 2)}
    # 甲区 5 of 6 = 83.33 %, 乙区 2 of 3 = 66.67 %
    assert values("risk.usage_rate", city.city) == {"甲区": 83.33, "乙区": 66.67}


def test_points_by_class_alive_at_the_period_end(city):
    # alive on 30 Sep: 甲一 p1 red, p2 orange, p3 yellow, p4 blue, p5 yellow = 5; 甲二 p6 yellow (p7 and
    # p8 retired, a2d deregistered), p9 orange, p10 blue = 3; 甲三 p12 blue, p13 red = 2;
    # 乙一 p14 orange, p15 yellow (the day point is recorded in October) = 2; 乙二 4 (3 blue, 1 yellow)
    assert values("risk.points", city.a) == {"甲一镇": 5, "甲二镇": 3, "甲三镇": 2}
    assert values("risk.points", city.b) == {"乙一镇": 2, "乙二镇": 4}
    assert values("risk.points_red", city.a) == {"甲一镇": 1, "甲二镇": 0, "甲三镇": 1}
    assert values("risk.points_orange", city.a) == {"甲一镇": 1, "甲二镇": 1, "甲三镇": 0}
    assert values("risk.points_yellow", city.a) == {"甲一镇": 2, "甲二镇": 1, "甲三镇": 0}
    assert values("risk.points_blue", city.a) == {"甲一镇": 1, "甲二镇": 1, "甲三镇": 1}
    assert values("risk.points_significant", city.a) == {"甲一镇": 2, "甲二镇": 1, "甲三镇": 1}
    assert values("risk.points_blue", city.b) == {"乙一镇": 0, "乙二镇": 3}
    assert values("risk.points_significant", city.city) == {"甲区": 4, "乙区": 1}
    # in Q4 (so far) 乙一's day point is alive too
    assert values("risk.points", city.b, Q4) == {"乙一镇": 3, "乙二镇": 4}


def test_points_per_enterprise(city):
    # points of producing enterprises ÷ producing enterprises: 甲一 5/2 = 2.5, 甲二 3/2 = 1.5,
    # 甲三 2/2 = 1.0; 乙一 2/1 = 2.0, 乙二 4/2 = 2.0; 甲区 10/6 = 1.67, 乙区 6/3 = 2.0
    assert values("risk.points_per_enterprise", city.a) == {"甲一镇": 2.5, "甲二镇": 1.5, "甲三镇": 1.0}
    assert values("risk.points_per_enterprise", city.b) == {"乙一镇": 2.0, "乙二镇": 2.0}
    assert rates("risk.points_per_enterprise", city.city) == {"甲区": (10, 6), "乙区": (6, 3)}
    assert values("risk.points_per_enterprise", city.city) == {"甲区": 1.67, "乙区": 2.0}
    # a district's total rolls up from its townships' sums, not the mean of their averages
    total = registry.table(["risk.points_per_enterprise"], city.a, Q3).total["risk.points_per_enterprise"]
    assert (total.value, total.numerator, total.denominator) == (1.67, 10, 6)


def test_hazards_found_by_scanning(city):
    # 甲一 2 (10 Jul, 20 Aug), 甲二 0, 甲三 1, 乙一 1, 乙二 0
    assert values("risk.scan_hazards", city.a) == {"甲一镇": 2, "甲二镇": 0, "甲三镇": 1}
    assert values("risk.scan_hazards", city.city) == {"甲区": 3, "乙区": 1}
    # per producing enterprise: 甲一 2/2 = 1.0, 甲二 0/2 = 0.0, 甲三 1/2 = 0.5; 乙一 1/1, 乙二 0/2
    assert values("risk.scan_hazards_per_enterprise", city.a) == {"甲一镇": 1.0, "甲二镇": 0.0, "甲三镇": 0.5}
    assert values("risk.scan_hazards_per_enterprise", city.b) == {"乙一镇": 1.0, "乙二镇": 0.0}
    # 甲区 3/6 = 0.5, 乙区 1/3 = 0.33
    assert values("risk.scan_hazards_per_enterprise", city.city) == {"甲区": 0.5, "乙区": 0.33}


def test_overdue_rate(city):
    # 甲一: due 7 + 15 = 22, done 6 + 9 = 15 -> 7/22 = 31.82 %
    # 甲二: due 3 + 8 = 11, done 2 + 3 = 5 -> 6/11 = 54.55 %
    # 甲三: due 7, done 5 -> 2/7 = 28.57 %
    assert rates("risk.overdue_rate", city.a) == {"甲一镇": (7, 22), "甲二镇": (6, 11), "甲三镇": (2, 7)}
    assert values("risk.overdue_rate", city.a) == {"甲一镇": 31.82, "甲二镇": 54.55, "甲三镇": 28.57}
    # 乙一: 0/4; 乙二: due 9 + 3 = 12, done 1 -> 11/12 = 91.67 %
    assert rates("risk.overdue_rate", city.b) == {"乙一镇": (0, 4), "乙二镇": (11, 12)}
    # 甲区 15/40 = 37.5 %, 乙区 11/16 = 68.75 % (summed over points, not a mean of townships)
    assert rates("risk.overdue_rate", city.city) == {"甲区": (15, 40), "乙区": (11, 16)}
    assert values("risk.overdue_rate", city.city) == {"甲区": 37.5, "乙区": 68.75}


def test_overdue_per_enterprise(city):
    rates_a = {pk: (r.numerator, r.denominator) for pk, r in overdue.enterprise_rates(city.a, Q3).items()}
    assert rates_a == {city.a1x.pk: (1, 7), city.a1y.pk: (6, 15), city.a2x.pk: (1, 3), city.a2z.pk: (5, 8),
                       city.a3x.pk: (2, 7)}  # a2d deregistered, a3y has no point: absent
    rate = overdue.enterprise_rate(city.a2z, Q3)
    assert (rate.numerator, rate.denominator, rate.value) == (5, 8, 62.5)


def test_the_current_cycle_is_not_due(city):
    # Q4 on 2026-11-16 10:00: 乙一's p14 owes October (November has not ended), p15 nothing (the
    # quarter has not ended), the day point of 1 October the 46 days 1 Oct … 15 Nov (today not ended)
    rate = overdue.enterprise_rate(city.b1x, Q4)
    assert (rate.numerator, rate.denominator) == (1 + 46, 1 + 46)


def test_principal_participation(city):
    # enterprises that scanned, and those whose principal did: 甲一 a1x of a1x, a1y -> 1/2 = 50 %;
    # 甲二 a2x of a2x, a2z -> 50 %; 甲三 a3x -> 1/1; 乙一 1/1; 乙二 b2y's staff only -> 0/1
    assert rates("risk.principal_participation", city.a) == {"甲一镇": (1, 2), "甲二镇": (1, 2), "甲三镇": (1, 1)}
    assert rates("risk.principal_participation", city.b) == {"乙一镇": (1, 1), "乙二镇": (0, 1)}
    # 甲区 3/5 = 60 % (not under 60 %), 乙区 1/2 = 50 %
    assert values("risk.principal_participation", city.city) == {"甲区": 60.0, "乙区": 50.0}


# -- the four problems of seed 001 problem (二), as the shipped rules name them ------------------------------------------
# (the rules are data of portal.assessments; a page on this side asks portal.figures.findings)
def named(region, period=Q3):
    table = registry.table(figures.PAGE_FIGURES, region, period)
    return {f.figure.name: [(r.name, c.value) for r, c in f.units] for f in findings.findings(table)}


def test_the_four_problems_of_a_district(city):
    assert named(city.a) == {
        # the lowest average: 甲三 1.0 (甲二 1.5, 甲一 2.5)
        "risk.points_per_enterprise": [("甲三镇", 1.0)],
        # over 30 %: 甲二 54.55, 甲一 31.82 (甲三 28.57 is not)
        "risk.overdue_rate": [("甲二镇", 54.55), ("甲一镇", 31.82)],
        # the two lowest hazards per enterprise: 甲二 0.0, 甲三 0.5
        "risk.scan_hazards_per_enterprise": [("甲二镇", 0.0), ("甲三镇", 0.5)],
        # under 60 %: 甲一 and 甲二, 50 % each
        "risk.principal_participation": [("甲一镇", 50.0), ("甲二镇", 50.0)],
    }


def test_the_four_problems_of_the_city(city):
    assert named(city.city) == {
        "risk.points_per_enterprise": [("甲区", 1.67)],
        "risk.overdue_rate": [("乙区", 68.75), ("甲区", 37.5)],
        "risk.scan_hazards_per_enterprise": [("乙区", 0.33), ("甲区", 0.5)],
        "risk.principal_participation": [("乙区", 50.0)],  # 甲区's 60 % is not under 60 %
    }


def test_the_problems_follow_the_bureau_s_thresholds(city):
    from portal.rules.services import threshold_create
    # 甲区 sets 25 % for itself from July: 甲三's 28.57 % is now over it
    threshold_create(name="risk.overdue_rate_max", region=city.a, value=25, effective_from=D(2026, 7, 1), by=None)
    assert [name for name, _v in named(city.a)["risk.overdue_rate"]] == ["甲二镇", "甲一镇", "甲三镇"]


def test_a_township_s_children_are_its_villages(city):
    village = RegionFactory(name="甲一村", level=Region.Level.VILLAGE, parent=city.a1)
    type(city.a1x).objects.filter(pk=city.a1x.pk).update(village=village)
    # a1x's 3 points under its village; a1y in no village counts in the township's total only
    assert values("risk.points", city.a1) == {"甲一村": 3}
    assert rates("risk.overdue_rate", city.a1) == {"甲一村": (1, 7)}
    assert values("risk.points_per_enterprise", city.a1) == {"甲一村": 3.0}


def test_every_figure_is_registered_with_its_kind():
    names = {f.name: f.kind for f in registry.all("risk")}
    assert set(figures.PAGE_FIGURES) <= set(names)
    assert names["risk.overdue_rate"] == names["risk.usage_rate"] == "rate"
    assert names["risk.points"] == "count"
    assert names["risk.points_per_enterprise"] == names["risk.scan_hazards_per_enterprise"] == "average"


def test_an_enterprise_moved_to_another_district_takes_its_done_cycles_there(city):
    from enterprises.services import enterprise_transfer
    # a1y (甲一镇: 6 of 15 cycles missed, so 9 done — made under 甲一镇) moves to 乙一镇 on 1 October: 乙区
    # finds its done cycles although they lie under a township of 甲区 (the district reads its own
    # townships' done cycles through the index, and a moved enterprise's by id)
    enterprise_transfer(enterprise=city.a1y, by=None, township=city.b1, effective_date=D(2026, 10, 1), reason="迁址")
    assert rates("risk.overdue_rate", city.b) == {"乙一镇": (0 + 6, 4 + 15), "乙二镇": (11, 12)}
    assert rates("risk.overdue_rate", city.a) == {"甲一镇": (1, 7), "甲二镇": (6, 11), "甲三镇": (2, 7)}
    assert rates("risk.overdue_rate", city.city) == {"甲区": (9, 25), "乙区": (17, 31)}


def test_a_transferred_enterprise_takes_its_points_and_cycles_scans_stay(city):
    from enterprises.services import enterprise_transfer
    # a1y moves to 甲二镇 on 1 October: its points (p4, p5) and its cycles (6 of 15 missed) go with it
    # (risk points have no township of their own); its Q3 scans stay under 甲一镇, where they were made
    enterprise_transfer(enterprise=city.a1y, by=None, township=city.a2, effective_date=D(2026, 10, 1), reason="迁址")
    assert values("risk.points", city.a) == {"甲一镇": 3, "甲二镇": 5, "甲三镇": 2}
    # 甲一 1 of 7; 甲二 6 + 6 of 11 + 15
    assert rates("risk.overdue_rate", city.a) == {"甲一镇": (1, 7), "甲二镇": (12, 26), "甲三镇": (2, 7)}
    assert values("risk.enterprises_using", city.a) == {"甲一镇": 2, "甲二镇": 2, "甲三镇": 1}


def test_a_batch_over_the_city_gives_each_district_what_it_computes_alone(city, django_assert_max_num_queries):
    """``registry.batch(over=city)`` (the benchmark's and a city-wide pass's way): the scans, points
    and done cycles are read once for the city, and each district gets exactly the values it gets
    when asked alone — the widened pass changes the cost, never a figure."""
    names = [f.name for f in registry.all("risk") if f.resolve is None]
    alone = {(name, d.path): registry.get(name)(d, Q3) for name in names for d in (city.a, city.b)}
    alone.update({(name, city.city.path): registry.get(name)(city.city, Q3) for name in names})
    widened = {}
    with registry.batch(over=city.city):
        for region in (city.city, city.a, city.b):
            for name in names:
                widened[(name, region.path)] = registry.get(name)(region, Q3)
        # the second district's widened passes come from the cache: the overdue rate's three
        # queries and the scans' two are not run again
        with django_assert_max_num_queries(0):
            for name in ("risk.enterprises_using", "risk.principal_participation", "risk.points",
                         "risk.points_red", "risk.overdue_rate"):
                registry.get(name)(city.b, Q3)
    assert widened == alone
