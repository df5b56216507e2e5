#!/usr/bin/env python
"""The nightly dust-cleaning escalation (issue 11, "Speed"): 2 000 key dust sites with 90 days of
records, the job timed — goal under 30 s in a fixed number of queries. Prints, never asserts.

    .venv/bin/python bench/dust_escalation.py [--sites 2000] [--days 90] [--per-enterprise 4]
        [--database portal_bench_dust] [--keep] [--reuse]

Creates its own database (``portal_bench_dust`` on the server of ``$DATABASE_URL``, or on
postgres://postgres@127.0.0.1:5432), migrates it and builds (not timed): dust-domain enterprises
spread over 武进区's townships (through the roster service), each with a principal, a township
inspector per township, ``--sites`` sites registered ``--days`` days ago and their photo rows
(``bulk_create``: no files) with gaps — most days uploaded, some sites missing a run of days of
every length, a few never uploading. Then it runs ``dust_escalate`` for every day but the last
(untimed but summed: the escalation table fills as it would), and prints for the last day:

1. the job's first run (the steps due are written and sent): seconds and queries;
2. a second run the same day (nothing new): seconds and queries.
"""
import argparse
import datetime
import importlib.util
import io
import os
from pathlib import Path
import random
import secrets
import sys
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


def build(args, last):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from enterprises.models import EnterpriseMembership, Status
    from grid.models import Region
    from risk_reports.models import DustSite, DustUpload
    from tests.enterprises.factories import make_enterprise

    User = get_user_model()
    rnd = random.Random(11)
    townships = list(Region.objects.filter(parent__name="武进区", level=Region.Level.TOWNSHIP))
    for t in townships:
        User.objects.create(username=f"insp{t.pk}", role="township_inspector", region=t)
    first = last - datetime.timedelta(days=args.days - 1)
    n_ent = -(-args.sites // args.per_enterprise)
    sites, uploads = [], []
    for e in range(n_ent):
        enterprise = make_enterprise(township=townships[e % len(townships)], key_domains=["dust"],
                                     name=f"常州粉尘测试{e:05d}有限公司")
        user = User.objects.create(username=f"ent{e}", role="enterprise")
        EnterpriseMembership.objects.create(user=user, enterprise=enterprise, position="principal")
        for s in range(args.per_enterprise):
            if len(sites) >= args.sites:
                break
            sites.append((DustSite(enterprise=enterprise, name=f"场所{s}", token=secrets.token_urlsafe(24),
                                   created_on=first), user, enterprise))
    assert all(x[2].status == Status.PRODUCING for x in sites[:1])
    DustSite.objects.bulk_create([s for s, _u, _e in sites], batch_size=2000)
    now = timezone.now()
    for site, user, enterprise in sites:
        kind = rnd.random()
        missing = set()
        if kind < 0.03:
            missing = set(range(args.days))  # never uploads
        else:
            for _ in range(rnd.randrange(0, 4)):  # a few gaps of every length
                start, length = rnd.randrange(args.days), rnd.choice((1, 1, 2, 3, 4, 7, 10))
                missing.update(range(start, min(args.days, start + length)))
        for i in range(args.days):
            if i in missing:
                continue
            day = first + datetime.timedelta(days=i)
            uploads.append(DustUpload(site=site, enterprise=enterprise, township_id=enterprise.township_id, day=day,
                                      by=user, uploaded_at=now, client_key=secrets.token_urlsafe(24),
                                      payload_hash="bench"))
    DustUpload.objects.bulk_create(uploads, batch_size=5000)
    return first, len(sites), len(uploads)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--per-enterprise", type=int, default=4)
    parser.add_argument("--database", default="portal_bench_dust")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    rb = _roster_bench()
    params = rb.server_params()
    if not args.reuse:
        rb.admin_execute(params, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)',
                         f'CREATE DATABASE "{args.database}"')
    os.environ["DATABASE_URL"] = rb.database_url(params, args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    from risk_reports.models import DustEscalation
    from risk_reports.services.dust import dust_escalate

    last = datetime.date(2026, 11, 15)
    try:
        if not args.reuse:
            started = time.monotonic()
            call_command("migrate", verbosity=0, stdout=io.StringIO())
            first, n_sites, n_uploads = build(args, last)
            with connection.cursor() as cur:
                cur.execute("VACUUM ANALYZE")
            print(f"built {n_sites} sites, {n_uploads} photo rows over {args.days} days "
                  f"in {time.monotonic() - started:.1f} s")
            started = time.monotonic()
            day = first
            while day < last:
                dust_escalate(day=day)
                day += datetime.timedelta(days=1)
            print(f"the {args.days - 1} earlier nights: {time.monotonic() - started:.1f} s, "
                  f"{DustEscalation.objects.count()} escalations")
        for label in ("first run (sends the day's steps)", "second run the same day (sends nothing)"):
            connection.queries_log.clear()  # the earlier nights filled the log (it keeps 9 000)
            with CaptureQueriesContext(connection) as queries:
                started = time.monotonic()
                written = dust_escalate(day=last)
                seconds = time.monotonic() - started
            print(f"{label}: {seconds:.2f} s, {len(queries)} queries (with the e-mail/SMS dispatch run in process after the commit), "
                  f"written { {int(k): v for k, v in written.items()} }")
        print("goal: under 30 s in a fixed number of queries")
    finally:
        connections.close_all()
        if not args.keep:
            rb.admin_execute(params, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
