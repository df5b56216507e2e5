#!/usr/bin/env python
"""The risk figures on a city at the seeds' scale (issue 9, "Speed"), against one plain SQL pass.

    .venv/bin/python bench/risk_figures.py [--enterprises 33000] [--points 480000] [--scans 6000000]
        [--quarter 2026Q3] [--runs 5] [--database portal_bench_risk] [--keep] [--reuse]

Creates its own database (``portal_bench_risk`` on the server of ``$DATABASE_URL``, or on
postgres://postgres@127.0.0.1:5432), migrates it and builds the city with ``manage.py demo_city``
(``risk_reports/demo_city.py``: the demo's roster of 7 districts, then points, codes and a quarter
of scans with COPY; the build time is printed), ``VACUUM ANALYZE``, then prints — never asserts:

1. every figure registered under ``risk.`` in ``portal.figures.registry`` (whatever is registered
   when it runs) for each district's townships, the districts rolled up from them (as the quarter's
   snapshot does): time and queries per figure alone, and the wall time of the whole pass with the
   shared passes (first, median of ``--runs``, p95);
2. one plain SQL pass: the quarter's scans counted per township (``GROUP BY township_id`` on
   ``risk_reports_scan``), the cheapest honest read of the same quarter;
3. the ratio of the two (goal: the figures pass ≤ 3× the SQL pass, and under 10 s), for issue 9
   item 7's figures (``risk_reports.figures.PAGE_FIGURES``, the goal's) and for every ``risk.`` one.

Without ``--reuse`` the database is rebuilt; ``--keep`` keeps it for ``--reuse`` or ``EXPLAIN``.
"""
import argparse
import datetime
import importlib.util
import io
import os
import re
from pathlib import Path
import statistics
import sys
import time

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))


def _roster_bench():
    """bench/run.py's helpers (database, machine, tables)."""
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def data_rows():
    from django.db import connection

    out = []
    with connection.cursor() as cur:
        for label, table in [("enterprises", "enterprises_enterprise"), ("risk points", "risk_reports_riskpoint"),
                             ("Changan codes", "risk_reports_changancode"), ("scans", "risk_reports_scan"),
                             ("done cycles", "risk_reports_scancycle"), ("hazards", "inspections_hazard"),
                             ("users", "accounts_user")]:
            cur.execute(f"SELECT count(*) FROM {table}")
            out.append((label, f"{cur.fetchone()[0]:,}"))
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size('risk_reports_scan'))")
        out.append(("risk_reports_scan on disk (with indexes)", cur.fetchone()[0]))
    return out


def regions():
    """(the city, its districts in the bureau's order)."""
    from grid.models import Region

    city = Region.objects.get(level=Region.Level.CITY)
    return city, list(city.children.order_by("order", "code"))


def figures_pass(names, city, districts, period):
    """Every figure for each district's townships and, rolled up from them, for the city's districts,
    as the quarter's snapshot computes them (``portal.assessments``), in one
    ``registry.batch(over=city)``: passes the figures share run once, and a widened pass (the
    scans by township, the done cycles) once for the whole city."""
    from portal.figures import registry

    totals = {}
    with registry.batch(over=city):
        for district in districts:
            for name in names:
                figure = registry.get(name)
                values = figure(district, period)
                totals.setdefault(name, {})[district.path] = registry.rollup(values.values())
    for name in names:
        registry.ranked_cells(registry.get(name), districts, totals[name])


def sql_pass(period):
    """The quarter's scans counted per township: one grouped query over the scan rows."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT township_id, count(*) FROM risk_reports_scan WHERE done_on BETWEEN %s AND %s "
                    "GROUP BY township_id", [period.start, period.end])
        return cur.fetchall()


def timed_runs(fn, runs):
    times = []
    for _i in range(runs + 1):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return {"first": times[0], "median": statistics.median(times[1:]), "p95": percentile(times[1:], 95)}


def per_figure(names, city, districts, period, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.figures import registry

    rows = []
    for name in names:
        times = []
        for _i in range(runs):
            started = time.perf_counter()
            figures_pass([name], city, districts, period)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            figures_pass([name], city, districts, period)
        figure = registry.get(name)
        total = registry.rollup([v for v in figure(city, period).values()])
        unit = f" {figure.unit}" if figure.unit else ""
        shown = "—" if total is None else (f"{total.value}{unit} ({total.numerator:,}/{total.denominator:,})"
                                           if isinstance(total, registry.Rate) else f"{total:,}{unit}")
        rows.append((name, f"{statistics.median(times):.0f}", len(queries), shown))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=33000)
    parser.add_argument("--districts", type=int, default=7)
    parser.add_argument("--points", type=int, default=480000)
    parser.add_argument("--scans", type=int, default=6000000)
    parser.add_argument("--quarter", default="", help="e.g. 2026Q3 (default: the last complete quarter)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", default="portal_bench_risk")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is (no rebuild)")
    args = parser.parse_args()

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
    from django.db import connection, connections

    from portal.figures import registry
    from portal.figures.periods import QUARTER, Period

    try:
        data = [("what", "figure")]
        if args.quarter:
            period = Period.parse(args.quarter, QUARTER)
        else:
            period = Period.containing(datetime.date.today()).previous()
        if not args.reuse:
            seconds, _r = rb.timed(lambda: call_command("migrate", verbosity=0, stdout=io.StringIO()))
            data.append(("migrate", f"{seconds:.1f} s"))
            log = io.StringIO()
            seconds, _r = rb.timed(lambda: call_command(
                "demo_city", enterprises=args.enterprises, districts=args.districts, points=args.points,
                scans=args.scans, quarter=str(period), seed=args.seed, stdout=log))
            data.append((f"demo_city (COPY; {period})", f"{seconds:.0f} s"))
            step = ""
            for line in log.getvalue().splitlines():
                if line.startswith("· "):
                    step = line[2:].strip()
                lap = re.fullmatch(r"\s+(.*?)\s*\(([\d.]+ s)\)", line)
                if lap:
                    data.append(("  " + (lap[1] or step), lap[2]))
            with connection.cursor() as cur:
                cur.execute("VACUUM ANALYZE")
        data += data_rows()
        rb.print_table("Machine", [("item", "value")] + rb.machine())
        rb.print_table("Data", data)

        city, districts = regions()
        names = [f.name for f in registry.all("risk") if f.resolve is None]
        townships = sum(d.children.count() for d in districts)
        sql = timed_runs(lambda: sql_pass(period), args.runs)
        scans = sum(n for _t, n in sql_pass(period))
        print(f"\n2. Plain SQL: the quarter's scans per township ({townships} townships, {scans:,} scans in "
              f"{period.start} – {period.end}): first {sql['first']:.0f} ms, median {sql['median']:.0f} ms, "
              f"p95 {sql['p95']:.0f} ms")
        if not names:
            print("\n1. Risk figures: not available (no figure registered under risk.)")
            return
        rows = per_figure(names, city, districts, period, args.runs)
        rb.print_table(f"1. Risk figures for {city.name}'s {len(districts)} districts and their {townships} townships, "
                       f"{period} (median of {args.runs}, in process)",
                       [("figure", "ms (city + each district)", "queries", "city total")] + rows)
        # issue 9 item 7's figures (the goal's), then every risk.* figure (issue 11's dust and reports too)
        from risk_reports.figures import PAGE_FIGURES
        item7 = [name for name in names if name in PAGE_FIGURES]
        passes = [(f"issue 9 item 7's {len(item7)} figures", item7), (f"all {len(names)} risk.* figures", names)]
        timed = []
        for label, chosen in passes:
            figures = timed_runs(lambda chosen=chosen: figures_pass(chosen, city, districts, period), args.runs)
            timed.append((label, figures))
            print(f"  {label}, every district and township: first {figures['first']:.0f} ms, "
                  f"median {figures['median']:.0f} ms, p95 {figures['p95']:.0f} ms")
        print("\n3. Ratio to the plain SQL pass (goal ≤ 3× and under 10 000 ms)")
        for label, figures in timed:
            ratio = figures["median"] / sql["median"] if sql["median"] else float("nan")
            print(f"  {label}: {figures['median']:.0f} ms ÷ {sql['median']:.0f} ms = {ratio:.1f}×")
    finally:
        connections.close_all()
        if not args.keep:
            rb.admin_execute(params, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            print(f"\n(database {args.database} dropped)")
        else:
            print(f"\n(database kept: DATABASE_URL={database_url}; rerun with --reuse)")


if __name__ == "__main__":
    main()
