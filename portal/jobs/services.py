"""Start and run background jobs. Apps register a handler per job kind::

    @jobs.handler("enterprises.export")
    def export_roster(job, progress):
        ...  # call progress(done, total) now and then
        return JobResult(content=b"...", file_name="名录.xlsx", result={"rows": 33000})

A job is claimed with a conditional UPDATE (queued → running), so a redelivered task never runs it twice.
A running job reports a heartbeat with its progress; one whose worker died (killed for its memory,
a restart) stops reporting and is marked failed by ``jobs_fail_stale`` — when its task comes back
redelivered, when someone reads it, and from a periodic sweep — rather than staying "running".
"""
from dataclasses import dataclass, field
from datetime import timedelta
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job

log = logging.getLogger(__name__)
_handlers = {}


@dataclass
class JobResult:
    content: bytes | None = None
    file_name: str = ""
    result: dict = field(default_factory=dict)
    message: str = ""


class JobFailed(Exception):
    """Raised by a handler with a message for the user (already translated)."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.message = message
        self.result = result or {}


def handler(kind):
    def register(fn):
        _handlers[kind] = fn
        return fn
    return register


def job_create(*, owner, kind, title, params=None):
    """A queued job that nobody runs yet: ``job_queue`` it, or ``job_run`` it in the request."""
    if kind not in _handlers:
        raise ValueError(f"no handler for job kind {kind!r}")
    return Job.objects.create(owner=owner, kind=kind, title=title, params=params or {})


def job_queue(job):
    """Hand the job to a worker once the surrounding transaction commits."""
    from .tasks import job_run

    transaction.on_commit(lambda: job_run.delay(job.pk))
    return job


def job_start(*, owner, kind, title, params=None):
    """Create a job and queue it once the surrounding transaction commits."""
    return job_queue(job_create(owner=owner, kind=kind, title=title, params=params))


def stale_cutoff(now=None):
    return (now or timezone.now()) - timedelta(minutes=settings.JOB_STALE_MINUTES)


def jobs_fail_stale(*, jobs=None, now=None):
    """Mark failed the running jobs (of ``jobs``, default all) that have not reported since
    JOB_STALE_MINUTES: their worker died. Returns how many."""
    now = now or timezone.now()
    cutoff = stale_cutoff(now)
    stale = (Job.objects.all() if jobs is None else jobs).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
    return _fail_dead(stale, now)


def _fail_dead(jobs, now):
    return jobs.filter(state=Job.State.RUNNING).update(state=Job.State.FAILED, finished_at=now, message=_(
        "The job stopped unexpectedly (the background worker ended while running it). Nothing of it was "
        "saved; please start it again, or split a large file into smaller ones."))


def job_run(*, job_id, redelivered=False):
    """Run a queued job. ``redelivered``: Celery hands the task out again because the worker that
    had it died — the job it left running is failed, not run again (the same file would kill the
    next worker too)."""
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, heartbeat_at=timezone.now())
    if claimed != 1:
        if redelivered:
            _fail_dead(Job.objects.filter(pk=job_id), timezone.now())
        return None
    job = Job.objects.select_related("owner").get(pk=job_id)

    def progress(done, total=None):
        fields = {"done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = total
        Job.objects.filter(pk=job.pk).update(**fields)

    try:
        outcome = _handlers[job.kind](job, progress)
    except JobFailed as exc:
        Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, message=exc.message, result=exc.result,
                                             finished_at=timezone.now())
        return job.pk
    except Exception:
        log.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, message=_("The job failed; please try again or tell the administrator."),
                                             finished_at=timezone.now())
        return job.pk
    job.refresh_from_db()
    if outcome.content is not None:
        job.file.save(outcome.file_name, ContentFile(outcome.content), save=False)
        job.file_name = outcome.file_name
    job.state = Job.State.DONE
    job.result = outcome.result
    job.message = outcome.message
    job.done = max(job.done, job.total)
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "file_name", "state", "result", "message", "done", "finished_at"])
    return job.pk


def job_purge(*, older_than):
    """Delete finished jobs (and their files) older than ``older_than``."""
    count = 0
    for job in Job.objects.filter(finished_at__lt=older_than).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
