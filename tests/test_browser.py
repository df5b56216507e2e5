"""The main journey in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright;
no browser download). Missing Chromium fails the test: it never skips.

Every page runs under the portal's enforced Content-Security-Policy, and the ``browser`` fixture
fails the test on any violation the browser reports (an inline script, an on* handler, a style
attribute, anything from outside)."""
import os
import re

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


class WatchedBrowser:
    """Chromium whose every page reports Content-Security-Policy violations into ``violations``."""

    def __init__(self, browser):
        self._browser = browser
        self.violations = []

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.violations.append(f"{message.location.get('url')}: {message.text}")

    def _watch(self, target):
        target.on("console", self._console)
        return target

    def new_context(self, **kwargs):
        return self._watch(self._browser.new_context(**kwargs))

    def new_page(self, **kwargs):
        return self._watch(self._browser.new_page(**kwargs))

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture
def browser():
    assert os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}: run scripts/setup.sh"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        watched = WatchedBrowser(b)
        yield watched
        b.close()
    assert watched.violations == [], "Content-Security-Policy violations:\n" + "\n".join(watched.violations)


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_english_browser_gets_chinese_until_english_is_picked(browser, live_server, world):
    """Issue 8 §2: Chromium in English (its locale and an explicit Accept-Language) still gets the
    sign-in page and the portal in Chinese; the language switch picks English, which stays."""
    context = browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en-US,en;q=0.9"})
    page = context.new_page()
    assert page.evaluate("navigator.language") == "en-US"
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("h1")).to_have_text("登录")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.fill("#id_username", "hutang")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("你好")
    page.get_by_role("link", name="企业名录").first.click()
    expect(page.locator("h1")).to_have_text("企业名录")

    # the switch in the user menu names English in English, picks it, and the page comes back in English
    page.click("#user-menu")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Enterprise roster")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # it stays English across pages, after signing out and on the next visit
    page.locator(".navbar-brand").click()
    expect(page.locator("h1")).to_contain_text("Hello")
    page.click("#user-menu")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    page.close()
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("h1")).to_have_text("Sign in")
    # and the switch on the sign-in page brings Chinese back
    page.locator("#language-switch button").click()
    expect(page.locator("h1")).to_have_text("登录")
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_policy_is_enforced_and_a_violation_is_caught(browser, live_server, world):
    """The CSP header is on every page, the browser enforces it, and the fixture hears a violation."""
    page = browser.new_page(locale="zh-CN")
    response = page.goto(f"{live_server.url}/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "object-src 'none'" in policy
    # an injected inline script does not run, and a style attribute is not applied
    page.evaluate("""() => {
        const s = document.createElement('script'); s.textContent = 'window.ran = true'; document.body.append(s);
        document.body.insertAdjacentHTML('beforeend', '<p id="styled" style="color: rgb(255, 0, 0)">x</p>');
    }""")
    assert page.evaluate("window.ran === undefined")
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
    page.wait_for_timeout(200)
    assert len(browser.violations) == 2, browser.violations
    browser.violations.clear()  # caught as expected: the fixture's own check must not fail this test
    page.close()
