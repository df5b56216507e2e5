"""Issue 12 item 3 in real headless Chromium, on the real clock: the bureau opens the key-task board
from the menu and sees 湖塘镇's evidence task not met; 湖塘镇's inspector opens the board (its own
column only), the task, and uploads a PDF as evidence; the bureau accepts it on the task's page and
the board shows the task met for 湖塘镇 — and for the township too. Debian's /usr/bin/chromium
through Playwright; it never skips. The task's deadline is two months from today, so it is neither
due soon nor overdue on any day the test runs."""
import datetime
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.assessments import services_key_tasks as services
from portal.assessments.models import KeyTaskEvidence
from tests.test_browser import _login, browser  # noqa: F401  (the Chromium fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _pdf(tmp_path):
    path = tmp_path / "登记台账.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return str(path)


def _cell(page, number, unit):
    return page.locator(f'#key-task-board tr[data-task="{number}"] td[data-unit="{unit}"] .badge')


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_township_uploads_evidence_and_the_bureau_accepts_it(browser, live_server, world, tmp_path):  # noqa: F811
    today = timezone.localdate()
    task_list = services.task_list_create(by=world.bureau, region=world.wujin, year=today.year,
                                          title=f"{today.year}年重点工作任务")
    task = services.task_create(by=world.bureau, task_list=task_list, number="5", title="危化品储存场所登记",
                                deadline=today + datetime.timedelta(days=60), kind="evidence",
                                requirement="各镇完成辖区危化品储存场所登记并上传台账")

    # the bureau's board: every Wujin township, 湖塘镇's task not met yet
    desk = browser.new_context(locale="zh-CN")
    bureau = desk.new_page()
    _login(bureau, live_server, "bureau")
    bureau.click("#nav-statistics")
    bureau.locator("#mainnav").get_by_role("link", name="重点工作任务").click()
    expect(bureau).to_have_url(re.compile(r"/assessments/key-tasks/$"))
    expect(bureau.locator("h1")).to_contain_text(task_list.title)
    expect(bureau.locator("#key-task-board thead th.text-center")).to_have_count(13)  # Wujin's townships
    expect(_cell(bureau, "5", "湖塘镇")).to_have_attribute("data-status", "not_met")
    expect(_cell(bureau, "5", "湖塘镇")).to_have_text("未完成")

    # 湖塘镇 on its phone: its own column, the task, the upload
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                has_touch=True)
    township = phone.new_page()
    _login(township, live_server, "hutang")
    township.goto(f"{live_server.url}/assessments/key-tasks/")
    expect(township.locator("#key-task-board thead th.text-center")).to_have_text(["湖塘镇"])
    township.locator("#key-task-board").get_by_role("link", name=re.compile("危化品储存场所登记")).click()
    expect(township).to_have_url(re.compile(rf"/assessments/key-tasks/{task.pk}/$"))
    expect(township.locator("#key-task-evidence")).to_contain_text("暂无")
    township.set_input_files("#ev-files", _pdf(tmp_path))
    township.fill("#ev-note", "已完成12处储存场所登记")
    township.get_by_role("button", name="提交佐证材料").click()
    expect(township.locator(".alert-success")).to_contain_text("佐证材料已上传")
    row = township.locator('#key-task-evidence tr[data-state="submitted"]')
    expect(row).to_contain_text("湖塘镇")
    expect(row).to_contain_text("待验收")
    expect(row.get_by_role("link", name="登记台账.pdf")).to_have_count(1)
    expect(township.locator("#key-task-evidence-form")).to_have_count(0)  # no second upload while it waits
    assert township.evaluate("document.documentElement.scrollWidth") <= 391
    evidence = KeyTaskEvidence.objects.get()
    assert (evidence.unit_id, evidence.state, evidence.submitted_by_id) == (world.hutang.pk, "submitted",
                                                                             world.inspector.pk)

    # the bureau: the task's page lists the evidence; it accepts it; the board shows the task met
    bureau.reload()
    expect(_cell(bureau, "5", "湖塘镇")).to_have_attribute("data-status", "not_met")
    bureau.locator("#key-task-board").get_by_role("link", name=re.compile("危化品储存场所登记")).click()
    row = bureau.locator('#key-task-evidence tr[data-state="submitted"]')
    expect(row).to_contain_text("已完成12处储存场所登记")
    row.get_by_role("button", name="审核通过").click()
    expect(bureau.locator(".alert-success")).to_contain_text("湖塘镇的佐证材料已验收通过")
    expect(bureau.locator('#key-task-evidence tr[data-state="accepted"]')).to_contain_text("湖塘镇")
    expect(bureau.locator('#key-task-units tr[data-unit="湖塘镇"] .badge')).to_have_attribute("data-status", "met")
    bureau.locator(".breadcrumb").get_by_role("link", name=task_list.title).click()
    expect(_cell(bureau, "5", "湖塘镇")).to_have_attribute("data-status", "met")
    expect(_cell(bureau, "5", "湖塘镇")).to_have_text("已完成")
    expect(_cell(bureau, "5", "洛阳镇")).to_have_attribute("data-status", "not_met")
    evidence.refresh_from_db()
    assert (evidence.state, evidence.decided_by_id, evidence.decided_on) == ("accepted", world.bureau.pk, today)

    # the township's board says so too
    township.goto(f"{live_server.url}/assessments/key-tasks/")
    expect(_cell(township, "5", "湖塘镇")).to_have_attribute("data-status", "met")
    phone.close()
    desk.close()
