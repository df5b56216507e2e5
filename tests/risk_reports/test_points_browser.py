"""An enterprise's principal sets up risk points from the dictionary in Chromium, under the enforced
CSP (the ``browser`` fixture fails the test on any violation): ticks two categories, opens a point,
grades it by LEC and finds its class and score on its page."""
import pytest
from playwright.sync_api import expect

from risk_reports.models import RiskCategory, RiskPoint

from tests.test_browser import _login, browser  # noqa: F401  (the watched Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_points_from_the_dictionary_then_a_grade(browser, live_server, world):  # noqa: F811
    dust, duct = RiskCategory.objects.filter(code__in=["dust_collector", "dust_duct"]).order_by("code")
    page = browser.new_page(locale="zh-CN")
    _login(page, live_server, "principal")
    page.goto(f"{live_server.url}/risk/points/")
    page.click("#bulk-link")
    page.fill("#id_area", "抛光车间")
    page.fill("#id_responsible_person", "王安全")
    page.check(f"#category-{dust.pk}")
    page.check(f"#category-{duct.pk}")
    page.click("main button[type=submit]")
    expect(page.locator("#point-table tbody tr")).to_have_count(2)
    expect(page.locator("#point-counts")).to_contain_text("2")

    point = RiskPoint.objects.get(category=dust)
    page.click(f"#point-table a[href='/risk/points/{point.pk}/']")
    expect(page.locator("#check-items li")).to_have_count(len(dust.check_items))
    page.click("#grade-link")
    page.check("input[name=basis][value=lec]")
    page.select_option("#id_lec_L", "3")
    page.select_option("#id_lec_E", "6")
    page.select_option("#id_lec_C", "7")
    page.click("main form button[type=submit]")
    expect(page.locator("#grading-score")).to_have_text("126")  # 3 × 6 × 7: yellow (70–159)
    expect(page.locator("#point-grading .risk-yellow")).to_be_visible()
    page.close()
