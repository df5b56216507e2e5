"""The one upload validator: what the bytes are decides, never the file name.

Images (JPEG, PNG, WebP) are re-encoded to JPEG, turned upright from their EXIF orientation and
shrunk for phones; all other metadata is dropped except the capture time, kept in ``taken_at``.
PDFs (``%PDF-`` magic) are stored as they are. Anything else is refused; nothing is stored then."""
import datetime
import hashlib
import io
import os

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .models import Attachment

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
JPEG_QUALITY = 82
EXIF_IFD = 0x8769
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_DATETIME = 0x0132


def max_bytes():
    return int(getattr(settings, "ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


def max_pixels():
    return int(getattr(settings, "ATTACHMENT_MAX_PIXELS", 1600))


def _read(file):
    if hasattr(file, "seek"):
        file.seek(0)
    if hasattr(file, "chunks"):
        return b"".join(file.chunks())
    return file.read()


def _taken_at(image):
    """The EXIF capture time (DateTimeOriginal, else DateTime) as an aware datetime, or None.

    EXIF holds local wall time without a zone: it is read in the portal's time zone."""
    try:
        exif = image.getexif()
        raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
    except Exception:
        return None
    if not raw:
        return None
    try:
        naive = datetime.datetime.strptime(str(raw).strip("\x00 ").strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _load_whole(image):
    """Decode ``image``, refusing a truncated file. WeasyPrint turns on Pillow's process-wide
    ``LOAD_TRUNCATED_IMAGES`` when it is imported (the first PDF rendered), after which ``load()``
    pads a cut-off photo with grey instead of failing: the flag is set off for this decode."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _image(data):
    """``(jpeg_bytes, width, height, taken_at)`` or None when the bytes are not an image we take."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in IMAGE_FORMATS:
                return None
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            _load_whole(image)  # verify() does not decode: a truncated file fails here
            taken_at = _taken_at(image)
            upright = ImageOps.exif_transpose(image)
            if upright.mode not in ("RGB", "L"):
                if upright.mode in ("RGBA", "LA", "P") or "A" in upright.getbands():
                    rgba = upright.convert("RGBA")
                    upright = Image.new("RGB", rgba.size, "white")
                    upright.paste(rgba, mask=rgba.getchannel("A"))
                else:
                    upright = upright.convert("RGB")
            limit = max_pixels()
            upright.thumbnail((limit, limit), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            # no exif= argument: every other tag (GPS, camera, orientation) is dropped
            upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
            return out.getvalue(), upright.width, upright.height, taken_at
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def _stored_name(original, extension):
    stem = os.path.splitext(os.path.basename(original or ""))[0] or "file"
    return f"{stem[:80]}{extension}"


@transaction.atomic
def attachment_create(*, owner, file, by) -> Attachment:
    """Validate ``file`` by its bytes and attach it to ``owner`` (any model instance).

    Raises ``ValidationError`` and stores nothing when the file is too large, not a JPEG/PNG/WebP
    image or a PDF, or damaged."""
    if owner is None or owner.pk is None:
        raise ValidationError(_("Save the record before attaching files to it."))
    limit = max_bytes()
    declared = getattr(file, "size", None)
    if declared is not None and declared > limit:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    data = _read(file)
    if len(data) > limit:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    if not data:
        raise ValidationError(_("The file is empty."))
    original = os.path.basename(getattr(file, "name", "") or "") or "file"
    width = height = taken_at = None
    if data.startswith(b"%PDF-"):
        content, mime, extension = data, Attachment.Kind.PDF, ".pdf"
    else:
        image = _image(data)
        if image is None:
            raise ValidationError(
                _("Only photos (JPEG, PNG or WebP) and PDF files can be uploaded; "
                  "“%(name)s” is neither, or is damaged.") % {"name": original})
        content, width, height, taken_at = image
        mime, extension = Attachment.Kind.JPEG, ".jpg"
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(owner, for_concrete_model=True),
        object_id=owner.pk, original_name=original[:255], mime_type=mime, size=len(content),
        width=width, height=height, taken_at=taken_at, sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by)
    attachment.file.save(_stored_name(original, extension), ContentFile(content), save=False)
    try:
        attachment.full_clean(exclude=["file"])
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
