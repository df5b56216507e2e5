"""The risk-report figures (issue 11 items 1 and 5) on a small district built by hand; the
arithmetic is in the comments.

测试区 has two townships, 东镇 and 西镇. The periodic deadline is the shipped 3.31 (31 March 2026),
inside 2026 Q1. Every point is recorded on 1 January 2026; reports are submitted and accepted
through the services with the clock moved to the day.

东镇: e1 (key sector; red + yellow points) submits its 2026 periodic report on 10 March, accepted
20 March; e2 (above scale; yellow only) submits on 15 March, not yet accepted — a zero report;
e3 never reports; e4 submits on 5 April, after the deadline. 西镇: e5 never reports.
东镇 marks e1 a model enterprise for 2026.
"""
import datetime
from zoneinfo import ZoneInfo

import pytest

from grid.models import Region
from portal.figures import registry
from portal.figures.periods import Period
from risk_reports import figures_reports as figures
from risk_reports.services.reports import model_enterprise_mark, report_accept, report_draft, report_submit
from tests.enterprises.factories import make_enterprise, make_enterprise_user
from tests.factories import RegionFactory, UserFactory
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
Q1, Q2 = Period.quarter(2026, 1), Period.quarter(2026, 2)
JAN1 = datetime.date(2026, 1, 1)


def at(month, day):
    return datetime.datetime(2026, month, day, 10, 0, tzinfo=SH)


class World:
    pass


def _report(w, clock, enterprise, user, day):
    clock.move_to(at(*day))
    report = report_draft(enterprise=enterprise, by=user, kind="periodic", year=2026)
    return report_submit(report=report, by=user)


@pytest.fixture
def district(db, clock):
    w = World()
    w.city = RegionFactory(name="测试市", level=Region.Level.CITY, parent=None)
    w.district = RegionFactory(name="测试区", level=Region.Level.DISTRICT, parent=w.city)
    w.east = RegionFactory(name="东镇", level=Region.Level.TOWNSHIP, parent=w.district, order=1)
    w.west = RegionFactory(name="西镇", level=Region.Level.TOWNSHIP, parent=w.district, order=2)
    w.inspector = UserFactory(role="township_inspector", region=w.east)
    w.west_inspector = UserFactory(role="township_inspector", region=w.west)
    w.bureau = UserFactory(role="bureau_staff", region=w.district)
    w.e1 = make_enterprise(township=w.east, name="东一钢铁", is_key_sector=True)
    w.e2 = make_enterprise(township=w.east, name="东二机械", above_scale=True)
    w.e3 = make_enterprise(township=w.east, name="东三五金")
    w.e4 = make_enterprise(township=w.east, name="东四纺织")
    w.e5 = make_enterprise(township=w.west, name="西一铸造")
    w.boss = {e: make_enterprise_user(e, "principal") for e in (w.e1, w.e2, w.e3, w.e4, w.e5)}
    make_point(w.e1, level="red", created_on=JAN1)
    make_point(w.e1, level="yellow", created_on=JAN1)
    make_point(w.e2, level="yellow", created_on=JAN1)
    make_point(w.e4, level="orange", created_on=JAN1)
    make_point(w.e5, level="blue", created_on=JAN1)
    w.r1 = _report(w, clock, w.e1, w.boss[w.e1], (3, 10))
    w.r2 = _report(w, clock, w.e2, w.boss[w.e2], (3, 15))
    clock.move_to(at(3, 20))
    report_accept(report=w.r1, by=w.inspector)
    w.r4 = _report(w, clock, w.e4, w.boss[w.e4], (4, 5))
    model_enterprise_mark(enterprise=w.e1, by=w.inspector, year=2026)
    clock.move_to(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=SH))
    return w


def test_every_report_figure_in_q1(district):
    w = district
    east, west = w.east.path, w.west.path
    # producing enterprises owing the 2026 periodic report (deadline 31 March in Q1): 东 4, 西 1
    assert figures.reports_due(w.district, Q1) == {east: 4, west: 1}
    # submitted in Q1 under the township at submission: e1, e2 (e4's is in April)
    assert figures.reports_submitted(w.district, Q1) == {east: 2, west: 0}
    assert figures.reports_accepted(w.district, Q1) == {east: 1, west: 0}
    # no periodic report submitted by 31 March: e3, e4 (late) in 东; e5 in 西
    assert figures.reports_missing(w.district, Q1) == {east: 2, west: 1}
    # key-sector or above-scale, reported in Q1, no significant risk: e2 (e1 has a red point)
    assert figures.zero_reports(w.district, Q1) == {east: 1, west: 0}
    # marked for 2026 (the year Q1 ends in): e1
    assert figures.model_enterprises(w.district, Q1) == {east: 1, west: 0}


def test_a_quarter_without_the_deadline_owes_nothing(district):
    w = district
    east, west = w.east.path, w.west.path
    assert figures.reports_due(w.district, Q2) == {east: 0, west: 0}
    assert figures.reports_missing(w.district, Q2) == {east: 0, west: 0}
    # e4's late report in April; it lists an orange point: no zero report
    assert figures.reports_submitted(w.district, Q2) == {east: 1, west: 0}
    assert figures.zero_reports(w.district, Q2) == {east: 0, west: 0}


def test_the_figures_are_registered_with_the_model_threshold():
    names = {f.name for f in registry.all("risk")}
    assert {"risk.reports_due", "risk.reports_submitted", "risk.reports_accepted", "risk.reports_missing",
            "risk.zero_reports", "risk.model_enterprises"} <= names
    assert registry.get("risk.model_enterprises").threshold == "risk.model_enterprises_min"


@pytest.mark.parametrize("name, queries", [
    ("reports_submitted", 1), ("reports_accepted", 1), ("zero_reports", 1), ("model_enterprises", 1),
    # the deadline threshold (one lookup per year of the period), then one grouped count per deadline inside
    ("reports_due", 2), ("reports_missing", 2),
])
def test_each_figure_is_a_fixed_number_of_queries(district, django_assert_num_queries, name, queries):
    with django_assert_num_queries(queries):
        getattr(figures, name)(district.district, Q1)
    with django_assert_num_queries(queries):  # the city: the same statements for its districts
        getattr(figures, name)(district.city, Q1)
