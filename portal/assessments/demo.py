"""Demo data (``manage.py demo_data``): the last two closed quarters frozen for the city and for the
district of the demo's bureau, computed here from the demo's own records, so that the statistics of
a closed quarter, the dashboard's trend and the notice have snapshots at first start."""
from django.contrib.auth import get_user_model

from grid.models import Region
from portal.demo import register
from portal.figures.periods import Period

from . import demo_rubrics, services  # noqa: F401  (demo_rubrics: the two assessments, order 75)
from .models import Snapshot

ORDER = 80  # after every app that registers figures and makes records (risk_reports: 50)


def build(ctx):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["city", "bureau"])
             .select_related("region")}
    units = [(user.region, user) for name in ("city", "bureau") if (user := users.get(name)) and user.region]
    if not units:
        units = [(region, None) for region in Region.objects.filter(parent__isnull=True)]
    last = Period.containing(ctx.today).previous()
    made = 0
    for period in (last.previous(), last):
        for region, user in units:
            if region.level not in (Region.Level.CITY, Region.Level.DISTRICT):
                continue
            services.snapshot_compute(region=region, period=period, by=user, today=ctx.today)
            made += 1
    ctx.log(f"  {made} snapshots: {last.previous().label} and {last.label} of "
            f"{'、'.join(region.name for region, _u in units)}")


register("assessments", build, order=ORDER, populated=lambda: Snapshot.objects.exists())

from . import demo_key_tasks  # noqa: E402,F401  (the key tasks' demo registers itself)
