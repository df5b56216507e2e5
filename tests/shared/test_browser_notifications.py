"""The message centre in real headless Chromium on a phone: the menu bar's unread count (loaded by
htmx), the list, and a message that leads to its hazard."""
import datetime

import pytest
from playwright.sync_api import expect

from inspections.notifications import hazard_deadline_notices
from inspections.services import hazard_report

from tests.test_browser import _login, browser  # noqa: F401  (the fixture)

DAY = datetime.date(2022, 6, 15)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_messages_on_a_phone_lead_to_the_hazard(browser, live_server, world, tmp_path):  # noqa: F811
    for days in (3, -2):  # one due soon, one passed: two messages for the principal
        hazard_report(enterprise=world.e_hutang, by=world.inspector, description=f"灭火器过期 {days}",
                      found_on=datetime.date(2022, 5, 1), deadline=DAY + datetime.timedelta(days=days),
                      source="report")
    hazard_deadline_notices(day=DAY)

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    _login(page, live_server, "principal")
    expect(page.locator("#unread-count")).to_have_text("2")  # fetched after the page loaded
    expect(page.locator("#unread-count")).to_be_visible()  # beside the menu button, not inside the folded menu
    page.screenshot(path=str(tmp_path / "home.png"))

    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("#notification-list .list-group-item")).to_have_count(2)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the message list scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(tmp_path / "messages.png"), full_page=True)

    due_soon = world.e_hutang.hazards.get(deadline=DAY + datetime.timedelta(days=3))
    page.get_by_role("link", name="隐患整改期限临近（2022-06-18）：常州湖塘机械有限公司").click()
    expect(page).to_have_url(f"{live_server.url}/inspections/hazards/{due_soon.pk}/")
    expect(page.locator("#unread-count")).to_have_text("1")
    context.close()

    desktop = browser.new_page(viewport={"width": 1280, "height": 700}, locale="zh-CN")
    _login(desktop, live_server, "principal")
    expect(desktop.locator("#unread-count")).to_have_text("1")
    expect(desktop.locator("#unread-count")).to_be_visible()
    desktop.screenshot(path=str(tmp_path / "desktop.png"))
