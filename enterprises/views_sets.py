"""The roster-sets page: the named sets of enterprises (重点行业, 涉粉 ≥ 30 人, ...) the bureau
keeps as roster filters, which figures take as a parameter (``inspections.coverage:dust_30``).
Field roles read them; bureau staff create and edit them."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _, gettext_lazy

from portal.accounts import scope
from portal.accounts import capabilities as caps
from portal.ui import BootstrapFormMixin, form_errors_from

from . import roster_sets
from .models import Enterprise, RosterSet


def _may_read(user):
    return scope.can(user, caps.ROSTER_REPORTS)


def _may_edit(user):
    return scope.can(user, caps.MANAGE_ROSTER_SETS)


class RosterSetForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = RosterSet
        fields = ["name", "code", "description", "order"]
        labels = {"order": gettext_lazy("Order")}


@login_required
def roster_set_list(request):
    if not _may_read(request.user):
        raise Http404("No roster sets for this role")
    visible = scope.visible(request.user, Enterprise.objects.all())
    sets = [{"set": s, "filters": roster_sets.describe(s), "query": roster_sets.roster_query(s),
             "count": roster_sets.members(s, visible).count()} for s in RosterSet.objects.all()]
    return render(request, "enterprises/roster_sets.html", {"sets": sets, "may_edit": _may_edit(request.user)})


@login_required
def roster_set_edit(request, pk=None):
    if not _may_read(request.user):
        raise Http404("No roster sets for this role")
    if not _may_edit(request.user):
        raise PermissionDenied
    roster_set = get_object_or_404(RosterSet, pk=pk) if pk is not None else None
    data = request.POST if request.method == "POST" else None
    form = RosterSetForm(data, instance=roster_set)
    filters = roster_sets.SetFilter(data if data is not None else (roster_set.filters if roster_set else None),
                                    queryset=Enterprise.objects.none())
    if data is not None and form.is_valid() & filters.is_valid():
        try:
            saved = roster_sets.roster_set_save(
                by=request.user, roster_set=RosterSet.objects.get(pk=pk) if pk is not None else None,
                filters={k: data.get(k) for k in roster_sets.SET_FILTERS}, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Roster set %(name)s saved.") % {"name": saved.name})
            return redirect("enterprises:sets")
    return render(request, "enterprises/roster_set_form.html", {
        "form": form, "filter_form": filters.form, "roster_set": roster_set})
