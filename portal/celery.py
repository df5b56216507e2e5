"""The Celery app. With ``REDIS_URL`` set it uses Redis; without it, tasks run eagerly in process
(the embedded default). Every installed app's ``tasks`` module is discovered, and the beat schedule
is every app's declared ``periodic_jobs`` (``portal.appconfig``), made once the apps are loaded."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # the tasks module of each app in INSTALLED_APPS


def periodic_jobs():
    from .appconfig import declared_periodic_jobs

    return declared_periodic_jobs()


@app.on_after_finalize.connect
def _beat_schedule(sender, **kwargs):
    """Beat (and a worker with ``-B``) finalises the app after Django has loaded the apps."""
    sender.conf.beat_schedule = periodic_jobs()
