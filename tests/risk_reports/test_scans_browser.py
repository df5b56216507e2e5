"""Issue 9's "Done when", in real headless Chromium: the principal sets a point up from the
dictionary and prints its workshop's labels; on a phone, an employee scans the point's code, fails an item with a note and a photo (its EXIF time read in the browser), and
the hazard lands in the ledger with source scan; then, offline, the next submission waits in the
page's outbox, survives the page being opened again, the session expires meanwhile, and when the
network returns the page asks to sign in and, back on the page, sends it: exactly one scan for its
client key. Debian's /usr/bin/chromium through Playwright; it never skips."""
import datetime
import io
import os

import pytest
from django.contrib.sessions.models import Session
from PIL import Image
from playwright.sync_api import expect

from inspections.models import Hazard
from portal.attachments.models import Attachment
from risk_reports.models import PointHazard, RiskCategory, RiskPoint, Scan
from tests.factories import PASSWORD
from tests.risk_reports.factories import make_point
from tests.test_browser import _login, browser  # noqa: F401  (the Chromium fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True, "has_touch": True}
ITEMS = ["除尘器防护装置完好", "泄爆口朝向安全区域", "灰斗清灰记录完整"]
OUTBOX_KEYS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("portal-outbox", 1);
  open.onsuccess = () => {
    const request = open.result.transaction("entries").objectStore("entries").getAll();
    request.onsuccess = () => resolve(request.result.map((e) => [e.key, e.state, e.files.length]));
    request.onerror = () => reject(request.error);
  };
  open.onerror = () => reject(open.error);
})"""


def _photo_with_exif(tmp_path):
    """A 2400 × 1800 JPEG taken (EXIF DateTimeOriginal) at 2026:11:16 09:41:07."""
    image = Image.new("RGB", (2400, 1800), (180, 60, 40))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:11:16 09:41:07"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    path = tmp_path / "dust.jpg"
    path.write_bytes(buffer.getvalue())
    return str(path)


def _answer(page, fail_index=None, note=""):
    for index in range(len(ITEMS)):
        page.click(f"label[for=ok_{index}_{'no' if index == fail_index else 'yes'}]")
    if fail_index is not None:
        expect(page.locator(f"#note_{fail_index}")).to_be_visible()
        page.fill(f"#note_{fail_index}", note)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_scan_on_a_phone_survives_a_dead_network_and_an_expired_session(browser, live_server, world,  # noqa: F811
                                                                           tmp_path):
    # -- the principal sets the point up from the dictionary and prints its workshop's labels -----
    dust = RiskCategory.objects.get(code="dust_collector")
    desk = browser.new_context(locale="zh-CN")
    office = desk.new_page()
    _login(office, live_server, "principal")
    office.goto(f"{live_server.url}/risk/points/")
    office.click("#bulk-link")
    office.fill("#id_area", "抛光车间")
    office.fill("#id_responsible_person", "王安全")
    office.check(f"#category-{dust.pk}")
    office.click("main button[type=submit]")
    expect(office.locator("#point-table tbody tr")).to_have_count(1)
    point = RiskPoint.objects.get(enterprise=world.e_hutang, category=dust)
    point.check_items = ITEMS  # the principal's own items (the point keeps its own copy)
    point.save(update_fields=["check_items"])
    office.goto(f"{live_server.url}/risk/codes/?enterprise={world.e_hutang.pk}&area=抛光车间")
    labels = office.locator("#label-sheet-area-link")
    expect(labels).to_be_visible()
    sheet = office.request.get(live_server.url + labels.get_attribute("href"))
    assert sheet.status == 200 and sheet.headers["content-type"] == "application/pdf"
    assert sheet.body().startswith(b"%PDF")
    desk.close()

    # the employee's phone reads the posted label's QR: the code's URL
    url = f"{live_server.url}/c/{point.codes.get().token}/"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)

    # -- signed out, the code's page asks to sign in and comes back ------------------------------
    page.goto(url)
    expect(page.locator("h1")).to_have_text("登录")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("#point-name")).to_have_text(dust.name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, f"the scan page scrolls sideways on a phone ({width}px)"

    # -- online: a failed item with a note and a photo --------------------------------------------
    _answer(page, fail_index=1, note="泄爆口正对通道")
    page.set_input_files("#scan-photos", _photo_with_exif(tmp_path))
    expect(page.locator("#scan-photo-status")).to_contain_text("1")
    page.click("#scan-submit")
    expect(page.locator("#scan-done")).to_contain_text("1 条隐患已录入隐患台账")
    hazard = Hazard.objects.get()
    assert hazard.source == "scan" and "泄爆口正对通道" in hazard.description
    assert PointHazard.objects.get().point_id == point.pk
    photo = Attachment.objects.get()
    assert max(photo.width, photo.height) == 1600  # shrunk in the browser (the server keeps it)
    # the photo's own time, read from its EXIF by the browser before the canvas dropped it
    assert photo.taken_at == datetime.datetime(2026, 11, 16, 1, 41, 7, tzinfo=datetime.timezone.utc)
    expect(page.locator("#outbox")).to_be_hidden()

    # -- offline: the submission waits in the outbox ----------------------------------------------
    context.set_offline(True)
    _answer(page)
    page.click("#scan-submit")
    expect(page.locator("#outbox-count")).to_have_text("1")
    expect(page.locator("#outbox")).to_contain_text("待发送")
    expect(page.locator("#scan-done")).to_contain_text("网络不通")
    kept = page.evaluate(OUTBOX_KEYS)
    assert len(kept) == 1 and kept[0][1] == "waiting"
    key = kept[0][0]

    # -- the page opened again, still offline (from the phone's cache): still waiting ------------
    page.goto(url)
    expect(page.locator("#outbox-count")).to_have_text("1")
    assert Scan.objects.count() == 1

    # -- the session expires meanwhile; the network returns: the page asks to sign in -------------
    Session.objects.all().delete()
    context.set_offline(False)
    expect(page.locator("#outbox-signin")).to_be_visible()
    assert Scan.objects.count() == 1 and page.evaluate(OUTBOX_KEYS)[0][0] == key
    page.click("#outbox-signin-link")
    expect(page.locator("h1")).to_have_text("登录")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")

    # -- back on the page, it sends: exactly one scan for that key ---------------------------------
    expect(page.locator("#point-name")).to_have_text(dust.name)
    expect(page.locator("#scan-done")).to_contain_text("已发送")
    expect(page.locator("#outbox")).to_be_hidden()
    assert page.evaluate(OUTBOX_KEYS) == []
    assert Scan.objects.filter(client_key=key).count() == 1
    assert Scan.objects.count() == 2 and Hazard.objects.count() == 1
    # sending it once more (a retry that crossed the answer) records nothing new
    page.click("#outbox-send") if page.locator("#outbox-send").is_visible() else None
    assert Scan.objects.count() == 2
    assert outside == [], f"pages loaded something from outside the portal: {outside}"
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_inspection_field_form_keeps_an_inspection_made_offline(browser, live_server, world,  # noqa: F811
                                                                    tmp_path):
    """The same outbox on the inspection field form: filled and submitted without a network, kept with
    its finding's photo, sent once when the network returns."""
    from inspections.models import Inspection
    from tests.inspections.test_browser_inspections import fill_inspection_form

    context = browser.new_context(**PHONE)
    page = context.new_page()
    _login(page, live_server, "hutang")
    page.goto(f"{live_server.url}/inspections/new/?enterprise={world.e_hutang.pk}&checklist=general")
    context.set_offline(True)
    fill_inspection_form(page, tmp_path)  # ends with the submit button tapped
    expect(page.locator("#outbox-count")).to_have_text("1")
    expect(page.locator("#inspection-kept")).to_contain_text("网络不通")
    kept = page.evaluate(OUTBOX_KEYS)
    assert len(kept) == 1 and kept[0][2] == 1  # the finding's photo is kept with it
    assert Inspection.objects.count() == 0
    context.set_offline(False)
    expect(page.locator("#inspection-kept")).to_contain_text("已发送")
    expect(page.locator("#outbox")).to_be_hidden()
    inspection = Inspection.objects.get()
    assert inspection.hazards.get().description == "灭火器过期"
    assert page.evaluate(OUTBOX_KEYS) == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_submission_is_shown_with_its_message_and_not_retried(browser, live_server, world):  # noqa: F811
    """A scan kept offline whose code is revoked before the network returns: the 404's message is shown
    on the kept entry, it is not sent again (not on "send now", not on the next page), and the user
    removes it."""
    from django.utils import timezone

    from risk_reports.models import ChanganCode

    point = make_point(world.e_hutang, category="dust_collector", name="布袋除尘器", check_items=ITEMS)
    other = make_point(world.e_hutang, category="dust_collector", name="打磨工位", check_items=ITEMS)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" and "/api/v1/scans/" in r.url else None)
    _login(page, live_server, "staff")
    page.goto(f"{live_server.url}/c/{point.codes.get().token}/")
    context.set_offline(True)
    _answer(page)
    page.click("#scan-submit")
    expect(page.locator("#outbox-count")).to_have_text("1")
    ChanganCode.objects.filter(point=point).update(revoked_at=timezone.now())  # the label was replaced
    context.set_offline(False)
    entry = page.locator("#outbox-list li")
    expect(entry).to_contain_text("此码无效或已停用")
    expect(entry).to_have_attribute("data-state", "failed")
    expect(page.locator("#outbox-count")).to_have_text("0")
    attempts = len(sent)
    page.goto(f"{live_server.url}/c/{other.codes.get().token}/")  # another point's page lists it, sends nothing
    expect(page.locator("#outbox-list li")).to_have_count(1)
    page.wait_for_timeout(300)
    assert len(sent) == attempts and Scan.objects.count() == 0
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#outbox-list .outbox-remove").click()
    expect(page.locator("#outbox")).to_be_hidden()
    assert page.evaluate(OUTBOX_KEYS) == []
    context.close()
