"""The quarter in Chromium (issue 10 "Done when", the snapshot's part): a district bureau finds the
snapshots in the menu, computes a quarter with the button (and confirms), and reads the frozen
figures — under the enforced CSP, nothing loaded from outside."""
import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory
from tests.risk_reports.test_figures_city import city  # noqa: F401  (the hand-built city)
from tests.test_browser import _login, browser  # noqa: F401  (the watched Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_bureau_freezes_its_quarter_in_the_browser(browser, live_server, city):  # noqa: F811
    UserFactory(username="jiaqu", role="bureau_staff", region=city.a, full_name="甲区应急局")
    page = browser.new_page(locale="zh-CN")
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    _login(page, live_server, "jiaqu")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="季度快照").first.click()
    expect(page.locator("h1")).to_contain_text("季度快照")
    expect(page.locator("#snapshot-count")).to_be_visible()
    page.select_option("#snapshot-quarter", "2026Q3")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#snapshot-compute button[type=submit]").click()
    expect(page.locator("#snapshot-state")).to_have_text("现行")
    table = page.locator("#snapshot-figures")
    expect(table).to_contain_text("甲一镇")
    expect(table).to_contain_text("31.82")
    expect(table).to_contain_text("7/22")
    page.get_by_role("link", name="季度快照").first.click()
    expect(page.locator("#snapshot-table tbody tr").first).to_contain_text("2026Q3")
    assert outside == []
    page.close()
