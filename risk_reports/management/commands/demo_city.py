"""``manage.py demo_city``: the city at the seeds' scale for the risk benchmarks — 33 000
enterprises, 480 000 risk points, 6 000 000 scans in one quarter (``risk_reports/demo_city.py``),
with COPY on PostgreSQL. The roster is the demo's (territory, one account per role, the
enterprises); enforcement and the demo's own risk history are left out."""
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone, translation

from grid.territory import DISTRICTS
from portal import demo
from portal.figures.periods import Period, QUARTER

BASE = ("territory", "users", "enterprises")  # the demo generators the city takes as they are


class Command(BaseCommand):
    help = "Build the city at the seeds' scale (33 000 enterprises, 480 000 risk points, 6 000 000 scans a quarter)."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=33000)
        parser.add_argument("--districts", type=int, default=len(DISTRICTS))
        parser.add_argument("--points", type=int, default=480000)
        parser.add_argument("--scans", type=int, default=6000000, help="scans in the quarter")
        parser.add_argument("--quarter", default="", help="e.g. 2026Q3 (default: the last complete quarter)")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args, enterprises, districts, points, scans, quarter, seed, allow_production, **options):
        from risk_reports.demo_city import city_build

        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError("Refusing to build a generated city in a production deployment.")
        if connection.vendor != "postgresql":
            raise CommandError("demo_city writes with COPY: point DATABASE_URL at PostgreSQL.")
        if demo.populated():
            raise CommandError(f"The database already holds data ({', '.join(demo.populated())}); start from an "
                               "empty one.")
        today = timezone.localdate()
        period = Period.parse(quarter, QUARTER) if quarter else Period.containing(today).previous()
        if period is None or period.end >= today:
            raise CommandError("--quarter is a complete quarter before today, e.g. 2026Q3.")
        ctx = demo.DemoContext(rng=random.Random(seed), seed=seed, enterprises=enterprises, districts=districts,
                               today=today, log=self.stdout.write)
        started = time.monotonic()
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            for generator in demo.generators():
                if generator.name in BASE:
                    lap = time.monotonic()
                    self.stdout.write(f"· {generator.name}")
                    generator.fn(ctx)
                    self.stdout.write(f"  ({time.monotonic() - lap:.1f} s)")
            self.stdout.write(f"· risk points and scans, {period.start} – {period.end}")
            counts = city_build(ctx, points=points, scans=scans, quarter=period)
        lap = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"  ANALYZE ({time.monotonic() - lap:.1f} s)")
        for account in ctx.accounts:
            self.stdout.write(f"  {account.username}  {account.role}  {account.bound_to or '-'}  {account.password}")
        self.stdout.write(self.style.SUCCESS(
            f"City built in {time.monotonic() - started:.0f} s: {counts['points']:,} risk points, "
            f"{counts['scans']:,} scans ({counts['cycles']:,} done cycles) in {period}, "
            f"{counts['hazards']:,} hazards found by scanning, {counts['accounts']:,} enterprise accounts."))
