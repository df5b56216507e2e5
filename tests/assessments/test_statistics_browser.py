"""The statistics page in Chromium under the enforced CSP (the ``browser`` fixture fails the test on
any violation): a district bureau opens the risk statistics of the hand-built city's closed Q3,
sorts by the overdue rate, sees the figure's bar chart drawn, downloads the .xlsx of the sorted
table; once the quarter is frozen the page says it reads the snapshot, the bureau's dashboard draws
this quarter against the last, and a township inspector's its rank over the frozen quarters."""
import datetime
import io
import re

from openpyxl import load_workbook
import pytest
from playwright.sync_api import expect

from portal.assessments import services
from portal.assessments.models import Snapshot
from tests.factories import UserFactory
from tests.risk_reports.test_figures_city import Q3, city  # noqa: F401  (the hand-built city)
from tests.test_browser import _login, browser  # noqa: F401  (the watched Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_sort_chart_and_download_the_statistics(browser, live_server, city, tmp_path):  # noqa: F811
    UserFactory(username="jiaqu", role="bureau_staff", region=city.a)
    page = browser.new_page(locale="zh-CN", accept_downloads=True)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    _login(page, live_server, "jiaqu")

    page.goto(f"{live_server.url}/statistics/?ns=risk&period=2026Q3")
    expect(page.locator("h1")).to_contain_text("风险管控统计")
    expect(page.locator("#statistics-source")).to_contain_text("实时计算")
    expect(page.locator("#statistics-table tbody tr")).to_have_count(3)

    # sort by the overdue rate: the best (lowest) first — 甲三 28.57, 甲一 31.82, 甲二 54.55
    page.click("#statistics-table a[data-sort='risk.overdue_rate']")
    expect(page).to_have_url(re.compile(r"sort=risk\.overdue_rate&dir=asc"))
    expect(page.locator("#statistics-table tbody tr th")).to_have_text(["甲三镇", "甲一镇", "甲二镇"])
    # once more: the other way round
    page.click("#statistics-table a[data-sort='risk.overdue_rate']")
    expect(page.locator("#statistics-table tbody tr th")).to_have_text(["甲二镇", "甲一镇", "甲三镇"])

    chart = page.locator("[data-chart='bars'][data-figure='risk.overdue_rate']")
    chart.scroll_into_view_if_needed()
    expect(chart.locator("canvas")).to_have_count(1)
    assert chart.bounding_box()["height"] == 320

    with page.expect_download() as download:
        page.click("a:has-text('导出 .xlsx')")
    path = tmp_path / "statistics.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(io.BytesIO(path.read_bytes())).active.values)
    assert [r[0] for r in rows[2:]] == ["甲二镇", "甲一镇", "甲三镇", "合计"]
    col = rows[1].index("常安码逾期率（%）")
    assert rows[2][col:col + 4] == (54.55, 6, 11, 3)

    # the quarter frozen (no broker in the tests: the parts run in process once committed)
    services.snapshot_request(region=city.city, period=Q3, by=None, today=datetime.date(2026, 11, 16))
    assert Snapshot.objects.get(period="2026Q3").state == Snapshot.State.CURRENT
    page.reload()
    expect(page.locator("#statistics-source")).to_contain_text("快照数据，截至2026年11月16日")

    page.goto(f"{live_server.url}/statistics/dashboard/?ns=risk")
    compare = page.locator("[data-chart='compare'][data-figure='risk.overdue_rate']")
    compare.scroll_into_view_if_needed()
    expect(compare.locator("canvas")).to_have_count(1)
    assert outside == [], f"pages loaded something from outside the portal: {outside}"
    page.close()

    UserFactory(username="jiayi", role="township_inspector", region=city.a1)
    township = browser.new_context(locale="zh-CN").new_page()
    _login(township, live_server, "jiayi")
    township.goto(f"{live_server.url}/statistics/dashboard/?ns=risk")
    expect(township.locator("#dashboard-own h2")).to_contain_text("我镇在全区排名")
    expect(township.locator("#own-table tr[data-figure='risk.overdue_rate'] [data-rank]")).to_have_text("第 2 名，共 3 个")
    expect(township.locator("[data-chart='ranks'] canvas")).to_have_count(1)
    township.close()
