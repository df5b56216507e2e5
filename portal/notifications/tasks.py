from celery import shared_task

from . import services


@shared_task(name="portal.notifications.tasks.notifications_dispatch", acks_late=True)
def notifications_dispatch(limit=500, batches=20):
    """Send the outbox's e-mail / SMS copies (queued after each send; also a periodic safety net)."""
    handled = 0
    for _ in range(batches):
        taken = services.notifications_dispatch(limit=limit)
        handled += taken
        if taken < limit:
            break
    return handled
