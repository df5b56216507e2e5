#!/usr/bin/env python
"""The daily dust-cleaning upload rate (issue 11, "Speed"): the rate for every township of the
seed-scale city for a quarter — goal under 2 s. Prints, never asserts.

    .venv/bin/python bench/dust_rate.py [--sites 1830] [--quarter 2026Q3] [--runs 5]
        [--database portal_bench_dust_rate] [--keep] [--reuse]

Creates its own database (``portal_bench_dust_rate`` on the server of ``$DATABASE_URL``, or on
postgres://postgres@127.0.0.1:5432), migrates it and builds, not timed, a synthetic city sized from
the seeds rather than ``manage.py demo_city`` (which takes ~20 min for its 480 000 points): the
demo's territory of 常州市 (7 districts, 58 townships, ``grid.demo.territory_build``), ~1.5 key dust
sites per dust-domain enterprise spread over the townships — ``--sites`` in all (seed 001 (二)三:
1 830) — a few registered during the quarter or retired before its end, and the quarter's photo rows
by COPY (``portal.demo.bulk_insert``): most site-days uploaded, runs of missing days of every
length, a few sites never uploading, a few photos sent back. Then ``VACUUM ANALYZE``.

Timed (median of ``--runs``, and the first run): ``risk.dust_upload_rate`` for each of the 7
districts (their townships: every township of the city), for the city (its districts), and the
key-dust-site count beside it, each with its queries.
"""
import argparse
import datetime
import importlib.util
import io
import os
from pathlib import Path
import random
import statistics
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


def build(args, period):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from enterprises.models import Enterprise, Industry, KeyDomain, Status
    from grid.demo import territory_build
    from portal.demo import bulk_insert
    from risk_reports.models import DustSite, DustUpload

    rnd = random.Random(7)
    territory = territory_build(rng=rnd, districts=7)
    townships = territory["townships"]
    industry = Industry.objects.filter(parent__isnull=False).order_by("pk").first()
    dust = KeyDomain.objects.get(code="dust")
    user = get_user_model().objects.create(username="bench-dust", role="enterprise")
    now = timezone.now()
    n_ent = int(args.sites / 1.5)
    enterprises = [Enterprise(credit_code=f"91320412B{e:09d}", name=f"常州粉尘测速{e:05d}有限公司",
                              township_id=townships[rnd.randrange(len(townships))].pk, industry_id=industry.pk,
                              status=Status.PRODUCING, created_at=now, updated_at=now) for e in range(n_ent)]
    bulk_insert(Enterprise, enterprises)
    Through = Enterprise.key_domains.through
    Through.objects.bulk_create([Through(enterprise_id=e.pk, keydomain_id=dust.pk) for e in enterprises],
                                batch_size=5000)
    first, last = period.start, period.end
    days = (last - first).days + 1
    sites = []
    for i in range(args.sites):
        e = enterprises[i % n_ent]
        created = first - datetime.timedelta(days=rnd.randint(30, 400))
        if rnd.random() < .03:
            created = first + datetime.timedelta(days=rnd.randrange(days))
        retired = first + datetime.timedelta(days=rnd.randrange(days)) if rnd.random() < .02 else None
        if retired is not None and retired <= created:
            retired = None
        sites.append(DustSite(enterprise_id=e.pk, name=f"场所{i}", token=f"bench{i:08d}{rnd.getrandbits(64):016x}",
                              created_on=created, retired_on=retired))
    bulk_insert(DustSite, sites)
    township = {e.pk: e.township_id for e in enterprises}
    uploads = []
    for site in sites:
        kind = rnd.random()
        missing = set(range(days)) if kind < .02 else set()
        if not missing:
            for _ in range(rnd.randrange(0, 5)):
                start, length = rnd.randrange(days), rnd.choice((1, 1, 1, 2, 3, 4, 7, 10))
                missing.update(range(start, min(days, start + length)))
        for d in range(days):
            day = first + datetime.timedelta(days=d)
            if d in missing or day < site.created_on or (site.retired_on and day >= site.retired_on):
                continue
            at = datetime.datetime.combine(day, datetime.time(9), datetime.timezone(datetime.timedelta(hours=8)))
            back = rnd.random() < .002
            uploads.append(DustUpload(site_id=site.pk, enterprise_id=site.enterprise_id,
                                      township_id=township[site.enterprise_id], day=day, by_id=user.pk,
                                      uploaded_at=at, received_at=at, taken_at=at, phash=f"{rnd.getrandbits(64):016x}",
                                      client_key=f"b{site.pk}-{d}", payload_hash="bench",
                                      sent_back_at=at if back else None, sent_back_reason="模糊" if back else ""))
    bulk_insert(DustUpload, uploads)
    return len(townships), len(sites), len(uploads)


def timed(fn, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.monotonic()
            result = fn()
            times.append(time.monotonic() - started)
    return times, len(queries), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1830)
    parser.add_argument("--quarter", default="2026Q3")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", default="portal_bench_dust_rate")
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

    from grid.models import Region
    from portal.figures import registry
    from portal.figures.periods import QUARTER, Period

    period = Period.parse(args.quarter, QUARTER)
    try:
        if not args.reuse:
            started = time.monotonic()
            call_command("migrate", verbosity=0, stdout=io.StringIO())
            n_towns, n_sites, n_uploads = build(args, period)
            with connection.cursor() as cur:
                cur.execute("VACUUM ANALYZE")
            print(f"built {n_sites} key dust sites in {n_towns} townships, {n_uploads} photo rows of {period} "
                  f"in {time.monotonic() - started:.1f} s")
        city = Region.objects.get(level=Region.Level.CITY)
        districts = list(Region.objects.filter(parent=city).order_by("code"))
        rate, sites = registry.get("risk.dust_upload_rate"), registry.get("risk.dust_sites")

        def every_township():
            return {d.name: rate(d, period) for d in districts}

        times, queries, result = timed(every_township, args.runs)
        towns = [r for values in result.values() for r in values.values()]
        num, den = sum(r.numerator for r in towns), sum(r.denominator for r in towns)
        print(f"upload rate, every township ({len(towns)} in {len(districts)} districts), {period}: "
              f"first {times[0]:.3f} s, median {statistics.median(times):.3f} s, {queries} queries; "
              f"{num}/{den} = {100 * num / den:.2f} %")
        times, queries, _r = timed(lambda: rate(city, period), args.runs)
        print(f"upload rate, the city by district: first {times[0]:.3f} s, median {statistics.median(times):.3f} s, "
              f"{queries} queries")
        times, queries, result = timed(lambda: {d.name: sites(d, period) for d in districts}, args.runs)
        print(f"key dust sites, every township: first {times[0]:.3f} s, median {statistics.median(times):.3f} s, "
              f"{queries} queries; {sum(n for v in result.values() for n in v.values())} sites")
        print("goal: the upload rate of every township for a quarter under 2 s")
    finally:
        connections.close_all()
        if not args.keep:
            rb.admin_execute(params, f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
