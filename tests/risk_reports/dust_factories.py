"""Dust sites and photos for tests, made through the services."""
import datetime
import io
import secrets

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from risk_reports.models import DustSite, DustUpload
from risk_reports.services.dust import dust_site_create

TZ = datetime.timezone(datetime.timedelta(hours=8))


def make_site(enterprise, name="抛光车间", *, created_on=None):
    site = dust_site_create(enterprise=enterprise, by=None, name=name)
    if created_on is not None:
        DustSite.objects.filter(pk=site.pk).update(created_on=created_on)
        site.refresh_from_db()
    return site


def photo(seed=1, *, taken=None, name="clean.jpg", size=(320, 240)):
    """A JPEG whose picture depends on ``seed`` (different seeds: different perceptual hashes), with
    ``taken`` (a naive local datetime) as its EXIF time."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    rnd = __import__("random").Random(seed)
    for _ in range(12):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        draw.rectangle([x, y, x + rnd.randrange(20, 120), y + rnd.randrange(20, 120)],
                       fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    out = io.BytesIO()
    exif = Image.Exif()
    if taken is not None:
        exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def at(day, hour=9):
    return datetime.datetime.combine(day, datetime.time(hour), TZ)


def make_upload(site, by, day, *, sent_back=False):
    """A counting photo row of ``site`` for ``day`` without a file (figures and escalation tests)."""
    return DustUpload.objects.create(
        site=site, enterprise_id=site.enterprise_id, township_id=site.enterprise.township_id, day=day, by=by,
        uploaded_at=at(day), taken_at=at(day), client_key=secrets.token_urlsafe(16), payload_hash="test",
        sent_back_at=timezone.now() if sent_back else None, sent_back_reason="模糊" if sent_back else "")
