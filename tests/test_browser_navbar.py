"""The top bar on a desktop, in real Chromium: for the roles with the most menus, at the widths
bureau desktops and laptops have, the bar keeps to one line inside the window — the user menu
(name and role) is reachable, nothing is pushed off the right edge or wrapped under the bar."""
import pytest
from playwright.sync_api import expect

from tests.test_browser import _login, browser  # noqa: F401 (the fixture)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("username", ["bureau", "root"])
def test_the_bar_fits_a_desktop_window(browser, live_server, world, username):  # noqa: F811
    for width in (1024, 1200, 1280, 1366, 1920):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
        page = context.new_page()
        _login(page, live_server, username)
        expect(page.locator("h1")).to_be_visible()
        bar = page.evaluate("""() => {
            const nav = document.querySelector('nav.navbar');
            const toggler = document.querySelector('.navbar-toggler');
            const collapsed = toggler.getBoundingClientRect().width > 0;
            const menu = collapsed ? toggler : document.querySelector('#user-menu');
            const r = menu.getBoundingClientRect();
            return {scroll: document.documentElement.scrollWidth, height: nav.getBoundingClientRect().height,
                    right: r.right, visible: r.width > 0 && r.height > 0, collapsed: collapsed};
        }""")
        assert bar["scroll"] <= width, f"{username} at {width}px: the page scrolls sideways ({bar})"
        assert bar["visible"] and bar["right"] <= width, f"{username} at {width}px: the menu is off the window ({bar})"
        assert bar["height"] <= 64, f"{username} at {width}px: the bar wraps onto a second line ({bar})"
        # a laptop's 1024 px gets the menu button; from 1200 px the whole bar
        assert bar["collapsed"] == (width < 1200), f"{username} at {width}px ({bar})"
        context.close()
