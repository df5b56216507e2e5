from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import AccessLog


@shared_task(name="portal.accounts.tasks.access_log_purge")
def access_log_purge():
    """Drop access-log rows past the retention period (never less than 6 months)."""
    cutoff = timezone.now() - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    deleted, _ = AccessLog.objects.filter(at__lt=cutoff).delete()
    return deleted
