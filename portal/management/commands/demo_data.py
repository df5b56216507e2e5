"""``manage.py demo_data``: a Wujin-like district (or the whole city) with a synthetic roster and one
account per role, for a demo or a benchmark. The generators are registered in ``portal.demo``."""
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation

from portal import demo
from grid.territory import DISTRICTS


class Command(BaseCommand):
    help = "Load demo data: territory, a synthetic roster with its history, and one account per role."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=3000, help="number of enterprises (default 3000)")
        parser.add_argument("--districts", type=int, default=1,
                            help=f"1 = 武进区 only; up to {len(DISTRICTS)} fills the other districts of 常州市 too")
        parser.add_argument("--seed", type=int, default=42, help="random seed: the same seed gives the same data")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when the demo data (the roster) is already there")
        parser.add_argument("--allow-production", action="store_true",
                            help="run even with PORTAL_DEPLOYMENT=production (it creates a superuser)")

    def handle(self, *args, enterprises, districts, seed, if_empty, allow_production, **options):
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError("Refusing to load demo data (with a printed superuser password) into a production "
                               "deployment; pass --allow-production if you really mean it.")
        if enterprises < 1:
            raise CommandError("--enterprises must be at least 1")
        if not 1 <= districts <= len(DISTRICTS):
            raise CommandError(f"--districts must be between 1 and {len(DISTRICTS)}")
        there = demo.populated()
        if there:
            if if_empty:
                self.stdout.write(f"Demo data already loaded ({', '.join(there)}): nothing to do. The demo users' "
                                  "passwords were printed when it was loaded; to set one again: "
                                  ".venv/bin/python manage.py changepassword bureau")
                return
            raise CommandError(f"The database already holds data ({', '.join(there)}). Use --if-empty to skip, "
                               "or start from an empty database.")

        ctx = demo.DemoContext(rng=random.Random(seed), seed=seed, enterprises=enterprises, districts=districts,
                               today=timezone.localdate(), log=self.stdout.write)
        started = time.monotonic()
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            demo.run(ctx)
            self._print_accounts(ctx)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.1f} s "
                                             f"(seed {seed})."))

    def _print_accounts(self, ctx):
        """One line per account; the password is the last column (empty: the account already existed)."""
        rows = [("username", "role", "bound to", "password")]
        rows += [(a.username, a.role, a.bound_to or "-", a.password or "(existing, unchanged)")
                 for a in ctx.accounts]
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write("Demo accounts (demo only: no password change is required):")
        for row in rows:
            cells = [row[i] + " " * (widths[i] - _width(row[i])) for i in range(3)]
            self.stdout.write("  " + "  ".join(cells) + "  " + row[3])


def _width(text):
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))
