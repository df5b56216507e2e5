"""The quarter's snapshots (issue 10 item 1): the list with the compute button, and one snapshot —
its progress while building (htmx polls it), then its figures per unit as they were frozen."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.figures.periods import QUARTER, Period
from portal.ui import paginate

from . import services
from .models import Snapshot

FROZEN_LEVELS = (Region.Level.CITY, Region.Level.DISTRICT)


def _pickable(user):
    return scope.regions(user).filter(level__in=FROZEN_LEVELS).order_by("path")


def _region(request, data):
    root = scope.figure_root(request.user)
    if root is None or root.level not in FROZEN_LEVELS:
        raise Http404("No region to freeze")
    picked = data.get("region")
    if picked:
        region, _can = scope.get(request.user, _pickable(request.user), pk=picked)
        return region
    return root


@login_required
def snapshot_list(request):
    """The snapshots of a region, newest first, and the button that computes a quarter."""
    if not scope.holds(request.user, caps.COMPUTE_SNAPSHOTS):
        raise Http404("No snapshots for this role")
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else request.GET
    region = _region(request, data)
    quarter = Period.parse(data.get("quarter"), QUARTER) or Period.containing(today).previous()
    if request.method == "POST":
        try:
            snapshot = services.snapshot_request(region=region, period=quarter, by=request.user, today=today)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except PermissionDenied as error:
            messages.error(request, str(error) or _("Your account may not take this step."))
        else:
            messages.success(request, _("Computing %(period)s of %(region)s; the figures become current when "
                                        "every district has arrived.") % {"period": quarter.label,
                                                                          "region": region.name})
            return redirect("assessments:snapshot_detail", snapshot.pk)
        return redirect(f"{request.path}?region={region.pk}&quarter={quarter}")
    services.snapshot_fail_stale()
    snapshots = scope.visible(request.user, Snapshot.objects.filter(region=region)).select_related("requested_by")
    page = paginate(request, snapshots, per_page=20)
    return render(request, "assessments/snapshot_list.html", {
        "region": region, "regions": _pickable(request.user), "quarter": quarter,
        "quarters": Period.recent(today, 8), "page": page,
        "current": {s.period for s in Snapshot.objects.filter(region=region, state=Snapshot.State.CURRENT)},
    })


@login_required
def snapshot_detail(request, pk):
    """One snapshot: progress while it builds; then the table of its region's children and, for a
    city, each district's townships (``?unit=``)."""
    services.snapshot_fail_stale()
    snapshot, _can = scope.get(request.user, Snapshot.objects.select_related("region", "requested_by"), pk=pk)
    if not scope.holds(request.user, caps.COMPUTE_SNAPSHOTS):
        raise Http404("No snapshots for this role")
    if request.headers.get("HX-Request"):
        return render(request, "assessments/_snapshot_status.html", {"snapshot": snapshot})
    table = None
    unit = snapshot.region
    if snapshot.state in (Snapshot.State.CURRENT, Snapshot.State.REPLACED):
        picked = request.GET.get("unit")
        if picked:
            unit, _c = scope.get(request.user, Region.objects.filter(path__startswith=snapshot.region.path,
                                                                      level__in=FROZEN_LEVELS), pk=picked)
        table = services.snapshot_table(snapshot, unit)
    return render(request, "assessments/snapshot_detail.html", {
        "snapshot": snapshot, "table": table, "unit": unit, "period": services.period_of(snapshot)})
