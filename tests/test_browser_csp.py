"""The pages whose scripts and style attributes moved into static files (issue 8 §10, CSP), visited
in Chromium under the enforced policy: each still does its job, and the ``browser`` fixture fails
the test on any Content-Security-Policy violation."""
import re

import pytest
from playwright.sync_api import expect

from portal.jobs.models import Job

from tests.test_browser import _login, browser  # noqa: F401  (the watched Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_filter_pages_style_their_selects_and_the_export_link_follows_the_filters(browser, live_server, world):  # noqa: F811
    page = browser.new_page(locale="zh-CN")
    _login(page, live_server, "bureau")
    page.goto(f"{live_server.url}/enterprises/")
    status = page.locator("#roster-filters select[name=status]")
    expect(status).to_have_class(re.compile(r"\bform-select\b"))
    status.select_option("producing")  # the yes/no/unknown selects stay at "unknown": left out
    expect(page.locator("#export-link")).to_have_attribute("href", re.compile(r"/enterprises/export/\?status=producing$"))

    page.goto(f"{live_server.url}/inspections/hazards/major/")
    expect(page.locator("#hazard-filters select").first).to_have_class(re.compile(r"\bform-select\b"))
    page.fill("#id_q", "湖塘")
    page.press("#id_q", "Enter")
    # empty and "unknown" (any) values are left out; the major-hazard list keeps its district flag
    expect(page.locator("#export-link")).to_have_attribute("href", re.compile(r"\?q=%E6%B9%96%E5%A1%98&district_supervised=true$"))

    for url, form in (("/inspections/", "#inspection-filters"), ("/inspections/penalties/", "#penalty-filters")):
        page.goto(f"{live_server.url}{url}")
        expect(page.locator(f"{form} select").first).to_have_class(re.compile(r"\bform-select\b"))
    page.close()


def test_the_overview_chart_is_drawn(browser, live_server, world):  # noqa: F811
    page = browser.new_page(locale="zh-CN")
    _login(page, live_server, "bureau")
    page.goto(f"{live_server.url}/enterprises/overview/")
    expect(page.locator("#overview-chart canvas")).to_have_count(1)
    assert page.locator("#overview-chart").bounding_box()["height"] == 320
    page.close()


def test_job_progress_bars_take_their_width_and_keep_it_through_htmx_updates(browser, live_server, world):  # noqa: F811
    job = Job.objects.create(owner=world.bureau, kind="enterprises.export", title="导出", state=Job.State.RUNNING,
                             done=1000, total=4000)
    page = browser.new_page(locale="zh-CN")
    _login(page, live_server, "bureau")
    page.goto(f"{live_server.url}/jobs/")
    assert page.locator("td .progress-bar").evaluate("el => el.style.width") == "25%"
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    bar = page.locator("#job-status .progress-bar")
    assert bar.evaluate("el => el.style.width") == "25%"
    Job.objects.filter(pk=job.pk).update(done=3000)  # the page polls every second and swaps itself
    expect(page.locator("#job-status .progress-bar")).to_have_attribute("data-percent", "75")
    # the width is set by script (CSP allows no inline style): it shows in the style attribute; a
    # string predicate for wait_for_function would be eval()ed, which the policy forbids
    expect(page.locator("#job-status .progress-bar")).to_have_attribute("style", re.compile(r"width:\s*75%"))
    page.close()


def test_a_form_asks_before_it_is_sent(browser, live_server, world):  # noqa: F811
    password = world.inspector.password
    page = browser.new_page(locale="zh-CN")
    _login(page, live_server, "admin")
    page.goto(f"{live_server.url}/manage/users/{world.inspector.pk}/")
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("form[data-confirm] button", has_text="重置密码").click()
    page.wait_for_timeout(300)
    assert questions and "重置" in questions[0]
    world.inspector.refresh_from_db()
    assert world.inspector.password == password  # dismissed: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-confirm] button", has_text="重置密码").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("临时密码")
    world.inspector.refresh_from_db()
    assert world.inspector.password != password
    page.close()


def test_a_suggested_enterprise_fills_the_field(browser, live_server, world):  # noqa: F811
    page = browser.new_page(locale="zh-CN")
    _login(page, live_server, "admin")
    page.goto(f"{live_server.url}/enterprises/accounts/new/")
    field = page.locator("#enterprise-suggestions").get_attribute("data-fill")
    page.locator(f"#{field}").press_sequentially("纺织")
    suggestion = page.locator("#enterprise-suggestions [data-value]").first
    expect(suggestion).to_be_visible()
    value = suggestion.get_attribute("data-value")
    suggestion.click()
    expect(page.locator(f"#{field}")).to_have_value(value)
    expect(page.locator("#enterprise-suggestions [data-value]")).to_have_count(0)
    page.close()


def test_swagger_ui_and_the_error_pages_run_under_the_policy(browser, live_server, world):  # noqa: F811
    page = browser.new_page(locale="zh-CN")
    _login(page, live_server, "bureau")
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    page.close()


def test_django_admin_runs_under_the_policy(browser, live_server, world):  # noqa: F811
    page = browser.new_page(locale="zh-CN")
    _login(page, live_server, "root")
    page.goto(f"{live_server.url}/django-admin/")
    expect(page.locator("#site-name")).to_contain_text("监管平台")
    page.goto(f"{live_server.url}/django-admin/rules/threshold/add/")  # a change form, with its scripts
    expect(page.locator("#threshold_form")).to_be_visible()
    page.close()
