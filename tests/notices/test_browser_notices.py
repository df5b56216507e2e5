"""The notice's main path in headless Chromium under the enforced CSP: the city's bureau drafts
from its frozen quarter, writes the next steps, publishes (the confirmation, the render job, the
downloads); a township inspector of an addressed unit finds the message and opens the notice."""
import pytest
from playwright.sync_api import expect

from portal.notices.models import Notice, NoticeReceipt
from tests.notices.conftest import NEXT_STEP, TODAY
from tests.test_browser import _login, browser  # noqa: F401  (Chromium watched for CSP violations)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def frozen_now(city):  # noqa: F811
    from portal.assessments import services as snapshots
    from tests.risk_reports.test_figures_city import Q3

    # no worker: the parts run in process (eager), the snapshot is current when this returns
    snapshot = snapshots.snapshot_request(region=city.city, period=Q3, by=None, today=TODAY)
    snapshot.refresh_from_db()
    return snapshot


def test_draft_edit_publish_and_read(browser, live_server, frozen_now, people):  # noqa: F811
    page = browser.new_page(locale="zh-CN")
    page.on("dialog", lambda dialog: dialog.accept())
    _login(page, live_server, "city_bureau")
    page.goto(f"{live_server.url}/notices/")
    expect(page.locator("h1")).to_have_text("通报")
    page.fill("#id_number_prefix", "常应急函")
    page.click("#notice-draft button[type=submit]")
    expect(page.locator("h1")).to_have_text("修改草稿")
    page.fill("#id_step_0", NEXT_STEP)
    page.click("#notice-edit-form button.btn-primary")
    expect(page.locator("#notice-title")).to_have_text("关于2026年第三季度全市工贸行业安全生产工作情况的通报")
    expect(page.locator("#notice-body")).to_contain_text(NEXT_STEP)
    page.click("#notice-publish")
    expect(page.locator("#notice-number")).to_contain_text("常应急函〔")
    expect(page.locator("#notice-pdf")).to_be_visible(timeout=30000)
    with page.expect_download() as download:
        page.click("#notice-pdf")
    assert download.value.suggested_filename.endswith(".pdf")
    notice = Notice.objects.get()
    assert notice.state == Notice.State.PUBLISHED and notice.rendered

    reader = browser.new_page(locale="zh-CN")
    _login(reader, live_server, "a1_inspector")
    reader.goto(f"{live_server.url}/notifications/")
    reader.get_by_text(notice.number).first.click()
    expect(reader.locator("#notice-title")).to_have_text(notice.title)
    assert NoticeReceipt.objects.filter(user=people.a1_inspector).exists()
