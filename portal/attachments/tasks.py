"""Clean-up of files no attachment row points at.

``attachment_create`` writes its file before the surrounding transaction commits; when that
transaction rolls back (a bad finding further down an inspection, say) the row vanishes and the
file stays. This daily job removes such files once they are old enough that no transaction can
still be writing them."""
import datetime
import os

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from .models import Attachment

UPLOAD_ROOT = "attachments"


def _walk(storage, path):
    dirs, files = storage.listdir(path)
    for name in files:
        yield f"{path}/{name}"
    for name in dirs:
        yield from _walk(storage, f"{path}/{name}")


def attachments_orphans_clean(*, older_than_hours=None, storage=None):
    """Delete files under ``attachments/`` older than the grace period that no ``Attachment``
    names. Returns the number deleted."""
    storage = storage or default_storage
    hours = older_than_hours if older_than_hours is not None else settings.ATTACHMENT_ORPHAN_GRACE_HOURS
    if not storage.exists(UPLOAD_ROOT):
        return 0
    cutoff = timezone.now() - datetime.timedelta(hours=hours)
    candidates = [p for p in _walk(storage, UPLOAD_ROOT) if storage.get_modified_time(p) < cutoff]
    known = set()
    for start in range(0, len(candidates), 1000):
        chunk = candidates[start:start + 1000]
        known.update(Attachment.objects.filter(file__in=chunk).values_list("file", flat=True))
    deleted = 0
    for path in candidates:
        if path not in known:
            storage.delete(path)
            deleted += 1
    return deleted


@shared_task(name="portal.attachments.tasks.attachments_orphans_purge")
def attachments_orphans_purge():
    return attachments_orphans_clean()
