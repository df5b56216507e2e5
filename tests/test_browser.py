"""The main journey in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright;
no browser download). Missing Chromium fails the test: it never skips."""
import os
import re

import pytest
from playwright.sync_api import expect, sync_playwright

from .factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture
def browser():
    assert os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}: run scripts/setup.sh"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_login_and_roster_journey(browser, live_server, world, tmp_path):
    page = browser.new_page(locale="zh-CN")
    requests_outside = []
    page.on("request", lambda r: requests_outside.append(r.url) if not r.url.startswith(live_server.url) else None)

    _login(page, live_server, "hutang")
    expect(page.locator("h1")).to_contain_text("你好")  # zh-hans by default
    expect(page.locator("#todo-list")).to_be_visible()

    page.get_by_role("link", name="企业名录").first.click()
    expect(page.locator("h1")).to_have_text("企业名录")
    # the township inspector of 湖塘镇 sees its two enterprises, not 洛阳镇's
    expect(page.locator("#roster-count")).to_contain_text("2")
    expect(page.get_by_text("常州洛阳冶金有限公司")).to_have_count(0)

    # the search filter narrows the list through htmx, without a full reload
    page.fill("#id_q", "纺织")
    page.press("#id_q", "Enter")
    expect(page.locator("#roster-count")).to_contain_text("1")
    expect(page).to_have_url(re.compile(r"q=%E7%BA%BA%E7%BB%87|q=纺织"))

    page.get_by_role("link", name="常州湖塘纺织有限公司").click()
    expect(page.locator("h1")).to_have_text("常州湖塘纺织有限公司")
    expect(page.locator("#section-changes")).to_contain_text("登记")
    page.screenshot(path=str(tmp_path / "enterprise.png"), full_page=True)

    assert requests_outside == [], f"pages loaded something from outside the portal: {requests_outside}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_roster_is_usable_on_a_phone(browser, live_server, world):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    _login(page, live_server, "grid")
    page.goto(f"{live_server.url}/enterprises/")
    # a grid member sees the enterprises of their cell only
    expect(page.locator("#roster-count")).to_contain_text("1")
    link = page.get_by_role("link", name="常州湖塘机械有限公司")
    expect(link).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the roster scrolls sideways on a phone ({width}px)"
    context.close()
