"""The bureau's page for thresholds: what applies to its region, and adding a new version for its
region or a region below it. Other roles get the 404 of a page that does not exist."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.ui import form_errors_from

from . import services
from .forms import ThresholdVersionForm
from .models import Threshold


def may_manage_thresholds(user):
    return scope.can(user, caps.MANAGE_THRESHOLDS) and (user.is_superuser or scope.bound_region(user) is not None)


def bureau_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_manage_thresholds(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)
    return wrapped


def _visible_versions(user):
    """Defaults, versions of the user's ancestors (they apply to it) and of regions in its scope."""
    region = scope.bound_region(user)
    qs = Threshold.objects.select_related("region", "created_by")
    if user.is_superuser or region is None:
        return qs.order_by("name", "region__path", "-effective_from")
    ancestors = services.ancestor_paths(region.path)[:-1]
    return qs.filter(Q(region__isnull=True) | Q(region__path__in=ancestors)
                     | Q(region__path__startswith=region.path)).order_by("name", "region__path", "-effective_from")


@bureau_required
def threshold_list(request):
    region = scope.bound_region(request.user)
    versions = list(_visible_versions(request.user))
    names = services.threshold_names()
    current = {}
    for name in names:
        try:
            current[name] = services.threshold(name, region=region)
        except services.ThresholdMissing:
            current[name] = None
    groups = [{"name": n, "label": row["label"], "unit": row["unit"], "current": current[n],
               "versions": [v for v in versions if v.name == n]} for n, row in names.items()]
    return render(request, "rules/threshold_list.html", {"groups": groups, "region": region})


@bureau_required
def threshold_add(request):
    initial = {"name": request.GET.get("name"), "region": scope.bound_region(request.user)}
    form = ThresholdVersionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.threshold_create(name=data["name"], region=data["region"], value=data["value"],
                                      effective_from=data["effective_from"], source=data["source"],
                                      by=request.user)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The new value is saved and takes effect on %(date)s.") % {
                "date": data["effective_from"].isoformat()})
            return redirect("rules:list")
    return render(request, "rules/threshold_form.html", {"form": form})
