"""``manage.py rollups_rebuild [--check]``: the scans' and done cycles' months recomputed from ``Scan``
and ``ScanCycle``, and the points' lives from the points (``risk_reports.rollups``), in one transaction; ``--check`` only compares and
fails when they differ (after a restore of part of a table, or a write that went round the services)."""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from risk_reports import rollups
from risk_reports.models import DoneCycleMonth, PointLife, RiskPoint, Scan, ScanCycle, ScanMonth


class Command(BaseCommand):
    help = "Recompute the roll-ups of scans, done check cycles and points (--check: compare only)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare with what a rebuild gives; change nothing")

    def handle(self, *args, check=False, **options):
        if check:
            wrong = 0
            for label, stored, computed in [
                ("done cycles", DoneCycleMonth.objects.values_list("enterprise_id", "cycle", "month", "last_month", "n"),
                 rollups.done_cycle_months(ScanCycle.objects.all())),
                ("scans", ScanMonth.objects.values_list("township_id", "enterprise_id", "month", "n", "principal"),
                 rollups.scan_months(Scan.objects.all())),
                ("points", PointLife.objects.values_list("enterprise_id", "cycle", "level", "created_on", "retired_on",
                                                         "n"),
                 rollups.point_lives(RiskPoint.objects.all())),
            ]:
                differ = set(stored) ^ set(computed)
                wrong += len(differ)
                self.stdout.write(f"{label}: {len(differ)} rows differ")
            if wrong:
                raise CommandError("The roll-ups differ from the scans: run manage.py rollups_rebuild.")
            return
        with transaction.atomic():
            rollups.rebuild_done_cycles()
            rollups.rebuild_scan_months()
            rollups.rebuild_point_lives()
        self.stdout.write(f"{DoneCycleMonth.objects.count()} done-cycle months, {ScanMonth.objects.count()} scan months, "
                          f"{PointLife.objects.count()} point lives")
