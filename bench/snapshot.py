#!/usr/bin/env python
"""The quarter's snapshot of the whole city (issue 10, "Speed") on the seed-scale city of
``bench/risk_figures.py``, beside one plain SQL pass over the quarter's scans.

    .venv/bin/python bench/snapshot.py [--database portal_bench_risk] [--quarter 2026Q3] [--workers 1,2]

Reuses the database ``bench/risk_figures.py --keep`` left (build it first: ``bench/risk_figures.py
--keep``; about 7 minutes on the 2-core machine). Prints, never asserts:

1. the plain SQL pass: the quarter's scans counted per township (``GROUP BY township_id``);
2. in process, no worker: each district's part (every registered figure for its townships, in one
   ``registry.batch``) timed one after the other, and the finishing step; the sum;
3. through real Celery workers on Redis (``$REDIS_URL`` or redis://127.0.0.1:6379/8), with 1 and
   with 2 worker processes (``-P solo`` each): from the request to the snapshot current, wall time;
4. the ratios to the SQL pass. Goal: the whole city under 60 s. Two cores are no promise of a
   speed-up: PostgreSQL runs on the same two.
"""
import argparse
import datetime
import importlib.util
import os
from pathlib import Path
import subprocess
import sys
import tempfile
import time

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))


def _roster_bench():
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sql_pass(period):
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT township_id, count(*) FROM risk_reports_scan WHERE done_on BETWEEN %s AND %s "
                    "GROUP BY township_id", [period.start, period.end])
        rows = cur.fetchall()
    return time.perf_counter() - started, sum(n for _t, n in rows)


def in_process(city, period):
    """Every part computed here, one after the other; ``[(district, seconds)]`` and the finish."""
    from portal.assessments import services
    from portal.assessments.models import Snapshot

    snapshot = Snapshot.objects.create(region=city, period=str(period), period_start=period.start,
                                       period_end=period.end, parts_expected=city.children.count(),
                                       computed_on=datetime.date.today())
    out = []
    for district in city.children.order_by("order", "code"):
        started = time.perf_counter()
        services.snapshot_part(snapshot.pk, district.pk)
        out.append((district.name, time.perf_counter() - started))
    snapshot.refresh_from_db()
    return out, snapshot


def with_workers(city, period, n, database_url, redis_url):
    """Request the snapshot and wait until it is current, with ``n`` solo workers on a fresh queue."""
    from portal.assessments import services
    from portal.assessments.models import Snapshot
    from portal.celery import app

    queue = f"bench-{os.getpid()}-{n}"
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "DB_CONN_MAX_AGE": "0"}
    log = tempfile.NamedTemporaryFile(prefix="bench-worker-", suffix=".log", delete=False)
    workers = [subprocess.Popen([sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "solo", "-Q", queue,
                                 "-n", f"bench{i}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle",
                                 "-l", "WARNING"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
               for i in range(n)]
    try:
        time.sleep(4)  # the workers start (Django set-up) before the clock starts
        app.conf.task_always_eager = False
        app.conf.task_default_queue = queue
        Snapshot.objects.filter(region=city, period=str(period), state=Snapshot.State.BUILDING).update(
            state=Snapshot.State.FAILED)
        started = time.perf_counter()
        snapshot = services.snapshot_request(region=city, period=period, by=None)
        while True:
            snapshot.refresh_from_db()
            if snapshot.state != Snapshot.State.BUILDING:
                break
            if time.perf_counter() - started > 900:
                return None, "timed out"
            time.sleep(0.2)
        return time.perf_counter() - started, snapshot.state
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="portal_bench_risk")
    parser.add_argument("--quarter", default="", help="e.g. 2026Q3 (default: the last complete quarter)")
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()

    rb = _roster_bench()
    params = rb.server_params()
    database_url = rb.database_url(params, args.database)
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/8"
    os.environ["DATABASE_URL"], os.environ["REDIS_URL"] = database_url, redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from grid.models import Region
    from portal.assessments.models import SnapshotValue
    from portal.figures import registry
    from portal.figures.periods import QUARTER, Period

    period = (Period.parse(args.quarter, QUARTER) if args.quarter
              else Period.containing(datetime.date.today()).previous())
    city = Region.objects.get(level=Region.Level.CITY)
    districts = city.children.count()
    townships = Region.objects.filter(level=Region.Level.TOWNSHIP).count()
    figures = [f.name for f in registry.all() if f.resolve is None]
    rb.print_table("Machine", [("item", "value")] + rb.machine())

    sql_seconds, scans = sql_pass(period)
    sql_seconds = min(sql_seconds, sql_pass(period)[0])
    print(f"\n1. Plain SQL: {scans:,} scans of {period} counted per township: {sql_seconds:.2f} s (best of 2)")

    parts, snapshot = in_process(city, period)
    total = sum(s for _d, s in parts)
    rows = [("district", "s")] + [(d, f"{s:.1f}") for d, s in parts] + [("all parts and the finish", f"{total:.1f}")]
    rb.print_table(f"2. In process: {len(figures)} figures × {districts} districts and {townships} townships, "
                   f"{SnapshotValue.objects.filter(snapshot=snapshot).count():,} values; ratio to SQL "
                   f"{total / sql_seconds:.1f}×", rows)

    rows = [("workers", "request → current (s)", "state", "ratio to SQL")]
    for n in [int(x) for x in args.workers.split(",") if x]:
        seconds, state = with_workers(city, period, n, database_url, redis_url)
        rows.append((str(n), "—" if seconds is None else f"{seconds:.1f}", state,
                     "—" if seconds is None else f"{seconds / sql_seconds:.1f}×"))
    rb.print_table("3. Through Celery workers on Redis (goal: under 60 s)", rows)


if __name__ == "__main__":
    main()
