#!/usr/bin/env python
"""The scan submit under load (issue 9, "Speed"):

    .venv/bin/python bench/scans.py [--seconds 30] [--connections 16] [--in-process 300]
        [--database portal_bench_scans] [--keep]

Creates its own database (``portal_bench_scans`` on the server of ``$DATABASE_URL``, or on
postgres://postgres@127.0.0.1:5432), migrates it, makes one enterprise with an employee (token auth)
and a risk point of 8 check items, then prints — never asserts:

1. ``POST /api/v1/scans/`` (JSON, 8 items all passed, no photo, token auth, a fresh Idempotency-Key
   per request from a wrk Lua script) under gunicorn (2 sync workers, ``DJANGO_DEBUG=0``), loaded by
   Debian's wrk (``-t1 -c16 -d30s --latency``), next to a bare Django endpoint inserting one row with
   no middleware or auth under the same gunicorn in the same run (``bench/scans_wsgi.py``):
   requests/s, p50, p99, non-2xx answers, and the ratio;
2. the same submit in process (Django's test client, ``--in-process`` requests): CPU ms per request
   (``time.process_time``) and queries per request;
3. the machine.

Goal (issue 9): ≥ 150 requests/s with p99 < 300 ms; ≤ 8 queries a submit (pinned by
tests/risk_reports/test_scans_api.py). Figures: bench/README.md."""
import argparse
import datetime
import importlib.util
import json
import os
from pathlib import Path
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
_spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
bench_run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_run)

ITEMS = ["除尘系统运行正常", "泄爆装置完好", "锁气卸灰装置完好", "灰斗无积灰", "防静电接地完好", "电气设备防爆",
         "清扫记录完整", "警示标志清晰"]
LUA = """
-- a fresh Idempotency-Key per request: every request is a new scan
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
%(auth)s
local body = [[%(body)s]]
local counter = 0
math.randomseed(os.time())
request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = string.format("bench-%%d-%%d", counter, math.random(1, 1000000000))
  return wrk.format(nil, nil, nil, body)
end
"""


def world():
    """One enterprise of the first township, its employee with a token, a point of 8 check items."""
    from rest_framework.authtoken.models import Token

    from grid.models import Region
    from tests.enterprises.factories import make_enterprise, make_enterprise_user
    from tests.risk_reports.factories import make_point

    township = Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("path").first()
    enterprise = make_enterprise(township=township, name="常州基准测试机械有限公司")
    user = make_enterprise_user(enterprise, "staff", username="bench_staff")
    point = make_point(enterprise, category="dust_collector", name="布袋除尘器", check_items=ITEMS)
    token = Token.objects.create(user=user).key
    done_at = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)).isoformat()
    body = {"code": point.codes.get().token, "done_at": done_at,
            "results": [{"item": item, "ok": True, "note": ""} for item in ITEMS]}
    return user, token, body


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url, script, args):
    """wrk's requests/s, p50 and p99 (ms) and non-2xx count for ``url`` with the Lua ``script``."""
    path = Path(f"/tmp/bench_scans_{os.getpid()}_{abs(hash(url))}.lua")
    path.write_text(script)
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", "-s", str(path),
                              url], capture_output=True, text=True, check=True).stdout
    finally:
        path.unlink(missing_ok=True)

    def ms(label):
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "requests": total, "non2xx": int(bad.group(1)) if bad else 0}


def under_gunicorn(args, token, body, url_db):
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_bare (id bigserial PRIMARY KEY, body text, "
                       "at timestamptz DEFAULT now())")
    port = free_port()
    log = Path(f"/tmp/bench_scans_gunicorn_{os.getpid()}.log")
    env = {**os.environ, "DATABASE_URL": url_db, "DJANGO_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "portal.settings",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{BENCH}"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "scans_wsgi:application", "--chdir", str(ROOT), "--pythonpath",
                               str(BENCH), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--error-logfile",
                               str(log)], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _i in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        payload = json.dumps(body, ensure_ascii=False)
        submit = LUA % {"auth": f'wrk.headers["Authorization"] = "Token {token}"', "body": payload}
        bare = LUA % {"auth": "", "body": payload}
        # warm-up: each worker imports and connects before it is timed
        warm = argparse.Namespace(**{**vars(args), "seconds": 3})
        wrk(f"{base}/api/v1/scans/", submit, warm)
        wrk(f"{base}/bare/", bare, warm)
        return wrk(f"{base}/api/v1/scans/", submit, args), wrk(f"{base}/bare/", bare, args)
    finally:
        server.terminate()
        server.wait(timeout=30)


def in_process(user, body, n):
    """CPU ms and queries of one submit, in this process through Django's test client (token auth)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
    cpu, queries = [], []
    for i in range(n):
        started = time.process_time()
        with CaptureQueriesContext(connection) as seen:
            answer = client.post("/api/v1/scans/", json.dumps(body), content_type="application/json",
                                 HTTP_IDEMPOTENCY_KEY=f"inproc-{os.getpid()}-{i:06}")
        cpu.append((time.process_time() - started) * 1000)
        queries.append(len(seen.captured_queries))
        assert answer.status_code == 201, answer.content
    return statistics.median(cpu), statistics.mean(cpu), max(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--in-process", type=int, default=300)
    parser.add_argument("--database", default="portal_bench_scans")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    params = bench_run.server_params()
    bench_run.admin_execute(params, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)',
                            f'CREATE DATABASE "{args.database}"')
    url_db = bench_run.database_url(params, args.database)
    os.environ["DATABASE_URL"] = url_db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    import django
    django.setup()
    from django.core.management import call_command
    try:
        call_command("migrate", verbosity=0)
        user, token, body = world()
        from django.db import connection
        connection.close()
        submit, bare = under_gunicorn(args, token, body, url_db)
        cpu_median, cpu_mean, queries = in_process(user, body, args.in_process)
        rows = [
            ("POST /api/v1/scans/ (token, 8 items)", f"{submit['rps']:.0f}", f"{submit['p50']:.1f}",
             f"{submit['p99']:.1f}", f"{submit['requests']}", str(submit["non2xx"])),
            ("bare endpoint (one INSERT, no middleware)", f"{bare['rps']:.0f}", f"{bare['p50']:.1f}",
             f"{bare['p99']:.1f}", f"{bare['requests']}", str(bare["non2xx"])),
        ]
        bench_run.print_table(
            f"1. under gunicorn (2 sync workers, DJANGO_DEBUG=0), wrk -t1 -c{args.connections} -d{args.seconds}s",
            [("", "req/s", "p50 ms", "p99 ms", "requests", "non-2xx"), *rows])
        ratio = f"{bare['rps'] / submit['rps']:.2f}×" if submit["rps"] else "—"
        print(f"   ratio bare ÷ submit: {ratio}   (goal: submit ≥ 150 req/s, p99 < 300 ms)")
        bench_run.print_table(f"2. in process, {args.in_process} submits (Django's test client, token auth)", [
            ("", ""), ("CPU ms / request (median)", f"{cpu_median:.2f}"), ("CPU ms / request (mean)", f"{cpu_mean:.2f}"),
            ("queries / request (max)", str(queries))])
        bench_run.print_table("3. the machine", [("", ""), *bench_run.machine()])
    finally:
        from django.db import connection
        connection.close()
        if not args.keep:
            bench_run.admin_execute(params, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
