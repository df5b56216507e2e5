"""Issue 4's journey in real headless Chromium: an inspector inspects from a phone and raises a
hazard; the enterprise's principal puts the five in place and submits evidence from a phone; the
township verifies it closed. Debian's /usr/bin/chromium through Playwright; it never skips."""
import datetime
import io
import os
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from django.utils import timezone

from inspections.models import ChecklistTemplate, Hazard, Inspection

from tests.test_browser import _login, browser  # noqa: F401  (the Chromium fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True, "has_touch": True}


def _jpeg(tmp_path, name="evidence.jpg"):
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (40, 160, 60)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _outside(page, live_server):
    seen = []
    page.on("request", lambda r: seen.append(r.url) if not r.url.startswith(live_server.url) else None)
    return seen


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_hazard_is_driven_to_a_verified_close_on_phones(browser, live_server, world, tmp_path):  # noqa: F811
    # -- the inspector, on a phone: open the enterprise, inspect, fail one item with a finding ----
    inspector = browser.new_context(**PHONE)
    page = inspector.new_page()
    outside = _outside(page, live_server)
    _login(page, live_server, "hutang")
    page.goto(f"{live_server.url}/enterprises/{world.e_hutang.pk}/")
    page.get_by_role("link", name="新建执法检查").click()
    page.get_by_role("link", name="通用安全检查").click()
    fill_inspection_form(page, tmp_path)
    # the form is sent by the page's outbox, which then opens the inspection's page
    expect(page).to_have_url(re.compile(r"/inspections/\d+/$"))
    expect(page.locator("h1")).to_contain_text("常州湖塘机械有限公司")
    inspection = Inspection.objects.get()
    hazard = Hazard.objects.get()
    assert (hazard.inspection_id, hazard.status, hazard.item_code) == (inspection.pk, "reported", "GEN-12")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, f"the inspection page scrolls sideways on a phone ({width}px)"

    # -- the principal, on a phone: the hazard is in their to-dos; five in place; evidence ----------
    enterprise = browser.new_context(**PHONE)
    page2 = enterprise.new_page()
    outside += _outside(page2, live_server)
    _login(page2, live_server, "principal")
    expect(page2.locator("#todo-list")).to_contain_text("隐患")
    page2.click(".navbar-toggler")
    page2.locator("#mainnav").get_by_role("link", name="隐患台账").click()
    page2.get_by_role("link", name="灭火器过期").first.click()
    expect(page2.locator("#action-plan")).to_be_visible()
    page2.fill("#id_plan_responsible_person", "王五")
    page2.fill("#id_plan_measures", "更换全部过期灭火器")
    page2.fill("#id_plan_funds", "800")
    page2.fill("#id_plan_emergency_plan", "临时增配灭火器并专人巡查")
    page2.locator("#action-plan button[type=submit]").click()
    expect(page2.locator("#action-submit")).to_be_visible()
    page2.fill("#id_submit_note", "已全部更换，附照片")
    page2.set_input_files("#id_submit_evidence", _jpeg(tmp_path))
    page2.locator("#action-submit button[type=submit]").click()
    expect(page2.locator("body")).to_contain_text("待验收")
    hazard.refresh_from_db()
    assert hazard.status == "submitted"

    # -- the inspector verifies it closed --------------------------------------------------------
    page.goto(f"{live_server.url}/inspections/hazards/{hazard.pk}/")
    expect(page.locator("#five-in-place")).to_contain_text("王五")
    page.locator("#action-verify button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("已验收销号")
    hazard.refresh_from_db()
    assert hazard.status == "closed" and hazard.closed_by == world.inspector
    assert list(hazard.events.values_list("action", flat=True)) == ["report", "plan", "submit", "verify"]
    assert outside == [], f"pages loaded something from outside the portal: {outside}"
    inspector.close()
    enterprise.close()


def fill_inspection_form(page, tmp_path):
    """Answer every item compliant except GEN-12, which gets a finding; two officers; submit."""
    item = ChecklistTemplate.objects.get(code="general", region=None, status="published").items.get(code="GEN-12")
    page.fill("#id_officer_1_name", "张明")
    page.fill("#id_officer_1_certificate", "32040001")
    page.fill("#id_officer_2_name", "李强")
    page.fill("#id_officer_2_certificate", "32040002")
    row = page.locator(f'.checklist-item[data-item="{item.pk}"]')
    row.locator("label.btn-outline-danger").click()  # 不符合 opens the finding's fields
    expect(row.locator("textarea").first).to_be_visible()
    page.click("#rest-compliant")
    row.locator("textarea").first.fill("灭火器过期")
    row.locator("input[type=date]").fill((timezone.localdate() + datetime.timedelta(days=15)).isoformat())
    row.locator("input[type=file]").set_input_files(_jpeg(tmp_path, "finding.jpg"))
    page.click("#submit-inspection")
