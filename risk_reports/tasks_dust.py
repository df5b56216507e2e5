"""The nightly dust-cleaning escalation (imported from ``RiskReportsConfig.ready()``, so the worker
knows it): a thin, idempotent wrapper taking its day as an ISO date."""
import datetime

from celery import shared_task
from django.utils import timezone


@shared_task(name="risk_reports.dust_escalate", autoretry_for=(Exception,), max_retries=3, retry_backoff=60)
def dust_escalate(day=None):
    """Escalate the missing photos of ``day`` (default: yesterday, the day that just ended)."""
    from .services.dust import dust_escalate as escalate

    on = datetime.date.fromisoformat(day) if day else timezone.localdate() - datetime.timedelta(days=1)
    return {str(k): v for k, v in escalate(day=on).items()}
