#!/usr/bin/env python
"""The inspections benchmark (issue 4, "Speed"): a generated district on PostgreSQL, timed.

    .venv/bin/python bench/inspections.py [--enterprises 10000] [--inspections 20000] [--hazards 200000]
        [--runs 20] [--seconds 20] [--rate 150] [--concurrency 8] [--database portal_bench_insp] [--keep] [--reuse]

Creates its own database (``portal_bench_insp`` on the server of ``$DATABASE_URL``, or on
postgres://postgres@127.0.0.1:5432), migrates it and builds 武进区 with ``--enterprises``
enterprises and the demo's year of enforcement scaled to ``--inspections`` inspections and
``--hazards`` hazards (the demo generators of ``portal/demo.py``, ``enterprises/demo.py`` and
``inspections/demo.py``; not timed), then prints — never asserts:

1. every figure registered under ``inspections.`` in ``portal.figures.registry``, for the
   district's townships and one quarter: time and queries of each, and the total wall time;
2. the hazard ledger ``/inspections/hazards/`` with filters (status, township, overdue, a name
   search, combinations), signed in as the district's bureau staff, with Django's test client in
   process: median and p95 server time, queries;
3. the field submission ``POST /api/v1/inspections/`` (JSON: every item of the general checklist
   answered, one non-compliant with its finding, two officers; a fresh Idempotency-Key each) under
   gunicorn (2 sync workers, ``DJANGO_DEBUG=0``) driven by a load generator in a second process
   (this script with ``--load``, threads, no dependency): closed loop at ``--concurrency`` for the
   most it holds, then open loop at ``--rate`` requests/s (latency counted from each request's
   scheduled start, so a server falling behind shows): requests/s, p50, p99.

A part whose page, API or figures are missing prints ``not available``. Targets and past figures:
bench/README.md.
"""
import argparse
import datetime
import importlib.util
import io
import json
import os
from pathlib import Path
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# This file is named like the app it measures: ``import inspections`` must find the app, not this.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))


def _roster_bench():
    """bench/run.py's helpers (database, machine, tables)."""
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def percentile(values, p):
    """Nearest-rank percentile of ``values`` (p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


# -- the load generator (runs in its own process: --load) -------------------------------------------
def post(url, token, body):
    """``(status, body)`` of one submission with a fresh Idempotency-Key; a new connection each time
    (gunicorn's sync workers close it after every response, as a phone's next request would reopen it)."""
    from http.client import HTTPConnection
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("POST", parts.path, body=body, headers={
            "Content-Type": "application/json", "Authorization": f"Token {token}", "Accept-Language": "zh-hans",
            "Idempotency-Key": uuid.uuid4().hex})
        response = connection.getresponse()
        return response.status, response.read()
    except OSError as exc:
        return type(exc).__name__, b""
    finally:
        connection.close()


def load(url, token, bodies, seconds, concurrency=None, rate=None):
    """POST ``bodies`` (round robin) to ``url`` for ``seconds``, a fresh Idempotency-Key each.

    Closed loop: ``concurrency`` threads, each sending its next request when the last answered.
    Open loop: a request every 1/``rate`` s on a schedule; latency from the scheduled start."""
    results, lock = [], threading.Lock()  # (start, end, status)

    def send(body):
        return post(url, token, body)[0]

    t0 = time.perf_counter()
    stop = t0 + seconds
    counter = iter(range(10 ** 9))
    if rate:
        def worker():
            while True:
                with lock:
                    i = next(counter)
                scheduled = t0 + i / rate
                if scheduled >= stop:
                    return
                pause = scheduled - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                status = send(bodies[i % len(bodies)])
                with lock:
                    results.append((scheduled, time.perf_counter(), status))
        threads = min(64, max(8, int(rate)))  # enough to keep the schedule (a late start counts as latency)
    else:
        def worker():
            while time.perf_counter() < stop:
                with lock:
                    i = next(counter)
                started = time.perf_counter()
                status = send(bodies[i % len(bodies)])
                with lock:
                    results.append((started, time.perf_counter(), status))
        threads = concurrency
    pool = [threading.Thread(target=worker, daemon=True) for _i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    ok = [(s, e) for s, e, status in results if status == 201]
    latencies = [(e - s) * 1000 for s, e in ok]
    elapsed = max((e for _s, e, _st in results), default=t0) - t0
    statuses = {}
    for _s, _e, status in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {"requests": len(results), "ok": len(ok), "seconds": round(elapsed, 2),
            "rps": round(len(ok) / elapsed, 1) if elapsed else 0.0,
            "p50": round(percentile(latencies, 50), 1), "p99": round(percentile(latencies, 99), 1),
            "max": round(max(latencies, default=float("nan")), 1), "statuses": statuses}


def load_main(args):
    bodies = json.loads(Path(args.bodies).read_text())
    encoded = [json.dumps(b, ensure_ascii=False).encode() for b in bodies]
    result = load(args.load, args.token, encoded, args.seconds, concurrency=args.concurrency,
                  rate=args.rate if args.open_loop else None)
    print(json.dumps(result))


# -- building the district -------------------------------------------------------------------------
def build(args):
    import random

    from django.db import connection, transaction
    from django.utils import timezone

    from portal import demo

    ctx = demo.DemoContext(rng=random.Random(args.seed), seed=args.seed, enterprises=args.enterprises, districts=1,
                           today=timezone.localdate(), log=lambda *a: None,
                           shared={"inspections.volumes": {"inspections": args.inspections, "hazards": args.hazards}})
    timings = []
    with transaction.atomic():
        for generator in demo.generators():
            started = time.perf_counter()
            generator.fn(ctx)
            timings.append((generator.name, time.perf_counter() - started))
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # as autovacuum would soon after a bulk load (not during the timings)
    return timings


def data_rows():
    from django.db import connection

    tables = [("enterprises", "enterprises_enterprise"), ("inspections", "inspections_inspection"),
              ("checklist answers", "inspections_inspectionanswer"), ("hazards", "inspections_hazard"),
              ("hazard events", "inspections_hazardevent"), ("extension requests", "inspections_hazardextension"),
              ("penalties", "inspections_penalty"), ("plan items", "inspections_planitem"),
              ("attachments", "attachments_attachment")]
    out = []
    with connection.cursor() as cur:
        for label, table in tables:
            cur.execute(f"SELECT count(*) FROM {table}")
            out.append((label, f"{cur.fetchone()[0]:,}"))
    return out


# -- 1. figures ------------------------------------------------------------------------------------
def figures(district, period, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.figures import registry

    names = [f for f in registry.all("inspections") if f.resolve is None]  # those that need no parameter
    if not names:
        return None, None
    rows, totals = [], []
    for _run in range(runs + 1):
        started = time.perf_counter()
        for figure in names:
            registry.compute(figure.name, district, period)
        totals.append((time.perf_counter() - started) * 1000)
    for figure in names:
        times = []
        for _i in range(runs):
            started = time.perf_counter()
            result = registry.compute(figure.name, district, period)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            registry.compute(figure.name, district, period)
        values = [r.value for r in result if r.value is not None]
        shown = f"{sum(values):,.0f}" if figure.unit != "%" else (f"{min(values)}–{max(values)}" if values else "-")
        rows.append((figure.name, f"{statistics.median(times):.0f}", len(queries), f"{shown} {figure.unit}"))
    return rows, {"first": totals[0], "median": statistics.median(totals[1:]), "p95": percentile(totals[1:], 95)}


# -- 2. the hazard ledger ----------------------------------------------------------------------------
def ledger(user, runs):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import Resolver404, resolve

    from enterprises.models import Enterprise
    from grid.models import Region

    try:
        resolve("/inspections/hazards/")
    except Resolver404:
        return None
    hutang = Region.objects.get(parent__code="320412", name="湖塘镇")
    sample = Enterprise.objects.filter(township=hutang, hazards__isnull=False, name__startswith="常州").exclude(
        name__startswith="常州市").order_by("pk").first()
    fragment = sample.name[2:4] if sample else "机械"
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    rows = []
    for name, query in [("no filter", ""), ("status = reported", "status=reported"),
                        ("township = 湖塘镇", f"township={hutang.pk}"), ("overdue", "overdue=true"),
                        (f"q = {fragment}", f"q={fragment}"),
                        ("status + township + overdue", f"status=rectifying&township={hutang.pk}&overdue=true"),
                        ("severity = major, open", "severity=major&open=true"),
                        ("all, page 50", "page=50")]:
        url = f"/inspections/hazards/?{query}"
        client.get(url)
        times = []
        for _i in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        rows.append((name, f"{statistics.median(times):.0f}", f"{percentile(times, 95):.0f}", len(queries),
                     response.status_code))
    return rows


# -- 3. the field submission under gunicorn -----------------------------------------------------------
def submission_bodies(user, n=50):
    """JSON bodies for ``n`` enterprises of the inspector's township: the general checklist, every
    item answered, GEN-12 non-compliant with its finding, two officers."""
    from django.utils import timezone

    from enterprises.models import Enterprise, Status
    from inspections.services import checklist_current

    checklist = checklist_current("general", user.region)
    items = list(checklist.items.order_by("order", "code"))
    failed = next((i for i in items if i.code == "GEN-12"), items[0])
    today = timezone.localdate()
    bodies = []
    for enterprise in Enterprise.objects.filter(township=user.region).exclude(status=Status.DEREGISTERED)[:n]:
        bodies.append({
            "enterprise": enterprise.pk, "kind": "enforcement", "inspected_on": today.isoformat(),
            "checklist": checklist.pk, "summary": "检查发现问题1项，已责令限期整改。",
            "answers": [{"item": i.pk, "result": "fail" if i == failed else "pass",
                         "note": "灭火器压力不足" if i == failed else ""} for i in items],
            "findings": [{"item_code": failed.code, "description": "车间灭火器压力不足，部分安全出口被货物堵塞",
                          "location": "一号车间", "deadline": (today + datetime.timedelta(days=15)).isoformat()}],
            "officers": [[user.full_name or "周晓东", "32041201101"], ["陈志强", "32041201102"]],
        })
    return bodies


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def submission(args, user, database_url):
    from django.urls import Resolver404, resolve
    from rest_framework.authtoken.models import Token

    try:
        match = resolve("/api/v1/inspections/")
        if "post" not in getattr(match.func, "actions", {}):
            return "not available: /api/v1/inspections/ takes no POST"
    except Resolver404:
        return "not available: /api/v1/inspections/ does not resolve"
    token, _created = Token.objects.get_or_create(user=user)
    bodies = submission_bodies(user)
    bodies_file = Path(f"/tmp/bench_inspections_{os.getpid()}.json")
    bodies_file.write_text(json.dumps(bodies, ensure_ascii=False))
    port = free_port()
    log = Path(f"/tmp/bench_inspections_gunicorn_{os.getpid()}.log")
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
                               "--workers", "2", "--error-logfile", str(log)], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}/api/v1/inspections/"
    out = []
    try:
        for _i in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        status, body = post(url, token.key, json.dumps(bodies[0]).encode())
        if status != 201:
            return f"not available: the first submission answered {status} {body[:300].decode(errors='replace')}"

        def drive(label, extra):
            command = [sys.executable, str(Path(__file__).resolve()), "--load", url, "--token", token.key,
                       "--bodies", str(bodies_file), "--seconds", str(args.seconds), *extra]
            result = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
            out.append((label, result["rps"], result["p50"], result["p99"], result["max"],
                        f"{result['ok']}/{result['requests']}",
                        ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items()))))

        drive("warm-up, closed loop, 2 connections", ["--concurrency", "2", "--seconds", "5"])
        out.pop()
        drive(f"closed loop, {args.concurrency} connections", ["--concurrency", str(args.concurrency)])
        held = max(1, int(out[-1][1] * 0.75))  # three quarters of what the closed loop got through
        for rate in sorted({args.rate, held}):
            drive(f"open loop at {rate} req/s", ["--rate", str(rate), "--open-loop"])
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)
        bodies_file.unlink(missing_ok=True)


# -- main --------------------------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=10000)
    parser.add_argument("--inspections", type=int, default=20000)
    parser.add_argument("--hazards", type=int, default=200000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per figure pass and per page")
    parser.add_argument("--quarter", default="", help="e.g. 2026Q3 (default: the last complete quarter)")
    parser.add_argument("--seconds", type=float, default=20, help="length of each load run")
    parser.add_argument("--rate", type=int, default=150, help="requests/s of the open-loop run")
    parser.add_argument("--concurrency", type=int, default=8, help="connections of the closed-loop run")
    parser.add_argument("--database", default="portal_bench_insp")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is (no rebuild)")
    # the load generator's own process
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--bodies", help=argparse.SUPPRESS)
    parser.add_argument("--open-loop", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        return load_main(args)

    rb = _roster_bench()
    params = rb.server_params()
    if not args.reuse:
        rb.admin_execute(params, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)',
                         f'CREATE DATABASE "{args.database}"')
    os.environ["DATABASE_URL"] = database_url = rb.database_url(params, args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from grid.models import Region
    from portal.accounts.models import User
    from portal.figures.registry import Period

    try:
        data = [("what", "figure")]
        if not args.reuse:
            seconds, _r = rb.timed(lambda: call_command("migrate", verbosity=0, stdout=io.StringIO()))
            data.append(("migrate", f"{seconds:.1f} s"))
            for name, seconds in build(args):
                data.append((f"generate: {name}", f"{seconds:.1f} s"))
        data += data_rows()
        rb.print_table("Machine", [("item", "value")] + rb.machine())
        rb.print_table(f"Data (--enterprises {args.enterprises} --inspections {args.inspections} "
                       f"--hazards {args.hazards}; generation not measured)", data)

        district = Region.objects.get(code="320412")
        bureau, inspector = User.objects.get(username="bureau"), User.objects.get(username="hutang")
        if args.quarter:
            period = Period.quarter(int(args.quarter[:4]), int(args.quarter[-1]))
        else:
            today = datetime.date.today()
            q = (today.month - 1) // 3  # the last complete quarter
            period = Period.quarter(today.year, q) if q else Period.quarter(today.year - 1, 4)
        rows, total = figures(district, period, args.runs)
        if rows is None:
            print("\n1. Figures: not available (no figure registered under inspections.)")
        else:
            rb.print_table(f"1. Figures for the {district.children.count()} townships of {district.name}, "
                           f"{period.start}–{period.end} (median of {args.runs}, in process)",
                           [("figure", "ms", "queries", "district total / range")] + rows)
            print(f"  all {len(rows)} figures: first pass {total['first']:.0f} ms, median {total['median']:.0f} ms, "
                  f"p95 {total['p95']:.0f} ms  (target < 2000 ms)")

        pages = ledger(bureau, args.runs)
        if pages is None:
            print("\n2. Hazard ledger /inspections/hazards/: not available")
        else:
            rb.print_table(f"2. Hazard ledger /inspections/hazards/ as bureau 武进区 ({args.runs} runs, server time "
                           "in process; target < 200 ms)",
                           [("filter", "median ms", "p95 ms", "queries", "status")] + pages)

        result = submission(args, inspector, database_url)
        title = (f"3. POST /api/v1/inspections/ under gunicorn (2 sync workers, DJANGO_DEBUG=0) as 湖塘镇's inspector, "
                 f"{args.seconds:.0f} s per run, load from a second process (target 150 req/s, p99 < 300 ms)")
        if isinstance(result, str):
            print(f"\n{title}\n  {result}")
        else:
            rb.print_table(title, [("run", "req/s", "p50 ms", "p99 ms", "max ms", "201/sent", "statuses")] + result)
    finally:
        connections.close_all()
        if not args.keep:
            rb.admin_execute(params, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            print(f"\n(database {args.database} dropped)")
        else:
            print(f"\n(database kept: DATABASE_URL={database_url}; rerun with --reuse)")


if __name__ == "__main__":
    main()
