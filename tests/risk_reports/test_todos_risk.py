"""The risk to-dos on each role's home page: an enterprise's points overdue today; a township's
enterprises over ``risk.enterprise_overdue_rate_max`` this quarter so far. The clock is pinned at
2026-11-16 10:00 (Q4 so far: 1 October … 16 November).

The points list is another area's page (``risk_reports:point_list``): until it is merged, its
``reverse`` is stubbed here."""
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse as real_reverse

from portal.rules.services import threshold_create
from risk_reports import todos
from risk_reports.todos import risk_todos
from tests.risk_reports.factories import make_point, make_scan

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = datetime.date


@pytest.fixture(autouse=True)
def urls(monkeypatch):
    monkeypatch.setattr(todos, "reverse", lambda name: "/risk/points/" if name == "risk_reports:point_list"
                        else real_reverse(name))


@pytest.fixture
def points(world):
    """e_hutang: a day point scanned yesterday, a day point missed yesterday, a month point that
    missed October. e_hutang2: a month point scanned in October."""
    scanned = make_point(world.e_hutang, category="dust_collector", cycle="day", created_on=D(2026, 10, 1))
    make_scan(scanned, world.staff, datetime.datetime(2026, 11, 15, 9, tzinfo=SH))
    make_point(world.e_hutang, category="dust_collector", cycle="day", created_on=D(2026, 10, 1))
    make_point(world.e_hutang, category="dust_collector", cycle="month", created_on=D(2026, 10, 1))
    other = make_point(world.e_hutang2, category="dust_collector", cycle="month", created_on=D(2026, 10, 1))
    from tests.enterprises.factories import make_enterprise_user
    make_scan(other, make_enterprise_user(world.e_hutang2, "staff"), datetime.datetime(2026, 10, 9, tzinfo=SH))
    return world


def test_an_enterprise_sees_its_points_overdue_today(points, django_assert_max_num_queries):
    # the day point missed yesterday and the month point that missed October: 2
    with django_assert_max_num_queries(8):
        items = risk_todos(points.staff)
    assert [(t.count, t.url) for t in items] == [(2, f"/risk/points/?enterprise={points.e_hutang.pk}")]


def test_a_township_sees_its_enterprises_over_the_eligibility_threshold(points):
    # e_hutang in Q4 so far: day points 46 + 46 due, 1 + 0 done; the month point 1 due, missed:
    # 92 of 93 missed = 98.92 %; e_hutang2: October done, 0 of 1: not over
    [item] = risk_todos(points.inspector)
    assert item.count == 1
    assert item.url == f"/risk/figures/?region={points.hutang.pk}&quarter=2026Q4"
    assert [(e.name, r.value) for e, r in todos.enterprises_over_max(points.hutang, todos.Period.quarter(2026, 4))] \
        == [("常州湖塘机械有限公司", 98.92)]
    # the township raises its own threshold above it: none left
    threshold_create(name="risk.enterprise_overdue_rate_max", region=points.hutang, value=99,
                     effective_from=D(2026, 10, 1), by=None)
    assert risk_todos(points.inspector)[0].count == 0


def test_other_roles_have_no_risk_to_do(points):
    assert risk_todos(points.auditor) == []
    assert risk_todos(points.bureau) == []  # a district: its overview ranks the townships
    assert risk_todos(points.luoyang_inspector)[0].count == 0


def test_the_threshold_ships_with_its_source():
    from portal.rules.models import Threshold
    row = Threshold.objects.get(name="risk.enterprise_overdue_rate_max", region=None)
    assert (row.value, row.unit) == (30, "%") and "RULES.md §8" in row.source


def test_rating_eligibility_follows_the_enterprise_threshold(points):
    from risk_reports.overdue import rating_eligible
    q4 = todos.Period.quarter(2026, 4)
    eligible, rate, limit = rating_eligible(points.e_hutang, q4)
    assert (eligible, rate.value, limit) == (False, 98.92, 30)
    assert rating_eligible(points.e_hutang2, q4)[0] is True          # 0 of 1 missed
    assert rating_eligible(points.e_luoyang, q4)[:2] == (True, None)  # nothing due
