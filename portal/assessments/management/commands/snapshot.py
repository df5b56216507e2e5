"""``manage.py snapshot 2026Q3 [--region 320400] [--queue]``: freeze a period of a city or district
(default: every top region) — computed here, or sent to the workers with ``--queue``."""
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from grid.models import Region
from portal.figures.periods import Period

from ... import services


class Command(BaseCommand):
    help = "Freeze a period's figures of a city or a district (the quarter's snapshot)."

    def add_arguments(self, parser):
        parser.add_argument("period", help="e.g. 2026Q3")
        parser.add_argument("--region", action="append", default=[], help="division code; repeat for more")
        parser.add_argument("--queue", action="store_true", help="send the parts to the Celery workers")

    def handle(self, *args, period, region, queue, **options):
        parsed = Period.parse(period)
        if parsed is None:
            raise CommandError(f"Not a period: {period!r} (e.g. 2026Q3)")
        regions = (list(Region.objects.filter(code__in=region)) if region
                   else list(Region.objects.filter(parent__isnull=True).order_by("order", "code")))
        if region and len(regions) != len(set(region)):
            raise CommandError(f"Unknown division code among {', '.join(region)}")
        for unit in regions:
            started = time.monotonic()
            try:
                if queue:
                    snapshot = services.snapshot_request(region=unit, period=parsed, by=None)
                else:
                    snapshot = services.snapshot_compute(region=unit, period=parsed, by=None)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
            self.stdout.write(f"{unit.name} {parsed}: snapshot {snapshot.pk} {snapshot.state} "
                              f"({time.monotonic() - started:.1f} s)")
