"""A background job run by a real Celery worker through Redis (REDIS_URL, which `make test` and
CI set). Without Redis this fails: it never skips."""
import time

import pytest

from portal.celery import app as celery_app
from portal.jobs.models import Job
from tests.workers import new_queue, start_worker, stop_worker


@pytest.fixture
def worker(settings):
    queue = new_queue()
    proc = start_worker(settings, queue)
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield proc
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        stop_worker(proc)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_runs_on_a_real_worker(worker):
    from portal.jobs.tasks import ping

    assert ping.delay("工贸").get(timeout=60) == "pong:工贸"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_export_runs_as_a_job_on_the_worker(worker, world, client, settings):
    from openpyxl import load_workbook

    settings.EXPORT_SYNC_MAX_ROWS = 0  # every export is "large": it must go to the worker
    client.force_login(world.bureau)
    response = client.get("/enterprises/export/")
    assert response.status_code == 302
    job = Job.objects.get(owner=world.bureau)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.5)
    assert job.state == Job.State.DONE, (job.state, job.message, worker.poll())
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    sheet = load_workbook(filename=__import__("io").BytesIO(b"".join(download.streaming_content))).worksheets[0]
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    # the Wujin bureau sees the world's three enterprises (two in 湖塘镇, one in 洛阳镇)
    assert names == {"常州湖塘机械有限公司", "常州湖塘纺织有限公司", "常州洛阳冶金有限公司"}
