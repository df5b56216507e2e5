"""The day's dust cleaning photo: uploaded by scanning a site's code (the page and the API), validated,
flagged, spot-checked and sent back; bad input says why in Chinese and changes nothing."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from portal.attachments.models import Attachment
from portal.notifications.models import Notification
from portal.sampling.services import sample_replay
from risk_reports.models import DustSite, DustUpload, FlagReason
from risk_reports.services.dust import (dust_sample_draw, dust_site_create, dust_upload_send_back,
                                        dust_upload_submit, duty_roster_add)
from risk_reports.services.scans import CodeRefused
from tests.enterprises.factories import make_enterprise, make_enterprise_user

from .dust_factories import at, make_site, photo

TODAY = datetime.date(2026, 11, 16)  # the pinned clock's day
NOW = at(TODAY, 9)


def submit(site, by, pic, key="key-00000001", **kw):
    return dust_upload_submit(token=site.token, by=by, photo=pic, uploaded_at=kw.pop("uploaded_at", NOW),
                              client_key=key, **kw)


@pytest.fixture
def site(world):
    return make_site(world.e_hutang)


def test_a_photo_of_today_counts_and_is_not_flagged(world, site):
    upload = submit(site, world.staff, photo(1, taken=datetime.datetime(2026, 11, 16, 8, 50)))
    assert (upload.day, upload.flagged, upload.counts) == (TODAY, False, True)
    assert upload.photo.mime_type == "image/jpeg" and len(upload.phash) == 16
    assert upload.township == world.hutang


def test_flags_no_time_another_day_and_a_repeat(world, site):
    other = make_site(world.e_hutang, "喷粉房")
    assert submit(site, world.staff, photo(2), key="key-00000002").flag_reason == FlagReason.NO_TIME
    assert submit(other, world.staff, photo(3, taken=datetime.datetime(2026, 11, 10, 8)),
                  key="key-00000003").flag_reason == FlagReason.OTHER_DAY


def test_repeat_of_an_earlier_photo_of_the_enterprise(world, site):
    other = make_site(world.e_hutang, "喷粉房")
    first = submit(site, world.staff, photo(5, taken=datetime.datetime(2026, 11, 16, 8)), key="key-00000005")
    second = submit(other, world.staff, photo(5, taken=datetime.datetime(2026, 11, 16, 8), name="x.png"),
                    key="key-00000006")
    assert (second.flagged, second.flag_reason, second.repeats_id) == (True, FlagReason.REPEAT, first.pk)


def test_the_browser_read_time_counts_when_the_shrunk_photo_lost_its_exif(world, site):
    upload = submit(site, world.staff, photo(7), photo_time="2026-11-16T08:30:00")
    assert upload.flagged is False and upload.taken_at is not None


def test_a_retried_key_returns_the_first_upload(world, site):
    pic = photo(8, taken=datetime.datetime(2026, 11, 16, 8))
    first = submit(site, world.staff, pic)
    assert submit(site, world.staff, pic).pk == first.pk
    assert DustUpload.objects.count() == 1


def test_one_counting_photo_a_day_and_a_new_one_after_sending_back(world, site):
    first = submit(site, world.staff, photo(9, taken=datetime.datetime(2026, 11, 16, 8)))
    with pytest.raises(ValidationError):
        submit(site, world.staff, photo(10, taken=datetime.datetime(2026, 11, 16, 8)), key="key-00000010")
    dust_upload_send_back(upload=first, by=world.inspector, reason="照片模糊，看不清地面")
    assert Notification.objects.filter(user=world.staff, kind="risk.dust_sent_back").count() == 1
    again = submit(site, world.staff, photo(11, taken=datetime.datetime(2026, 11, 16, 9)), key="key-00000011")
    assert again.counts and DustUpload.objects.filter(site=site, day=TODAY, sent_back_at__isnull=True).get() == again


def test_only_the_township_sends_back_and_says_why(world, site):
    upload = submit(site, world.staff, photo(12, taken=datetime.datetime(2026, 11, 16, 8)))
    with pytest.raises(PermissionDenied):
        dust_upload_send_back(upload=upload, by=world.principal, reason="x")
    with pytest.raises(PermissionDenied):
        dust_upload_send_back(upload=upload, by=world.luoyang_inspector, reason="x")
    with pytest.raises(ValidationError):
        dust_upload_send_back(upload=upload, by=world.inspector, reason=" ")
    upload.refresh_from_db()
    assert upload.sent_back_at is None


def test_recorded_sampling_draws_from_the_townships_photos(world, site):
    for n, s in enumerate([site, make_site(world.e_hutang, "喷粉房"), make_site(world.e_hutang, "打磨间")]):
        submit(s, world.staff, photo(20 + n, taken=datetime.datetime(2026, 11, 16, 8)), key=f"key-0000002{n}")
    sample = dust_sample_draw(by=world.inspector, day_from=TODAY, day_to=TODAY, n=2, seed=42)
    assert sample.population_size == 3 and sample.drawn_size == 2 and sample_replay(sample) == sample.drawn_ids
    assert sample.region == world.hutang
    with pytest.raises(ValidationError):
        dust_sample_draw(by=world.luoyang_inspector, day_from=TODAY, day_to=TODAY, n=1)  # sees none


# -- bad input: a clear Chinese message, nothing changed -----------------------------------------------------------
def _nothing_changed():
    assert DustUpload.objects.count() == 0 and Attachment.objects.count() == 0


def test_a_photo_for_another_enterprises_site(world):
    world.e_luoyang.key_domains.add(*world.e_hutang.key_domains.all())
    theirs = make_site(world.e_luoyang, "磨粉间")
    with translation.override("zh-hans"), pytest.raises(CodeRefused) as exc:
        submit(theirs, world.staff, photo(30, taken=datetime.datetime(2026, 11, 16, 8)))
    assert "码" in exc.value.message
    _nothing_changed()


def test_a_renamed_non_image(world, site):
    fake = SimpleUploadedFile("清扫.jpg", b"MZ\x90\x00 not a photo at all" * 20, content_type="image/jpeg")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        submit(site, world.staff, fake)
    assert "清扫.jpg" in exc.value.messages[0] and "JPEG" in exc.value.messages[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.messages[0].replace("清扫", ""))
    _nothing_changed()


def test_a_photo_over_the_limit(world, site, settings):
    settings.ATTACHMENT_MAX_MB = 1
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (1024 * 1024 + 10), content_type="image/jpeg")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        submit(site, world.staff, big)
    assert "1 MB" in exc.value.messages[0] or "1MB" in exc.value.messages[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.messages[0])
    _nothing_changed()


def test_registering_sites_and_the_duty_roster(world):
    with pytest.raises(PermissionDenied):
        dust_site_create(enterprise=world.e_hutang, by=world.staff, name="抛光车间")
    with pytest.raises(PermissionDenied):
        dust_site_create(enterprise=world.e_hutang, by=world.inspector, name="抛光车间")
    with pytest.raises(ValidationError):
        dust_site_create(enterprise=world.e_hutang2, by=None, name="抛光车间")  # not a dust enterprise
    site = dust_site_create(enterprise=world.e_hutang, by=world.principal, name="抛光车间")
    with pytest.raises(ValidationError):
        dust_site_create(enterprise=world.e_hutang, by=world.principal, name="抛光车间")
    assert DustSite.objects.get() == site and len(site.token) >= 32
    row = duty_roster_add(enterprise=world.e_hutang, by=world.principal, starts_on=datetime.date(2026, 10, 1),
                          ends_on=datetime.date(2026, 10, 7), person="王值班", phone="13800000000")
    assert row.pk
    with pytest.raises(ValidationError):
        duty_roster_add(enterprise=world.e_hutang, by=world.principal, starts_on=datetime.date(2026, 10, 7),
                        ends_on=datetime.date(2026, 10, 1), person="王值班", phone="1")
