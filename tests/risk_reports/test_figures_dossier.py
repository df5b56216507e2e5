"""The enterprise page's risk section: points by class, the overdue rate this quarter so far, the
latest scans and the links to the points, labels and codes — scoped, in a fixed number of queries.

The points, labels and codes pages are other areas' (``risk_reports:point_list``, ``label_sheet``,
``code_list``); until they are merged the section's context is tested with ``reverse`` stubbed."""
import datetime
from zoneinfo import ZoneInfo

import pytest

from risk_reports import dossier_sections
from risk_reports.dossier_sections import risk_section
from tests.risk_reports.factories import make_point, make_scan

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def urls(monkeypatch):
    monkeypatch.setattr(dossier_sections, "reverse", lambda name: f"/{name.split(':')[1]}/")


def test_the_section_counts_classes_and_the_quarter_s_overdue_rate(world, django_assert_num_queries):
    # Q4 so far (2026-11-16 10:00): a day point recorded 1 Nov owes 1 … 15 Nov = 15 days, scanned on
    # 3 of them -> 12 of 15 missed = 80 %; a red month point recorded 1 Oct owes October, missed
    # -> 13 of 16 = 81.25 %
    day = make_point(world.e_hutang, category="dust_collector", cycle="day", level="blue",
                     created_on=datetime.date(2026, 11, 1))
    make_point(world.e_hutang, category="dust_collector", cycle="month", level="red",
               created_on=datetime.date(2026, 10, 1))
    for d in (2, 3, 4):
        make_scan(day, world.staff, datetime.datetime(2026, 11, d, 9, tzinfo=SH))
    # 1 the classes, 2 the latest scans, 3-5 the overdue rate
    with django_assert_num_queries(5):
        ctx = risk_section(world.e_hutang, world.principal)
    assert dict((v, n) for v, _label, n in ctx["levels"]) == {"red": 1, "orange": 0, "yellow": 0, "blue": 1}
    assert (ctx["total"], ctx["significant"]) == (2, 1)
    assert (ctx["overdue"].numerator, ctx["overdue"].denominator, ctx["overdue"].value) == (13, 16, 81.25)
    assert [s.done_at.day for s in ctx["scans"]] == [4, 3, 2]
    assert ctx["points_url"] == f"/point_list/?enterprise={world.e_hutang.pk}"
    assert ctx["labels_url"] == f"/label_sheet/?enterprise={world.e_hutang.pk}"
    assert ctx["codes_url"] == f"/code_list/?enterprise={world.e_hutang.pk}"


def test_the_section_is_scoped(world):
    make_point(world.e_hutang, category="dust_collector", cycle="day")
    # another township's inspector sees none of its points; an auditor has no view_risk: no section
    assert risk_section(world.e_hutang, world.luoyang_inspector)["total"] == 0
    assert risk_section(world.e_hutang, world.auditor) is None
    assert risk_section(world.e_hutang, world.inspector)["total"] == 1


def test_the_section_renders(world):
    from django.template.loader import render_to_string
    make_point(world.e_hutang, category="dust_collector", cycle="day")
    ctx = risk_section(world.e_hutang, world.principal)
    html = render_to_string("risk_reports/_dossier_risk.html", {"section": ctx})
    assert 'id="risk-levels"' in html and "/label_sheet/?enterprise=" in html
