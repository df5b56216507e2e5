#!/usr/bin/env python
"""The benchmark: a city-sized roster on PostgreSQL, timed through the portal's own pages.

    .venv/bin/python bench/run.py [--enterprises 33000] [--districts 7] [--seed 42] [--runs 5] [--keep]

Creates its own database (``portal_bench`` on the server of ``$DATABASE_URL``, or on
postgres://postgres@127.0.0.1:5432), migrates it, loads the city with ``manage.py demo_data``,
then prints — never asserts — the median server time (the Django test client, in process: URL
routing, middleware, queries, template) and the query count of the roster with filters at 20 and
200 rows a page, the enterprise page, the overview, the change report and the API, signed in as
the city staff and as the Wujin bureau staff; the export of the whole roster; and a 10 000-row
import. Drops the database at the end unless ``--keep``. Then runs the inspections benchmark
(``bench/inspections.py``: figures, hazard ledger, the field submission under gunicorn) on its own
database, unless ``--no-inspections``. Targets and past figures: bench/README.md.
"""
import argparse
import datetime
import io
import os
from pathlib import Path
import platform
import statistics
import subprocess
import sys
import time

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# -- the database ---------------------------------------------------------------------------------
def server_params():
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    cfg = dj_database_url.parse(url)
    return {"host": cfg.get("HOST") or "127.0.0.1", "port": cfg.get("PORT") or 5432,
            "user": cfg.get("USER") or "postgres", "password": cfg.get("PASSWORD") or ""}


def admin_execute(params, *statements):
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", host=params["host"], port=params["port"], user=params["user"],
                            password=params["password"] or None)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
    finally:
        conn.close()


def database_url(params, name):
    from urllib.parse import quote

    auth = quote(params["user"]) + (":" + quote(params["password"]) if params["password"] else "")
    return f"postgres://{auth}@{params['host']}:{params['port']}/{name}"


# -- the machine ----------------------------------------------------------------------------------
def machine():
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    import django

    return [("date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")), ("CPU", cpu),
            ("nproc", str(os.cpu_count())), ("memory", memory), ("PostgreSQL", pg),
            ("Python", platform.python_version()), ("Django", django.get_version())]


# -- measuring ------------------------------------------------------------------------------------
def measure(client, url, runs):
    """(median ms, queries, status): one warm-up, ``runs`` timed requests, one counted request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    times = []
    for _i in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries), response.status_code


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def lazy(module, *names):
    """``names`` from ``module``, or None when another helper has not written it yet."""
    try:
        mod = __import__(module, fromlist=list(names))
        return [getattr(mod, n) for n in names]
    except (ImportError, AttributeError):
        return None


# -- the benchmark --------------------------------------------------------------------------------
def roster_filters():
    from enterprises.models import Enterprise, Industry, KeyDomain
    from grid.models import Region

    hutang = Region.objects.get(parent__code="320412", name="湖塘镇")
    machinery = Industry.objects.get(code="machinery")
    dust = KeyDomain.objects.get(code="dust")
    sample = Enterprise.objects.filter(township=hutang, name__startswith="常州").exclude(
        name__startswith="常州市").order_by("pk").first()
    fragment = sample.name[2:4]  # the two-character trade name
    return [
        ("all", ""),
        ("township", f"township={hutang.pk}"),
        ("industry", f"industry={machinery.pk}"),
        ("key_domain", f"key_domain={dust.pk}"),
        ("status", "status=suspended"),
        ("above_scale", "above_scale=true"),
        ("q name", f"q={fragment}"),
        ("q credit code", f"q={sample.credit_code}"),
        ("township+domain+status", f"township={hutang.pk}&key_domain={dust.pk}&status=producing"),
        ("industry+above+q", f"industry={machinery.pk}&above_scale=true&q={fragment[0]}"),
        ("dust ≥ 10", f"key_domain={dust.pk}&min_dust_workers=10"),
        ("all, page 100", "page=100"),
    ]


def page_figures(users, runs):
    from django.test import Client
    from enterprises.models import Enterprise
    from grid.models import Region

    hutang = Region.objects.get(parent__code="320412", name="湖塘镇")
    dossier = (Enterprise.objects.filter(township=hutang, chemical_sites__isnull=False, changes__kind="transfer")
               .order_by("pk").first()
               or Enterprise.objects.filter(township=hutang, chemical_sites__isnull=False).order_by("pk").first())
    rows = []
    for label, user in users:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for name, query in roster_filters():
            sep = "&" if query else ""
            small = measure(client, f"/enterprises/?{query}{sep}per_page=20", runs)
            large = measure(client, f"/enterprises/?{query}{sep}per_page=200", runs)
            rows.append((label, f"roster: {name}", small, large))
        for name, url in [("enterprise page", f"/enterprises/{dossier.pk}/"),
                          ("overview", "/enterprises/overview/"),
                          ("change report 湖塘镇", f"/enterprises/changes/?township={hutang.pk}"),
                          ("API /api/v1/enterprises/", "/api/v1/enterprises/"),
                          ("home", "/")]:
            rows.append((label, name, measure(client, url, runs), None))
    return rows


def export_figure(user):
    found = lazy("enterprises.exports", "roster_xlsx")
    if found is None:
        return "skipped: enterprises.exports.roster_xlsx not available"
    (roster_xlsx,) = found
    from enterprises.models import Enterprise
    from portal.accounts import scope

    exporter = lazy("enterprises.exports", "export_queryset")
    qs = (exporter[0](user, "") if exporter else
          scope.visible(user, Enterprise.objects.all()).order_by("township__order", "name", "pk"))
    n = qs.count()
    seconds, content = timed(lambda: roster_xlsx(qs))
    return f"{n} rows in {seconds:.1f} s ({len(content) / 1024 / 1024:.1f} MB)"


def import_file(n, seed):
    """A workbook of ``n`` new enterprises in Wujin's townships, in the import template's columns."""
    import random

    from openpyxl import Workbook

    from enterprises import importers as imp
    from enterprises.models import Enterprise, Industry, KeyDomain
    from enterprises.validators import CREDIT_CODE_CHARS, credit_code_check_char
    from grid.models import Region

    rng = random.Random(seed)
    townships = list(Region.objects.filter(parent__code="320412", level="township").values_list("name", flat=True))
    industries = list(Industry.objects.filter(subindustries__isnull=True).values_list("name", flat=True))
    dust = KeyDomain.objects.get(code="dust").name
    spraying = KeyDomain.objects.get(code="spraying").name
    taken = set(Enterprise.objects.values_list("credit_code", flat=True))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名录")
    sheet.append(imp.COLUMNS)
    for i in range(n):
        while True:
            first17 = "91320412MB" + "".join(rng.choices(CREDIT_CODE_CHARS, k=7))
            code = first17 + credit_code_check_char(first17)
            if code not in taken:
                taken.add(code)
                break
        domains = [d for d, p in ((dust, 0.25), (spraying, 0.08)) if rng.random() < p]
        township = rng.choice(townships)
        values = {
            imp.COL_CODE: code, imp.COL_NAME: f"常州导入测试{i:05d}机械有限公司",
            imp.COL_ADDRESS: f"武进区{township}导入路{i % 400 + 1}号", imp.COL_TOWNSHIP: township,
            imp.COL_INDUSTRY: rng.choice(industries), imp.COL_DOMAINS: "、".join(domains),
            imp.COL_ABOVE_SCALE: "是" if rng.random() < 0.2 else "否",
            imp.COL_DUST: rng.randint(1, 20) if dust in domains else 0, imp.COL_STATUS: "在产",
            imp.COL_PRINCIPAL: "张三", imp.COL_PHONE: f"139{rng.randint(0, 99_999_999):08d}",
            imp.COL_SECTION: "否", imp.COL_DATE: "2026-11-01",
        }
        sheet.append([values.get(column, "") for column in imp.COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def import_figures(user, n, seed):
    found = lazy("enterprises.importers", "roster_import", "COLUMNS")
    if found is None:
        return [("import", "skipped: enterprises.importers.roster_import not available")]
    roster_import = found[0]
    try:
        content = import_file(n, seed)
    except (AttributeError, ImportError) as exc:
        return [("import", f"skipped: cannot build the file ({exc})")]
    out = []
    for label in (f"import {n} new rows", f"re-import the same {n} rows (unchanged)"):
        try:
            seconds, result = timed(lambda: roster_import(file_obj=io.BytesIO(content), user=user, progress=None))
            out.append((label, f"{seconds:.1f} s  {result}  ({len(content) / 1024:.0f} KB)"))
        except Exception as exc:  # a bench prints; it does not stop half-way
            errors = getattr(exc, "errors", None)
            detail = f"{len(errors)} errors, first: {errors[0]}" if errors else repr(exc)
            out.append((label, f"failed: {detail}"))
            break
    return out


def _width(text):
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def print_table(title, rows):
    print(f"\n{title}")
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  " + "  ".join(str(c) + " " * (w - _width(c)) for c, w in zip(row, widths)).rstrip())
        if index == 0:
            print("  " + "  ".join("-" * w for w in widths))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=33000)
    parser.add_argument("--districts", type=int, default=7)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page (median printed)")
    parser.add_argument("--import-rows", type=int, default=10000)
    parser.add_argument("--database", default="portal_bench")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--inspections", action=argparse.BooleanOptionalAction, default=True,
                        help="then run bench/inspections.py (its own database and options)")
    args = parser.parse_args()

    params = server_params()
    admin_execute(params, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)',
                  f'CREATE DATABASE "{args.database}"')
    os.environ["DATABASE_URL"] = database_url(params, args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    try:
        seconds_migrate, _r = timed(lambda: call_command("migrate", verbosity=0))
        log = io.StringIO()
        seconds_load, _r = timed(lambda: call_command("demo_data", enterprises=args.enterprises,
                                                      districts=args.districts, seed=args.seed, stdout=log))
        with connection.cursor() as cur:
            cur.execute("ANALYZE")  # as autovacuum would soon after a bulk load
        from enterprises.models import Enterprise, EnterpriseChange
        from portal.accounts.models import User

        city, bureau = User.objects.get(username="city"), User.objects.get(username="bureau")
        print_table("Machine", [("item", "value")] + machine())
        print_table("Data", [("what", "figure"),
                             ("migrate", f"{seconds_migrate:.1f} s"),
                             (f"demo_data --enterprises {args.enterprises} --districts {args.districts}",
                              f"{seconds_load:.1f} s"),
                             ("enterprises", Enterprise.objects.count()),
                             ("roster changes", EnterpriseChange.objects.count())])

        pages = page_figures([("city 常州市", city), ("bureau 武进区", bureau)], args.runs)
        table = [("user", "page", "ms (20/page)", "queries", "ms (200/page)", "queries", "status")]
        for user, name, small, large in pages:
            table.append((user, name, f"{small[0]:.0f}", small[1],
                          f"{large[0]:.0f}" if large else "", large[1] if large else "",
                          small[2] if not large or large[2] == small[2] else f"{small[2]}/{large[2]}"))
        print_table(f"Pages (median of {args.runs} runs, server time in process)", table)

        io_rows = [("what", "figure"), ("export the whole city (city staff)", export_figure(city))]
        io_rows += import_figures(bureau, args.import_rows, args.seed)
        print_table("Roster import and export", io_rows)
    finally:
        connections.close_all()
        if not args.keep:
            admin_execute(params, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            print(f"\n(database {args.database} dropped)")
        else:
            print(f"\n(database kept: DATABASE_URL={os.environ['DATABASE_URL']})")
    if args.inspections:
        print("\n== bench/inspections.py ==", flush=True)
        subprocess.run([sys.executable, str(Path(__file__).resolve().with_name("inspections.py")),
                        *(["--keep"] if args.keep else [])], check=False)


if __name__ == "__main__":
    main()
