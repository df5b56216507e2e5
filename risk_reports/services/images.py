"""An image attached to a record of this app (a dust site's cleaning photo, a site's floor plan):
what the bytes are decides, never the file name; a file over the caller's limit, a PDF or anything
that is not a JPEG, PNG or WebP image is refused with a Chinese message and nothing is stored. The
image is checked and re-encoded by the one upload validator (``portal.attachments.services``), which
also takes PDFs: an image-only record refuses them here, before they are stored."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.attachments.services import attachment_create, max_bytes


def image_check(file, *, limit=None):
    """``ValidationError`` unless ``file`` is within ``limit`` bytes (default: the portal's attachment
    limit) and not a PDF; the image check itself is ``attachment_create``'s, on the same bytes."""
    limit = limit or max_bytes()
    name = getattr(file, "name", "") or ""
    if file is None:
        raise ValidationError(_("Choose an image file."))
    declared = getattr(file, "size", None)
    if declared is not None and declared > limit:
        raise ValidationError(_("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": _mb(limit)})
    if hasattr(file, "seek"):
        file.seek(0)
    data = b"".join(file.chunks()) if hasattr(file, "chunks") else file.read()
    if len(data) > limit:
        raise ValidationError(_("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": _mb(limit)})
    if not data:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    if data.startswith(b"%PDF-"):
        raise ValidationError(_("“%(name)s” is a PDF: upload an image (JPEG, PNG or WebP).") % {"name": name})
    if hasattr(file, "seek"):
        file.seek(0)


def _mb(limit):
    return f"{round(limit / (1024 * 1024), 2):g}"  # 5 MB as "5", 0.01 MB as "0.01"


def image_attach(*, owner, file, by, limit=None):
    """The checked, re-encoded image (an ``Attachment`` of ``owner``). Call inside the caller's
    transaction: a refusal raises before anything is stored."""
    image_check(file, limit=limit)
    try:
        return attachment_create(owner=owner, file=file, by=by)
    except ValidationError:  # size, emptiness and PDF were checked above: the bytes are no image we take
        raise ValidationError(_("“%(name)s” is not an image (JPEG, PNG or WebP), or is damaged.") % {
            "name": getattr(file, "name", "") or ""}) from None
