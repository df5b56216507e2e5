"""A real Celery worker on Redis for the tests that need one (``REDIS_URL``, which `make test` and CI
set; without it they fail, never skip): a subprocess on the test database, on a queue of its own."""
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def new_queue():
    return f"test-{uuid.uuid4().hex[:8]}"


def start_worker(settings, queue, loglevel="WARNING", **extra_env):
    """A solo worker consuming ``queue`` on the test database; ``extra_env`` adds settings by
    environment (e.g. ``CELERY_VISIBILITY_TIMEOUT``)."""
    redis_url = os.environ.get("REDIS_URL")
    assert redis_url, "REDIS_URL is not set: the worker tests need Redis (make test sets it)"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DB_CONN_MAX_AGE": "0",
        **{k: str(v) for k, v in extra_env.items()},
    }
    # the log goes to a file: a pipe nobody reads fills up and stalls the worker
    log = tempfile.NamedTemporaryFile(prefix="worker-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "solo", "-Q", queue, "--without-heartbeat",
         "--without-gossip", "--without-mingle", "-l", loglevel],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log_path = log.name
    log.close()
    return proc


def worker_log(proc):
    """What the worker printed so far."""
    return Path(proc.log_path).read_text(errors="replace")


def stop_worker(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
