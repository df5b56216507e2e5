#!/usr/bin/env python
"""The Python half of bench/scan_submit.sh (which starts gunicorn and wrk): the database and the
request bodies before the load, the in-process cost of a submit, and the table after it.

    bench/scan_submit.py setup --database portal_bench_scan [--enterprises 500] [--reuse]
        creates and migrates the database, loads the demo (``demo_data``), records 50 risk points
        of eight check items for the demo enterprise account (``qiye``, through ``point_create``),
        creates the bare endpoint's table and the API tokens of ``qiye`` and of 湖塘镇's inspector
        (``hutang``), writes the bodies wrk sends (one JSON a line) and prints ``export`` lines
        for the shell;
    bench/scan_submit.py report --bare B.json --scan S.json --inspection I.json
        measures in process (Django's test client, ``DJANGO_DEBUG=0``, token auth, 50 requests each
        after 5 to warm up) the CPU ms (``time.process_time``), the wall ms and the queries per request of the
        scan submit and of the inspection submit, then prints the wrk figures, the ratios to the
        bare endpoint, and those.

An endpoint that is not there yet (``/api/v1/scans/`` before the scans helper's merge) prints
``not available`` and the rest runs.
"""
import argparse
import datetime
import importlib.util
import io
import json
import os
from pathlib import Path
import statistics
import sys
import time
import uuid

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))

SCAN_URL, INSPECTION_URL = "/api/v1/scans/", "/api/v1/inspections/"
ITEMS = ["防护装置完好、无缺损", "急停按钮有效", "安全警示标志清晰", "电气线路无破损老化", "接地保护可靠",
         "现场无油污杂物堆放", "操作规程上墙", "作业人员劳保用品佩戴齐全"]  # eight check items a point


def _load(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()


def takes_post(url):
    from django.urls import Resolver404, resolve

    try:
        return "post" in getattr(resolve(url).func, "actions", {})
    except Resolver404:
        return False


def scan_bodies(points):
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    return [{"code": code, "done_at": now, "results": [{"item": i, "ok": True, "note": ""} for i in items]}
            for code, items in points]


def setup(args):
    rb = _load("run")
    params = rb.server_params()
    url = rb.database_url(params, args.database)
    if not args.reuse:
        rb.admin_execute(params, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)',
                         f'CREATE DATABASE "{args.database}"')
    _django(url)
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from portal.accounts.models import User
    from risk_reports.models import CheckCycle, RiskCategory, RiskPoint
    from risk_reports.services.points import point_create

    if not args.reuse:
        call_command("migrate", verbosity=0, stdout=io.StringIO())
        call_command("demo_data", enterprises=args.enterprises, seed=42, stdout=io.StringIO())
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_bare_row (id bigserial PRIMARY KEY, created_at timestamptz, "
                    "key varchar(64), body text)")
    qiye, inspector = User.objects.get(username="qiye"), User.objects.get(username="hutang")
    enterprise = qiye.enterprise_membership.enterprise
    bench_points = RiskPoint.objects.filter(enterprise=enterprise, area="压测车间")
    category = RiskCategory.objects.get(code="punch_press")
    for n in range(bench_points.count(), 50):
        point_create(enterprise=enterprise, by=qiye, name=f"压测风险点{n + 1:02d}", area="压测车间", category=category,
                     cycle=CheckCycle.SHIFT, responsible_person="张安全", check_items=ITEMS, basis="manual",
                     level="yellow", level_reason="压测用")
    points = [(p.codes.get(revoked_at__isnull=True).token, p.check_items) for p in bench_points.order_by("pk")]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    scans = scan_bodies(points)
    (out / "scan.jsonl").write_text("\n".join(json.dumps(b, ensure_ascii=False) for b in scans) + "\n")
    inspections = _load("inspections").submission_bodies(inspector) if takes_post(INSPECTION_URL) else []
    (out / "inspection.jsonl").write_text("\n".join(json.dumps(b, ensure_ascii=False) for b in inspections) + "\n")
    (out / "bare.jsonl").write_text((out / "scan.jsonl").read_text())
    tokens = {u.username: Token.objects.get_or_create(user=u)[0].key for u in (qiye, inspector)}
    print(f"export DATABASE_URL='{url}'")
    print(f"export SCAN_TOKEN='{tokens['qiye']}' INSPECTION_TOKEN='{tokens['hutang']}'")
    print(f"export SCAN_AVAILABLE={int(takes_post(SCAN_URL))} INSPECTION_AVAILABLE={int(bool(inspections))}")


def in_process(url, token, bodies, n=50, warm=5):
    """Median CPU ms and queries of one POST through the whole stack (middleware, token auth, DRF,
    the service), in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    cpu, wall, queries, statuses = [], [], [], {}
    for i in range(warm + n):
        body = json.dumps(bodies[i % len(bodies)], ensure_ascii=False)
        with CaptureQueriesContext(connection) as captured:
            started, clock = time.process_time(), time.perf_counter()
            response = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
            spent, elapsed = (time.process_time() - started) * 1000, (time.perf_counter() - clock) * 1000
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if i >= warm:
            cpu.append(spent)
            wall.append(elapsed)
            queries.append(len(captured))
    return statistics.median(cpu), statistics.median(wall), statistics.median(queries), max(queries), statuses


def report(args):
    _django(os.environ["DATABASE_URL"])
    rb = _load("run")

    def read(path):
        try:
            return json.loads(Path(path).read_text().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            return None

    runs = [("bare endpoint (no middleware, no auth)", read(args.bare)),
            ("POST /api/v1/scans/ (8 items)", read(args.scan)),
            ("POST /api/v1/inspections/", read(args.inspection))]
    bare = runs[0][1]
    table = [("endpoint", "req/s", "× bare", "p50 ms", "p99 ms", "max ms", "requests", "statuses")]
    for label, r in runs:
        if r is None:
            table.append((label, "not available", "", "", "", "", "", ""))
            continue
        ratio = f"{r['rps'] / bare['rps']:.2f}" if bare and bare["rps"] else ""
        table.append((label, f"{r['rps']:.1f}", ratio, f"{r['p50']:.0f}", f"{r['p99']:.0f}", f"{r['max']:.0f}",
                      r["requests"], ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))))
    rb.print_table(f"wrk -t1 -c16 -d{args.seconds}s against gunicorn (2 sync workers, DJANGO_DEBUG=0), same run "
                   "(goal for the scan submit: ≥ 150 req/s, p99 < 300 ms)", table)
    from django.conf import settings

    rows = [("submit", "CPU ms (median)", "wall ms (median)", "queries (median / max)", "statuses")]
    out = Path(args.out)
    for label, url, token, name in [("scan submit", SCAN_URL, os.environ.get("SCAN_TOKEN"), "scan"),
                                    ("inspection submit", INSPECTION_URL, os.environ.get("INSPECTION_TOKEN"),
                                     "inspection")]:
        bodies = [json.loads(line) for line in (out / f"{name}.jsonl").read_text().splitlines() if line.strip()]
        if not takes_post(url) or not bodies:
            rows.append((label, "not available", "", "", ""))
            continue
        cpu, wall, median_q, max_q, statuses = in_process(url, token, bodies)
        rows.append((label, f"{cpu:.1f}", f"{wall:.1f}", f"{median_q:.0f} / {max_q}",
                     ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))))
    rb.print_table(f"In process (Django test client, DEBUG={settings.DEBUG}, 50 requests after 5)", rows)
    rb.print_table("Machine", [("item", "value")] + rb.machine())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    s = sub.add_parser("setup")
    s.add_argument("--database", default="portal_bench_scan")
    s.add_argument("--enterprises", type=int, default=500)
    s.add_argument("--reuse", action="store_true")
    s.add_argument("--out", default="/tmp/bench_scan_submit")
    r = sub.add_parser("report")
    r.add_argument("--bare")
    r.add_argument("--scan")
    r.add_argument("--inspection")
    r.add_argument("--seconds", default="30")
    r.add_argument("--out", default="/tmp/bench_scan_submit")
    args = parser.parse_args()
    setup(args) if args.step == "setup" else report(args)


if __name__ == "__main__":
    main()
