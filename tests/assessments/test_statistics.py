"""The statistics page and the dashboard (issue 10 item 4) on the hand-built city of
tests/risk_reports/test_figures_city.py (测试市: 甲区 with 甲一镇, 甲二镇, 甲三镇; 乙区 with 乙一镇,
乙二镇; 2026 Q3 closed on the pinned clock, 2026-11-16): live and frozen tables, the late scan that
moves the live figure and not the frozen one, sorting, the .xlsx read back, scope, bad input, the
old inspections page's redirect, and query counts that do not grow with the units."""
import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
import pytest

from grid.models import Region
from portal.assessments import services, statistics
from portal.figures import registry
from portal.figures.periods import Period
from risk_reports.models import RiskPoint
from tests.enterprises.factories import make_enterprise, make_enterprise_user
from tests.factories import RegionFactory, UserFactory
from tests.risk_reports.factories import make_point, make_scan
from tests.risk_reports.test_figures_city import Q3, at, city  # noqa: F401  (the hand-built city)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 16)  # the pinned clock's day
Q2 = Period.quarter(2026, 2)
URL = "/statistics/"


def freeze(region, period, capture):
    with capture(execute=True):
        snapshot = services.snapshot_request(region=region, period=period, by=None, today=TODAY)
    snapshot.refresh_from_db()
    assert snapshot.state == "current"
    return snapshot


def get(client, user, **query):
    client.force_login(user)
    return client.get(URL, query)


def cells(response, figure):
    """``{unit name: (value, numerator, denominator, rank)}`` of one figure, in the page's row order."""
    return {row.region.name: (row[figure].value, row[figure].numerator, row[figure].denominator, row[figure].rank)
            for row in response.context["rows"]}


def order(response):
    return [row.region.name for row in response.context["rows"]]


@pytest.fixture
def users(city):  # noqa: F811
    class Users:
        a_bureau = UserFactory(role="bureau_staff", region=city.a)
        b_bureau = UserFactory(role="bureau_staff", region=city.b)
        city_staff = UserFactory(role="bureau_staff", region=city.city)
        a1_inspector = UserFactory(role="township_inspector", region=city.a1)
    return Users


# -- live and frozen -------------------------------------------------------------------------------------------------
def test_a_closed_quarter_without_a_snapshot_is_computed_live_and_says_so(client, city, users):  # noqa: F811
    response = get(client, users.a_bureau, ns="risk", period="2026Q3")
    assert response.status_code == 200
    # overdue cycles ÷ due cycles (test_figures_city: test_overdue_rate); lower is better
    assert cells(response, "risk.overdue_rate") == {
        "甲一镇": (31.82, 7, 22, 2), "甲二镇": (54.55, 6, 11, 3), "甲三镇": (28.57, 2, 7, 1)}
    assert {n: v[0] for n, v in cells(response, "risk.points").items()} == {"甲一镇": 5, "甲二镇": 3, "甲三镇": 2}
    total = response.context["total"]["risk.overdue_rate"]
    assert (total.value, total.numerator, total.denominator) == (37.5, 15, 40)  # (7 + 6 + 2) / (22 + 11 + 7)
    html = response.content.decode()
    assert not response.context["source"].frozen and 'data-frozen="false"' in html
    assert "实时计算" in html and "尚未冻结" in html and "风险管控统计" in html
    assert "7/22" in html and 'id="statistics-total"' in html
    # the figures of the namespace that take no parameter are the columns, in the registry's order
    assert [f.name for f in response.context["table"].figures] == statistics.figure_names("risk")
    assert response.context["chart"]["bars"]["units"] == ["甲一镇", "甲二镇", "甲三镇"]
    # the running quarter is live, without "not frozen yet"
    running = get(client, users.a_bureau, ns="risk").content.decode()
    assert "实时计算" in running and "尚未冻结" not in running


def test_a_frozen_quarter_keeps_its_value_after_a_late_scan_and_the_live_page_moves(
        client, city, users, django_capture_on_commit_callbacks):  # noqa: F811
    snapshot = freeze(city.city, Q3, django_capture_on_commit_callbacks)
    # 乙二食品 (乙二镇) had points and no scan in Q3; its scan of 29 September arrives late
    make_scan(RiskPoint.objects.filter(enterprise=city.b2x).first(), make_enterprise_user(city.b2x, "staff"),
              at(9, 29))
    frozen = get(client, users.b_bureau, ns="risk", period="2026Q3")
    assert frozen.context["source"].snapshot == snapshot
    # enterprises using the code, frozen: 乙一 b1x, 乙二 b2y (test_figures_city: test_enterprises_using_the_code)
    assert {n: v[0] for n, v in cells(frozen, "risk.enterprises_using").items()} == {"乙一镇": 1, "乙二镇": 1}
    html = frozen.content.decode()
    assert "快照数据，截至2026年11月16日" in html and 'data-frozen="true"' in html
    # the same days as a span (not a quarter): computed live, and b2x now counts
    live = get(client, users.b_bureau, ns="risk", period="2026-07-01~2026-09-30")
    assert not live.context["source"].frozen and "实时计算" in live.content.decode()
    assert {n: v[0] for n, v in cells(live, "risk.enterprises_using").items()} == {"乙一镇": 1, "乙二镇": 2}
    # the city's staff read the districts from the same snapshot, ranked among themselves
    districts = get(client, users.city_staff, ns="risk", period="2026Q3")
    assert cells(districts, "risk.overdue_rate") == {"甲区": (37.5, 15, 40, 1), "乙区": (68.75, 11, 16, 2)}


# -- sorting ---------------------------------------------------------------------------------------------------------
def test_rows_sort_by_any_figure_and_the_links_keep_the_query(client, city, users):  # noqa: F811
    base = {"ns": "risk", "region": city.a.pk, "period": "2026Q3"}
    # overdue: 甲三 28.57 < 甲一 31.82 < 甲二 54.55
    assert order(get(client, users.a_bureau, **base, sort="risk.overdue_rate", dir="asc")) == ["甲三镇", "甲一镇", "甲二镇"]
    response = get(client, users.a_bureau, **base, sort="risk.overdue_rate", dir="desc")
    assert order(response) == ["甲二镇", "甲一镇", "甲三镇"]
    # without a direction: the best first (for the overdue rate, the lowest)
    assert order(get(client, users.a_bureau, **base, sort="risk.overdue_rate")) == ["甲三镇", "甲一镇", "甲二镇"]
    # points: 5, 3, 2, more is better: the most first
    assert order(get(client, users.a_bureau, **base, sort="risk.points")) == ["甲一镇", "甲二镇", "甲三镇"]
    heads = {h["figure"].name: h for h in response.context["headers"]}
    assert heads["risk.overdue_rate"]["current"] == "desc"
    overdue, points = heads["risk.overdue_rate"]["href"], heads["risk.points"]["href"]
    for href in (overdue, points):
        assert "ns=risk" in href and f"region={city.a.pk}" in href and "period=2026Q3" in href
    assert "sort=risk.overdue_rate" in overdue and "dir=asc" in overdue  # a second click turns it round
    assert "sort=risk.points" in points and "dir=desc" in points
    html = response.content.decode()
    assert 'aria-sort="descending"' in html and 'data-sort="risk.points"' in html
    # the charts follow the rows
    assert response.context["chart"]["bars"]["units"] == ["甲二镇", "甲一镇", "甲三镇"]
    # a sort naming no figure of the table leaves the bureau's order
    assert order(get(client, users.a_bureau, **base, sort="inspections.fines")) == ["甲一镇", "甲二镇", "甲三镇"]


# -- the workbook ----------------------------------------------------------------------------------------------------
def test_the_xlsx_is_the_table_as_shown(client, city, users, django_capture_on_commit_callbacks):  # noqa: F811
    freeze(city.city, Q3, django_capture_on_commit_callbacks)
    response = get(client, users.a_bureau, ns="risk", period="2026Q3", sort="risk.overdue_rate", dir="desc",
                   format="xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert "甲区" in rows[0][0] and "快照数据" in rows[0][0] and "风险管控" in rows[0][0]
    header = rows[1]
    col = header.index("常安码逾期率（%）")
    assert header[col + 1:col + 4] == ("常安码逾期率·分子", "常安码逾期率·分母", "常安码逾期率·排名")
    assert [r[0] for r in rows[2:]] == ["甲二镇", "甲一镇", "甲三镇", "合计"]  # sorted as on the page
    assert rows[2][col:col + 4] == (54.55, 6, 11, 3)
    assert rows[-1][col:col + 4] == (37.5, 15, 40, None)
    points = header.index("辨识风险点数（处）")  # a count: its value and its rank, no numerator
    assert header[points + 1] == "辨识风险点数·排名" and rows[3][points:points + 2] == (5, 1)  # 甲一镇


# -- scope -----------------------------------------------------------------------------------------------------------
def test_scope_decides_the_regions(client, city, users, world):  # noqa: F811
    # 乙区's bureau picking 甲区, or a township of 甲区: 404, as for any record out of scope
    for region in (city.a, city.a1, city.city):
        assert get(client, users.b_bureau, ns="risk", region=region.pk).status_code == 404
    assert get(client, users.b_bureau, ns="risk", region=city.b1.pk).status_code == 200
    assert get(client, users.b_bureau, ns="risk", region="甲区").status_code == 404  # not even a number
    # a township inspector ranks the villages of their township, and no other township
    assert get(client, users.a1_inspector, ns="risk", region=city.a2.pk).status_code == 404
    own = get(client, users.a1_inspector, ns="risk")
    assert own.context["region"] == city.a1 and "没有下级单位" in own.content.decode()
    # an enterprise user, a grid member: no statistics; signed out: the sign-in page
    assert get(client, world.principal).status_code == 404
    assert get(client, world.grid_member).status_code == 404
    assert get(client, world.grid_member, format="xlsx").status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302
    # the picker offers the user's regions above the villages
    RegionFactory(name="乙一村", level=Region.Level.VILLAGE, parent=city.b1)
    offered = {r.name for r in get(client, users.b_bureau).context["regions"]}
    assert offered == {"乙区", "乙一镇", "乙二镇"}


# -- bad input -------------------------------------------------------------------------------------------------------
def test_bad_input_falls_back_with_a_chinese_message(client, city, users):  # noqa: F811
    response = get(client, users.a_bureau, ns="nonsense", period="2026Q3")
    assert response.status_code == 200 and response.context["namespace"] == statistics.namespaces()[0][0]
    assert "没有名为“nonsense”的统计指标" in response.content.decode()
    for bad in ("2026Q5", "明年", "2026-13", "2026-02-30~2026-03-01", "2026-09-01~2026-08-01"):
        response = get(client, users.a_bureau, ns="risk", period=bad)
        assert response.status_code == 200, bad
        assert response.context["period"] == Period.quarter(2026, 4)
        assert "无法识别的统计期间" in response.content.decode(), bad
    response = get(client, users.a_bureau, ns="risk", period="2026Q3", sort="risk.points", dir="sideways")
    assert order(response) == ["甲一镇", "甲二镇", "甲三镇"]  # an unknown direction: the best first
    # every namespace, as a page and as a workbook (the fines are Decimals, the roster's one figure a count)
    for namespace, _label in statistics.namespaces():
        for fmt in ("", "xlsx"):
            assert get(client, users.a_bureau, ns=namespace, period="2026Q3", format=fmt).status_code == 200
    fines = get(client, users.a_bureau, ns="inspections", sort="inspections.fines", dir="desc")
    chart = next(f for f in fines.context["chart"]["bars"]["figures"] if f["name"] == "inspections.fines")
    assert chart["values"] == [0.0, 0.0, 0.0] and all(type(v) is float for v in chart["values"])  # no fine: 0 yuan
    # any period Period reads: a month, a half-year, a year, a year to date
    for key in ("2026-08", "2026H1", "2025", "2026YTD08-31"):
        response = get(client, users.a_bureau, ns="risk", period=key)
        assert response.status_code == 200 and str(response.context["period"]) == key
        assert f'value="{key}" selected' in response.content.decode()


# -- query counts ----------------------------------------------------------------------------------------------------
@pytest.fixture
def one_query_figures():
    """Two figures of a namespace of their own that run exactly one query each (a count and a rate),
    so the tables' queries can be counted to the last one."""
    def count(region, period):
        return {child.path: 1 for child in region.children.all()}

    def rate(region, period):
        return {child.path: registry.Rate(1, 2) for child in region.children.all()}

    registry.register("zcount.units", "单位数", "个", True, count)
    registry.register("zcount.half", "一半", "%", True, rate, kind="rate")
    yield ["zcount.half", "zcount.units"]
    registry.unregister("zcount.units")
    registry.unregister("zcount.half")


def _page_queries(client, **query):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, query).status_code == 200
    return len(ctx.captured_queries)


def test_queries_are_fixed_live_and_frozen(client, city, users, one_query_figures,  # noqa: F811
                                           django_assert_num_queries, django_capture_on_commit_callbacks):
    names = one_query_figures
    with django_assert_num_queries(4):
        # 1. a current snapshot of Q3 holding 甲区's townships (none)  2. the children of 甲区
        # 3. zcount.half  4. zcount.units
        table, source = statistics.table(names, city.a, Q3, TODAY)
    assert not source.frozen and [c.value for c in (r["zcount.half"] for r in table.rows)] == [50.0] * 3
    freeze(city.city, Q3, django_capture_on_commit_callbacks)
    with django_assert_num_queries(3):
        # 1. the current snapshot holding 甲区's townships  2. their values  3. 甲区's own values
        table, source = statistics.table(names, city.a, Q3, TODAY)
    assert source.frozen and [(c.value, c.numerator, c.denominator) for c in (r["zcount.half"] for r in table.rows)] \
        == [(50, 1, 2)] * 3
    # the whole page, live (Q4) and frozen (Q3): the same count for 甲区's 3 townships and, once it has 5, for 5
    client.force_login(users.a_bureau)
    live, frozen = (_page_queries(client, ns="zcount", period=p) for p in ("2026Q4", "2026Q3"))
    # 1. the session  2. the user  3. the user's region (the default)  4.-6. the table (3 above)
    # 7. the regions of the picker  8.-10. the session saved (a savepoint, the update, its release)
    assert live == frozen == 10
    for name in ("甲四镇", "甲五镇"):
        township = RegionFactory(name=name, level=Region.Level.TOWNSHIP, parent=city.a, order=9)
        make_point(make_enterprise(township=township), category="dust_collector", cycle="month",
                   created_on=datetime.date(2026, 1, 1))
    freeze(city.city, Q3, django_capture_on_commit_callbacks)
    assert len(client.get(URL, {"ns": "zcount", "period": "2026Q3"}).context["rows"]) == 5
    assert _page_queries(client, ns="zcount", period="2026Q4") == live
    assert _page_queries(client, ns="zcount", period="2026Q3") == frozen
    # and the real risk figures: a fixed count whatever the number of townships
    risk = _page_queries(client, ns="risk", period="2026Q4")
    RegionFactory(name="甲六镇", level=Region.Level.TOWNSHIP, parent=city.a, order=10)
    assert _page_queries(client, ns="risk", period="2026Q4") == risk


def test_a_history_reads_every_quarter_in_one_query(city, django_capture_on_commit_callbacks,  # noqa: F811
                                                    django_assert_num_queries):
    freeze(city.city, Q2, django_capture_on_commit_callbacks)
    freeze(city.a, Q3, django_capture_on_commit_callbacks)  # 甲区's own Q3 snapshot: the nearest one
    freeze(city.city, Q3, django_capture_on_commit_callbacks)
    names = statistics.figure_names("risk")
    with django_assert_num_queries(2):
        # 1. the current snapshots holding 甲区's townships  2. every value of them
        hist = statistics.history(city.a, names)
    assert hist.periods == [Q2, Q3]
    assert hist.sources["2026Q3"].region == city.a and hist.sources["2026Q2"].region == city.city
    assert [u.name for u in hist.units] == ["甲一镇", "甲二镇", "甲三镇"]
    assert (hist.cell(city.a1, "risk.overdue_rate", Q3).value, hist.cell(city.a1, "risk.overdue_rate", Q3).rank) \
        == (31.82, 2)
    assert hist.siblings("risk.overdue_rate", Q3) == 3


# -- the dashboard ---------------------------------------------------------------------------------------------------
def test_the_bureau_s_dashboard_this_quarter_against_the_last_and_the_trend(
        client, city, users, django_capture_on_commit_callbacks):  # noqa: F811
    freeze(city.city, Q2, django_capture_on_commit_callbacks)
    freeze(city.city, Q3, django_capture_on_commit_callbacks)
    client.force_login(users.a_bureau)
    response = client.get(reverse("statistics:dashboard"), {"ns": "risk"})
    assert response.status_code == 200
    units = response.context["units"]
    assert (units["last"], units["this"]) == (Q3, Period.quarter(2026, 4))
    compare = units["compare"]
    assert [s["label"] for s in compare["series"]] == ["2026年第3季度（快照）", "2026年第4季度（实时）"]
    assert compare["units"] == ["甲一镇", "甲二镇", "甲三镇"]
    overdue = next(f for f in compare["figures"] if f["name"] == "risk.overdue_rate")
    assert overdue["values"][0] == [31.82, 54.55, 28.57]  # Q3 as frozen
    trend = units["trend"]
    assert trend["periods"] == ["2026年第2季度", "2026年第3季度"]
    line = next(f for f in trend["figures"] if f["name"] == "risk.overdue_rate")["lines"][0]
    # 甲一镇 in Q2: every cycle due (points since 1 January), none scanned: 100 %; in Q3 7 of 22
    assert line == {"unit": "甲一镇", "values": [100.0, 31.82]}
    html = response.content.decode()
    assert 'id="dashboard-units"' in html and 'data-chart="compare"' in html and 'data-chart="trend"' in html
    assert "statistics-data" in html
    # 甲区 ranks among the city's districts: its own part (overdue 37.5 %, the lower of two)
    own = response.context["own"]
    assert own["title"] == "我区在全市排名"
    row = next(r for r in own["rows"] if r["name"] == "risk.overdue_rate")
    cell, of = row["cells"][0]  # newest first
    assert (cell.value, cell.rank, of) == (37.5, 1, 2)


def test_a_township_sees_its_own_rank_over_time(client, city, users, django_capture_on_commit_callbacks):  # noqa: F811
    freeze(city.city, Q3, django_capture_on_commit_callbacks)
    client.force_login(users.a1_inspector)
    response = client.get(reverse("statistics:dashboard"), {"ns": "risk"})
    assert response.status_code == 200 and response.context["units"] is None
    own = response.context["own"]
    assert own["title"] == "我镇在全区排名" and own["unit"] == city.a1
    row = next(r for r in own["rows"] if r["name"] == "risk.overdue_rate")
    assert [(c.value, c.rank, of) for c, of in row["cells"]] == [(31.82, 2, 3)]
    html = response.content.decode()
    assert "我镇在全区排名" in html and 'data-rank="2/3"' in html and "第 2 名，共 3 个" in html
    ranks = response.context["charts"]["ranks"]
    assert ranks["periods"] == ["2026年第3季度"]
    assert next(f for f in ranks["figures"] if f["name"] == "risk.overdue_rate")["values"] == [2]
    # another township, another namespace of the same snapshot
    client.force_login(UserFactory(role="township_inspector", region=city.b1))
    response = client.get(reverse("statistics:dashboard"), {"ns": "inspections"})
    assert response.status_code == 200 and response.context["own"] is not None  # 乙一镇 is in the snapshot


def test_the_dashboard_is_scoped_and_survives_bad_input(client, city, users, world):  # noqa: F811
    dashboard = reverse("statistics:dashboard")
    client.force_login(users.b_bureau)
    assert client.get(dashboard, {"region": city.a.pk}).status_code == 404
    response = client.get(dashboard, {"ns": "nonsense"})
    assert response.status_code == 200 and "没有名为“nonsense”的统计指标" in response.content.decode()
    assert response.context["units"]["history"].periods == []  # nothing frozen yet
    assert "尚无已冻结的季度" in response.content.decode()
    client.force_login(UserFactory(role="township_inspector", region=city.b1))
    assert 'id="dashboard-empty"' in client.get(dashboard).content.decode()
    client.force_login(world.principal)
    assert client.get(dashboard).status_code == 404


# -- the pages it replaces -------------------------------------------------------------------------------------------
def test_the_old_inspections_page_redirects_keeping_region_and_quarter(client, city, users):  # noqa: F811
    client.force_login(users.a_bureau)
    response = client.get("/inspections/figures/", {"region": city.a1.pk, "quarter": "2026Q3"})
    assert response.status_code == 302
    assert response["Location"] == f"/statistics/?ns=inspections&region={city.a1.pk}&period=2026Q3"
    assert client.get("/inspections/figures/")["Location"] == "/statistics/?ns=inspections"


def test_the_risk_overview_links_to_the_statistics_of_risk(client, city, users):  # noqa: F811
    client.force_login(users.a_bureau)
    html = client.get("/risk/figures/", {"quarter": "2026Q3"}).content.decode()
    assert f'href="/statistics/?ns=risk&amp;region={city.a.pk}&amp;period=2026Q3"' in html
    assert 'id="risk-problems"' in html
    response = client.get("/risk/figures/", {"quarter": "2026Q3", "format": "xlsx"})
    assert response.status_code == 302
    assert response["Location"] == f"/statistics/?ns=risk&region={city.a.pk}&period=2026Q3&format=xlsx"


def test_the_menu_has_the_statistics_and_the_dashboard(client, city, users):  # noqa: F811
    client.force_login(users.a1_inspector)
    html = client.get("/").content.decode()
    assert 'href="/statistics/"' in html and 'href="/statistics/dashboard/"' in html
    assert 'href="/inspections/figures/"' not in html
