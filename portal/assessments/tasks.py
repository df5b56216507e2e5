"""The quarter's Celery tasks: one per part of a snapshot, and the beat job that freezes the
quarter just ended for every top region."""
import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="portal.assessments.tasks.snapshot_part", bind=True, acks_late=True, reject_on_worker_lost=True)
def snapshot_part(self, snapshot_id, region_id):
    """One district's figures into a building snapshot. Acknowledged late and requeued when its
    worker is lost, so another worker computes the part again (a part replaces what it wrote);
    an error fails the snapshot and the previous one stays current."""
    try:
        return services.snapshot_part(snapshot_id, region_id)
    except Exception as error:  # noqa: BLE001 - any error fails the run; it is logged and re-raised
        services.snapshot_fail(snapshot_id, f"{type(error).__name__}: {error}")
        raise


@shared_task(name="portal.assessments.tasks.snapshot_last_quarter")
def snapshot_last_quarter(today=None):
    """Freeze the quarter before the one containing ``today`` (ISO date; the beat passes none: the
    portal's today) for every top region. Returns the snapshots' ids."""
    from grid.models import Region
    from portal.figures.periods import Period

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    period = Period.containing(day).previous()
    out = []
    for region in Region.objects.filter(parent__isnull=True).order_by("order", "code"):
        out.append(services.snapshot_request(region=region, period=period, by=None, today=day).pk)
    return out


@shared_task(name="portal.assessments.tasks.snapshots_fail_stale")
def snapshots_fail_stale():
    return services.snapshot_fail_stale()
