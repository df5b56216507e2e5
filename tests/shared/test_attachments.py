"""Attachments: the bytes decide what a file is; a file is visible exactly when its owner is."""
import datetime
import io
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portal.attachments.models import Attachment
from portal.attachments.services import attachment_create

from tests.enterprises.factories import make_enterprise, make_enterprise_user

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def jpeg_with_exif(size=(4000, 3000), orientation=6, taken="2026:03:14 09:26:53"):
    """A landscape JPEG whose EXIF says 'rotate 90° clockwise to view' and when it was taken."""
    image = Image.new("RGB", size, "red")
    image.paste((0, 0, 255), (0, 0, size[0] // 2, size[1]))  # left half blue, to see the turn
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "TestCam"  # camera make: metadata that must be dropped
    exif.get_ifd(0x8769)[0x9003] = taken
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(settings):
    root = settings.MEDIA_ROOT / "attachments"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_jpeg_is_turned_upright_shrunk_and_keeps_only_its_capture_time(world, settings):
    attachment = attachment_create(owner=world.e_hutang, file=upload("现场照片.jpg", jpeg_with_exif()),
                                   by=world.inspector)
    # 4000×3000 turned by orientation 6 -> 3000×4000, long side shrunk to 1600 -> 1200×1600
    assert (attachment.width, attachment.height) == (1200, 1600)
    assert attachment.mime_type == "image/jpeg"
    assert attachment.taken_at == datetime.datetime(2026, 3, 14, 9, 26, 53, tzinfo=SHANGHAI)
    assert attachment.original_name == "现场照片.jpg"
    assert attachment.owner == world.e_hutang
    assert attachment.uploaded_by == world.inspector
    with attachment.file.open("rb") as f:
        data = f.read()
    assert attachment.size == len(data) and len(attachment.sha256) == 64
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG" and stored.size == (1200, 1600)
        assert not stored.getexif()  # orientation, camera and all other tags gone
        # the blue left half is now on top after the clockwise turn
        top, bottom = stored.getpixel((600, 200)), stored.getpixel((600, 1400))
    assert top[2] > 200 and top[0] < 60
    assert bottom[0] > 200 and bottom[2] < 60
    assert str(attachment.file.name).startswith("attachments/")


def test_png_becomes_jpeg(world):
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 128, 0, 128)).save(out, "PNG")
    attachment = attachment_create(owner=world.e_hutang, file=upload("plan.png", out.getvalue()), by=world.inspector)
    assert attachment.mime_type == "image/jpeg" and (attachment.width, attachment.height) == (300, 200)
    assert attachment.taken_at is None
    assert attachment.download_name == "plan.jpg"
    with attachment.file.open("rb") as f, Image.open(f) as stored:
        assert stored.format == "JPEG"


def test_pdf_is_stored_as_it_is(world):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    attachment = attachment_create(owner=world.e_hutang, file=upload("整改指令书.pdf", pdf), by=world.inspector)
    assert attachment.mime_type == "application/pdf" and attachment.width is None
    with attachment.file.open("rb") as f:
        assert f.read() == pdf
    assert attachment.size == len(pdf)


@pytest.mark.parametrize("name, data", [
    ("photo.jpg", "这不是图片".encode()),  # a text file renamed .jpg
    ("photo.jpg", jpeg_with_exif(size=(400, 300))[:2000]),  # a truncated JPEG
    ("doc.pdf", b"PK\x03\x04 a zip pretending to be a pdf"),
    ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
])
def test_what_is_not_an_image_or_pdf_is_refused_and_nothing_stored(world, settings, name, data):
    with pytest.raises(ValidationError) as error:
        attachment_create(owner=world.e_hutang, file=upload(name, data), by=world.inspector)
    assert "只能上传照片" in error.value.messages[0] and name in error.value.messages[0]
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_a_truncated_photo_is_refused_after_a_pdf_was_rendered_too(world, settings, monkeypatch):
    """WeasyPrint, once imported (the first PDF), tells Pillow to pad truncated images: the upload
    check decodes with that off all the same, and leaves the flag as it found it."""
    from PIL import ImageFile

    import weasyprint  # noqa: F401  (sets ImageFile.LOAD_TRUNCATED_IMAGES for the process)

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ValidationError):
        attachment_create(owner=world.e_hutang, file=upload("photo.jpg", jpeg_with_exif(size=(400, 300))[:2000]),
                          by=world.inspector)
    assert not Attachment.objects.exists() and ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_over_size_is_refused(world, settings):
    settings.ATTACHMENT_MAX_MB = 1
    data = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as error:
        attachment_create(owner=world.e_hutang, file=upload("big.pdf", data), by=world.inspector)
    assert "文件超过 1 MB" in error.value.messages[0]
    assert not Attachment.objects.exists()
    assert stored_files(settings) == []


def test_pixels_limit_is_a_setting(world, settings):
    settings.ATTACHMENT_MAX_PIXELS = 800
    attachment = attachment_create(owner=world.e_hutang, file=upload("a.jpg", jpeg_with_exif(orientation=1)),
                                   by=world.inspector)
    assert (attachment.width, attachment.height) == (800, 600)


@pytest.fixture
def photo(world):
    return attachment_create(owner=world.e_hutang, file=upload("湖塘 现场.jpg", jpeg_with_exif(size=(200, 100))),
                             by=world.inspector)


def get(client, user, attachment):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("attachments:download", args=[attachment.pk]))


def test_download_in_scope_inline_with_utf8_name(client, world, photo):
    response = get(client, world.inspector, photo)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline")
    assert f"filename*=utf-8''{quote('湖塘 现场.jpg')}" in disposition
    with photo.file.open("rb") as f:
        assert b"".join(response.streaming_content) == f.read()


def test_pdf_downloads_inline(client, world):
    pdf = attachment_create(owner=world.e_hutang, file=upload("order.pdf", b"%PDF-1.7\n%%EOF\n"), by=world.inspector)
    response = get(client, world.principal, pdf)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize("who", ["bureau", "grid_member", "principal", "staff", "superuser"])
def test_those_who_see_the_enterprise_see_its_photo(client, world, photo, who):
    assert get(client, getattr(world, who), photo).status_code == 200


@pytest.mark.parametrize("who", ["luoyang_inspector", "admin", "auditor"])
def test_out_of_scope_is_404(client, world, photo, who):
    assert get(client, getattr(world, who), photo).status_code == 404


def test_enterprise_user_of_another_enterprise_gets_404(client, world, photo):
    other = make_enterprise_user(make_enterprise(township=world.hutang), "principal", username="other")
    assert get(client, other, photo).status_code == 404


def test_missing_attachment_is_404_like_out_of_scope(client, world, photo):
    client.force_login(world.inspector)
    assert client.get(reverse("attachments:download", args=[photo.pk + 1000])).status_code == 404


def test_anonymous_is_sent_to_login(client, world, photo):
    response = get(client, None, photo)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_files_of_rolled_back_uploads_are_removed_after_the_grace_period(world, settings):
    """A finding that fails after its photo was written rolls back the row, not the file: the daily
    job removes such files, and never a file an attachment names."""
    import datetime as dt
    import os
    import time

    from django.db import transaction

    from portal.attachments.tasks import attachments_orphans_clean

    kept = attachment_create(owner=world.e_hutang, file=upload("kept.pdf", b"%PDF-1.4 kept"), by=world.inspector)
    try:
        with transaction.atomic():
            attachment_create(owner=world.e_hutang, file=upload("lost.pdf", b"%PDF-1.4 lost"), by=world.inspector)
            raise RuntimeError("the inspection failed further down")
    except RuntimeError:
        pass
    files = [os.path.join(d, f) for d, _s, fs in os.walk(settings.MEDIA_ROOT) for f in fs]
    assert len(files) == 2
    for path in files:  # written just now by the test's clock (the file system keeps the real one)
        os.utime(path, (time.time(), time.time()))
    assert attachments_orphans_clean() == 0  # both too young: a transaction may still be writing
    old = time.time() - 25 * 3600
    for path in files:
        os.utime(path, (old, old))
    assert attachments_orphans_clean() == 1
    left = [os.path.join(d, f) for d, _s, fs in os.walk(settings.MEDIA_ROOT) for f in fs]
    assert left == [kept.file.path]
