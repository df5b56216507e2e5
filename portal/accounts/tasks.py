from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import AccessLog


@shared_task(name="portal.accounts.tasks.access_log_purge")
def access_log_purge(at=None):
    """Drop access-log rows past the retention period (never less than 6 months) as of ``at`` (an
    ISO date-time; the periodic job passes none: now)."""
    now = datetime.fromisoformat(at) if at else timezone.now()
    cutoff = now - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    deleted, _ = AccessLog.objects.filter(at__lt=cutoff).delete()
    return deleted
