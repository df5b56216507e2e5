"""A background job run by a real Celery worker through Redis (REDIS_URL, which `make test` and
CI set). Without Redis this fails: it never skips."""
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from portal.celery import app as celery_app
from portal.jobs.models import Job

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def worker(settings):
    redis_url = os.environ.get("REDIS_URL")
    assert redis_url, "REDIS_URL is not set: the worker test needs Redis (make test sets it)"
    db = connection.settings_dict
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DB_CONN_MAX_AGE": "0",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "solo", "-Q", queue, "--without-heartbeat",
         "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield proc
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


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
