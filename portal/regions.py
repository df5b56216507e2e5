"""Territory pages: the region tree under the user's region, editing a region's division code,
name and order, adding villages and grid cells. Bureau staff and township inspectors work within
their own region (through ``scope``); the region they are bound to is not theirs to rename."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _, gettext_lazy

from grid.models import GridCell, Region

from .accounts import capabilities as caps
from .accounts import scope
from .ui import BootstrapFormMixin


class RegionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Region
        fields = ["name", "short_name", "code", "code_is_local", "order"]


class ChildRegionForm(RegionForm):
    pass


class GridCellForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = GridCell
        fields = ["name", "code", "is_dedicated"]


def _region_for(request, pk):
    region, can_change = scope.get(request.user, scope.regions(request.user), pk=pk)
    return region, can_change


def _editable(user, region):
    """Bureau staff and inspectors edit regions strictly below the one they are bound to: a region
    is changed by whoever manages its parent (``Region.Scope.owners``)."""
    if user.is_superuser:
        return True
    return region.parent_id is not None and scope.can(user, caps.MANAGE_REGIONS, region.parent)


@login_required
def region_tree(request, pk=None):
    if not scope.can(request.user, caps.SUPERVISE):
        raise Http404("No territory pages for this role")
    if pk is None:
        region = scope.figure_root(request.user)
        if region is None:
            raise Http404("No region")
    else:
        region, _can = _region_for(request, pk)
    children = region.children.order_by("order", "code").annotate(
        n_children=Count("children", distinct=True), n_cells=Count("grid_cells", distinct=True))
    cells = region.grid_cells.annotate(n_enterprises=Count("enterprises")).order_by("code") \
        if region.level in (Region.Level.TOWNSHIP, Region.Level.VILLAGE) else None
    return render(request, "portal/region_tree.html", {
        "region": region, "children": children, "cells": cells, "ancestors": region.ancestors(),
        "can_edit": _editable(request.user, region),
        # the region is visible, so it lies within the user's own: they may add below it
        "can_add_child": region.level in Region.CHILD_LEVEL,
        "child_level": Region.CHILD_LEVEL.get(region.level),
    })


@login_required
def region_edit(request, pk):
    region, _can = _region_for(request, pk)
    if not _editable(request.user, region):
        raise PermissionDenied
    form = RegionForm(request.POST or None, instance=region)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("regions:detail", pk=region.pk)
    return render(request, "portal/region_form.html", {"form": form, "region": region})


@login_required
def region_add_child(request, pk):
    parent, _can = _region_for(request, pk)
    if parent.level not in Region.CHILD_LEVEL or not scope.can(request.user, caps.MANAGE_REGIONS, parent,
                                                               in_scope=True):
        raise PermissionDenied
    form = ChildRegionForm(request.POST or None,
                           instance=Region(parent=parent, level=Region.CHILD_LEVEL[parent.level]))
    if request.method == "POST" and form.is_valid():  # the form's model validation checks level and parent
        child = form.save()
        messages.success(request, _("%(name)s added.") % {"name": child.name})
        return redirect("regions:detail", pk=parent.pk)
    return render(request, "portal/region_form.html", {"form": form, "parent": parent})


@login_required
def cell_add(request, pk):
    region, _can = _region_for(request, pk)
    if region.level not in (Region.Level.TOWNSHIP, Region.Level.VILLAGE) or not scope.can(
            request.user, caps.MANAGE_REGIONS, region, in_scope=True):
        raise PermissionDenied
    form = GridCellForm(request.POST or None, instance=GridCell(region=region))
    if request.method == "POST" and form.is_valid():
        cell = form.save()
        messages.success(request, _("Grid cell %(name)s added.") % {"name": cell.name})
        return redirect("regions:detail", pk=region.pk)
    return render(request, "portal/region_form.html", {"form": form, "parent": region, "is_cell": True})


app_name = "regions"
urlpatterns = [
    path("", region_tree, name="tree"),
    path("<int:pk>/", region_tree, name="detail"),
    path("<int:pk>/edit/", region_edit, name="edit"),
    path("<int:pk>/add/", region_add_child, name="add_child"),
    path("<int:pk>/cells/add/", cell_add, name="cell_add"),
]
