"""Issue 11's "Done when" for dust cleaning, in real headless Chromium on the real clock: an employee's
phone opens a key dust site's code (its QR's URL), signs in, takes the day's photo (its EXIF time read in
the browser), uploads it through the page's outbox — and the photo counts for the day: the site's page
says today's photo is in, the enterprise page's dust section shows the site done with its photo, and the
upload rate of the day is 1/1. Debian's /usr/bin/chromium through Playwright; it never skips."""
import datetime
import io
import os
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from portal.figures import registry
from portal.figures.periods import Period
from risk_reports.models import DustUpload
from tests.factories import PASSWORD
from tests.test_browser import _login, browser  # noqa: F401  (the Chromium fixture)

from .dust_factories import make_site

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True, "has_touch": True}


def _todays_photo(tmp_path):
    """A 2000 × 1500 JPEG of a swept floor, taken (EXIF DateTimeOriginal) a minute ago, local time."""
    image = Image.new("RGB", (2000, 1500), (150, 150, 140))
    draw = ImageDraw.Draw(image)
    for x in range(0, 2000, 120):
        draw.rectangle([x, 900, x + 70, 1500], fill=(200, 200, 190))
    taken = datetime.datetime.now(ZoneInfo("Asia/Shanghai")) - datetime.timedelta(minutes=1)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    path = tmp_path / "clean.jpg"
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_photo_uploaded_by_scanning_the_sites_code_counts_for_the_day(browser, live_server, world,  # noqa: F811
                                                                        tmp_path):
    today = timezone.localdate()
    if timezone.localtime().hour == 0 and timezone.localtime().minute < 2:
        pytest.fail("run a minute later: the photo taken a minute ago would be of yesterday")
    site = make_site(world.e_hutang, "抛光车间")
    assert site.created_on == today

    # the principal's desk: the enterprise page's dust section shows the site missing today
    desk = browser.new_context(locale="zh-CN")
    office = desk.new_page()
    _login(office, live_server, "principal")
    office.goto(f"{live_server.url}/enterprises/{world.e_hutang.pk}/")
    expect(office.locator("#dust-today")).to_be_visible()
    row = office.locator("tr", has_text="抛光车间")
    expect(row).to_have_class("table-warning")

    # the employee's phone reads the posted label's QR: the site's URL; signed out, it asks to sign in
    context = browser.new_context(**PHONE)
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/c/{site.token}/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("#site-name")).to_have_text("抛光车间")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391

    # the day's photo, shrunk in the browser with its own time, through the outbox
    page.set_input_files("#dust-photo", _todays_photo(tmp_path))
    expect(page.locator("#dust-photo-status")).to_contain_text("1")
    page.click("#dust-submit")
    expect(page.locator("#dust-done")).to_be_visible()
    expect(page.locator("#dust-problem")).to_be_hidden()
    upload = DustUpload.objects.get(site=site)
    assert upload.day == today and upload.counts and not upload.flagged, upload.flag_reason
    assert upload.by.username == "staff" and upload.photo is not None
    assert max(upload.photo.width, upload.photo.height) == 1600  # shrunk in the browser
    assert timezone.localtime(upload.taken_at).date() == today
    assert outside == []

    # it counts for the day: the site's page, the enterprise page, the upload rate
    # opening the code again may give the phone's cached copy (kept for use offline), which asks the
    # server for the day's status as it opens
    page.goto(page.url.split("?")[0])
    expect(page.locator("#dust-current")).to_be_visible()
    office.reload()
    row = office.locator("tr", has_text="抛光车间")
    expect(row).not_to_have_class("table-warning")
    expect(row.locator("a[href*='/attachments/']")).to_have_count(1)
    rate = registry.get("risk.dust_upload_rate")(world.wujin, Period(today, today))[world.hutang.path]
    assert (rate.numerator, rate.denominator) == (1, 1)
    context.close()
    desk.close()
