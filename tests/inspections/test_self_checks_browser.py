"""Issue 11 item 4 in real headless Chromium: the enterprise's principal, on a phone, opens the
self-check list from the to-do, answers it (one item failed with a note and a photo) and submits it
through the page's outbox; the list is done and the failed item is in the hazard ledger. Debian's
/usr/bin/chromium through Playwright; it never skips. The real clock: the campaign runs around today."""
import datetime
import io
import os
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from django.utils import timezone

from inspections import services
from inspections.models import Hazard, SelfCheckList

from tests.inspections.self_check_factories import general
from tests.test_browser import _login, browser  # noqa: F401  (the Chromium fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True, "has_touch": True}


def _jpeg(tmp_path):
    path = tmp_path / "fail.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (160, 40, 60)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_enterprise_fills_its_self_check_list_on_a_phone(browser, live_server, world, tmp_path):  # noqa: F811
    today = timezone.localdate()
    campaign = services.campaign_create(region=world.wujin, by=world.bureau, name="企业深度自查", kind="general",
                                        start=today - datetime.timedelta(days=3), end=today + datetime.timedelta(days=30),
                                        targets=[world.e_hutang, world.e_luoyang])
    services.self_check_send(campaign=campaign, by=world.bureau, checklist=general(),
                             due_date=today + datetime.timedelta(days=7))
    mine = SelfCheckList.objects.get(enterprise=world.e_hutang)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    _login(page, live_server, "principal")
    page.goto(f"{live_server.url}/inspections/self-checks/?state=sent")
    page.locator(f'a[href="/inspections/self-checks/{mine.pk}/fill/"]').click()
    expect(page).to_have_url(re.compile(rf"/inspections/self-checks/{mine.pk}/fill/$"))
    # the URL changes as the page starts to arrive; its script takes the submit over only once the
    # page has loaded (before that the form posts itself and the server answers in its own alert)
    page.wait_for_load_state("load")
    items = page.locator(".self-check-item")
    count = items.count()
    assert count == mine.checklist.items.count()
    # submitting with nothing answered: the server says what is missing, the list stays as it was
    page.click("#self-check-submit")
    expect(page.locator("#self-check-problem")).to_contain_text("请回答每一项")
    assert SelfCheckList.objects.get(pk=mine.pk).state == "sent"
    for index in range(count):
        item = items.nth(index)
        if item.get_attribute("data-item") == "GEN-03":
            item.locator("label.btn-outline-danger").click()
            item.locator("textarea").fill("应急预案未组织演练")
            item.locator("input[type=file]").set_input_files(_jpeg(tmp_path))
        else:
            item.locator("label.btn-outline-success").click()
    page.click("#self-check-submit")
    expect(page).to_have_url(re.compile(rf"/inspections/self-checks/{mine.pk}/$"))
    expect(page.locator('tr[data-item="GEN-03"]')).to_contain_text("应急预案未组织演练")
    mine.refresh_from_db()
    assert (mine.state, mine.done_by_id) == ("done", world.principal.pk)
    hazard = Hazard.objects.get()
    assert (hazard.source, hazard.item_code, hazard.enterprise_id) == ("self_check", "GEN-03", world.e_hutang.pk)
    assert mine.answers.get(item_code="GEN-03").hazard_id == hazard.pk
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, f"the list's page scrolls sideways on a phone ({width}px)"
    context.close()
