"""Enforcement plans (执法计划) and campaigns (专项整治…): lists, the plan page with its live
completion, adding plan items by hand, by roster filter or by recorded random sampling, and the
campaign page with its not-cleared list. Every queryset starts from ``scope``; every write is a
``services`` call.

Who changes a plan or a campaign: ``scope.can(user, "plan" | "manage_campaigns", obj)`` — the
superuser, or bureau staff / township inspectors whose region contains its unit (the models'
``Scope.owners``). A cross-inspector sees the plan that assigns them (scope grant) and inspects
their items, but does not change the plan (403).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.filters import EnterpriseFilter
from enterprises.models import Enterprise, Status
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.rules.services import threshold
from portal.sampling.services import sample_replay
from portal.ui import form_errors_from, paginate, query_without

from . import services
from .filters import PlanFilter
from .forms_plans import (CampaignFilter, CampaignForm, FilterItemsForm, ManualItemsForm, PlanForm, PlanItemFilter,
                          PlanRosterFilter, SampleItemsForm, TargetFilter, planning_regions)
from .models import Campaign, CheckingLevel, Inspection, InspectionPlan, PlanItem
from .views_self_checks import campaign_self_checks

PREVIEW_SIZE = 20


# -- access ------------------------------------------------------------------------------------------
def _has_plans(user):
    """Plans and campaigns are the inspectors' pages; for every other role they do not exist."""
    return scope.can(user, caps.SUPERVISE)


def _require_plans(user):
    if not _has_plans(user):
        raise Http404("No plans for this role")


def _get_plan(user, pk, for_change=False):
    _require_plans(user)
    plan, can_change = scope.get(user, InspectionPlan.objects.select_related("region", "sample", "created_by"),
                                 pk=pk)
    if for_change and not can_change:
        raise PermissionDenied(_("Only %(unit)s (or the bureau above it) may change this.") % {"unit": plan.region.name})
    return plan, can_change


def _get_campaign(user, pk, for_change=False):
    _require_plans(user)
    campaign, can_change = scope.get(user, Campaign.objects.select_related("region"), pk=pk)
    if for_change and not can_change:
        raise PermissionDenied(_("Only %(unit)s (or the bureau above it) may change this.") % {
            "unit": campaign.region.name})
    return campaign, can_change


def _styled(filterset):
    """Bootstrap classes on a filter set's widgets (its form is built on first access)."""
    for field in filterset.form.fields.values():
        css = "form-select" if hasattr(field.widget, "choices") else "form-control"
        field.widget.attrs["class"] = css
    return filterset


def _unit_region(request, form):
    """The unit a new plan or campaign belongs to: the user's own region, or the one they picked."""
    return form.cleaned_data["region"] if "region" in form.fields else request.user.region


def _roster_in(user, region, deregistered=False):
    """Enterprises the user sees within ``region`` and still on the roster (with ``deregistered``,
    the deregistered ones too): what a plan or campaign of ``region`` picks from."""
    qs = Enterprise.objects.filter(township__path__startswith=region.path).select_related("township")
    return scope.visible(user, qs if deregistered else qs.exclude(status=Status.DEREGISTERED))


def _roster_filter(request, region, filterset_class=EnterpriseFilter):
    """The roster filter (enterprises.filters.EnterpriseFilter, or the plans' PlanRosterFilter that
    may take in deregistered enterprises) over the part of ``region`` the user sees, read from the
    query string. Returns ``(filterset, queryset or None if invalid, description)``."""
    roster = _roster_in(request.user, region, deregistered=filterset_class is PlanRosterFilter)
    filterset = filterset_class(request.GET, queryset=roster, request=request)
    if not filterset.is_valid():
        return filterset, None, ""
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif name == "status":
            value = Status(value).label
        elif name == "deregistered":
            value = dict(filterset.form.fields[name].choices).get(value, value)
        parts.append(f"{filterset.form.fields[name].label}：{value}")
    return filterset, filterset.qs.order_by("name", "pk"), "；".join(parts) or _("whole roster")


# -- plans -------------------------------------------------------------------------------------------
def _count_items(on, **filters):
    """A subquery counting the items of the outer plan (``done`` as in services.done_items)."""
    items = services.done_items(PlanItem.objects.filter(plan=OuterRef("pk")), on).filter(**filters)
    return Coalesce(Subquery(items.order_by().values("plan").annotate(n=Count("pk")).values("n"),
                             output_field=IntegerField()), Value(0))


@login_required
def plan_list(request):
    user = request.user
    _require_plans(user)
    today = timezone.localdate()
    filterset = PlanFilter(request.GET or None, queryset=scope.visible(user, InspectionPlan.objects.select_related(
        "region")))
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    # completion of every row in the page's one query: items, items due, due items done
    qs = qs.annotate(n_items=_count_items(today), n_due=_count_items(today, due_date__lte=today),
                     n_done_due=_count_items(today, due_date__lte=today, done=True))
    page = paginate(request, qs.order_by("-year", "region__path", "title", "pk"))
    for plan in page.object_list:
        plan.rate = round(100 * plan.n_done_due / plan.n_due, 2) if plan.n_due else None
    return render(request, "inspections/plans/plan_list.html", {
        "filter": _styled(filterset), "page": page, "query": query_without(request, "page"),
    })


@login_required
def plan_new(request):
    user = request.user
    if not scope.can(user, caps.PLAN):  # a step the role never takes: 403, like the API
        raise PermissionDenied(_("Your account may not take this step."))
    regions = planning_regions(user, scope.regions(user))
    form = PlanForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(region=_unit_region(request, form), by=user, title=data["title"],
                                        year=data["year"], kind=data["kind"], start=data["start"], end=data["end"],
                                        description=data["description"])
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Enforcement plan %(title)s created: now add its enterprises.")
                             % {"title": plan.title})
            return redirect("inspections:plan_detail", pk=plan.pk)
    return render(request, "inspections/plans/plan_form.html", {"form": form, "own_region": user.region
                                                                  if regions is None else None})


@login_required
def plan_detail(request, pk):
    user = request.user
    plan, can_change = _get_plan(user, pk)
    today = timezone.localdate()
    completion = services.plan_completion(plan, on=today)
    target = threshold("plan_completion_target", region=plan.region, on=today)
    first_inspection = (Inspection.objects.filter(plan_item=OuterRef("pk"), inspected_on__lte=today)
                        .order_by("inspected_on", "pk").values("pk")[:1])
    items = services.done_items(scope.visible(user, plan.items.select_related("enterprise", "township",
                                                                               "assignee")), today)
    items = items.annotate(inspection_pk=Subquery(first_inspection))
    filterset = PlanItemFilter(request.GET or None, queryset=items, today=today,
                               townships=scope.townships(user))
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    overdue = scope.visible(user, services.plan_items_overdue(plan, on=today)).select_related("enterprise",
                                                                                             "assignee")
    sample = None
    if plan.sample_id:
        sample = plan.sample
        sample.drawn = list(Enterprise.objects.filter(pk__in=sample.drawn_ids).select_related("township")
                            .order_by("name"))
        sample.replays = sample_replay(sample) == sample.drawn_ids
    return render(request, "inspections/plans/plan_detail.html", {
        "plan": plan, "can_change": can_change, "completion": completion, "target": target,
        "target_met": completion["rate"] is not None and completion["rate"] >= target,
        "overdue": overdue[:PREVIEW_SIZE], "overdue_count": completion["overdue"],
        "filter": _styled(filterset), "page": paginate(request, qs.order_by("due_date", "enterprise__name", "pk")),
        "query": query_without(request, "page"), "today": today, "sample": sample,
        "may_inspect": plan.status == InspectionPlan.Status.ACTIVE and _has_plans(user),
    })


def _add_items(request, plan, form, enterprises, source, include_deregistered=False):
    """Call plan_items_add; a redirect to the plan page, or None with the errors on the form."""
    try:
        added = services.plan_items_add(plan=plan, by=request.user, enterprises=enterprises,
                                        due_date=form.cleaned_data["due_date"],
                                        assignee=form.cleaned_data.get("assignee"), source=source,
                                        include_deregistered=include_deregistered)
    except ValidationError as exc:
        form_errors_from(form, exc)
        return None
    messages.success(request, _("%(n)s enterprises added to the plan (already planned ones are skipped).")
                     % {"n": added})
    return redirect("inspections:plan_detail", pk=plan.pk)


@login_required
def plan_items_add(request, pk):
    """By hand: search the roster of the plan's region by name, tick several."""
    plan, _can = _get_plan(request.user, pk, for_change=True)
    roster = _roster_in(request.user, plan.region)
    form = ManualItemsForm(request.POST or None, plan=plan, enterprises=roster)
    if request.method == "POST" and form.is_valid():
        done = _add_items(request, plan, form, form.cleaned_data["enterprises"], PlanItem.Source.MANUAL)
        if done:
            return done
    search = TargetFilter(request.GET or None, queryset=roster.exclude(plan_items__plan=plan))
    page = paginate(request, search.qs.order_by("name", "pk"), per_page=PREVIEW_SIZE)
    ticked = {str(v) for v in (form["enterprises"].value() or ())}
    return render(request, "inspections/plans/items_add.html", {
        "plan": plan, "form": form, "search": search, "page": page, "ticked": ticked,
        "query": query_without(request, "page"),
    })


@login_required
def plan_items_filter(request, pk):
    """By roster filter: preview the count, then add them all."""
    plan, _can = _get_plan(request.user, pk, for_change=True)
    filterset, qs, description = _roster_filter(request, plan.region, PlanRosterFilter)
    form = FilterItemsForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        if qs is None:
            form.add_error(None, _("Correct the filter first."))
        else:
            done = _add_items(request, plan, form, qs, PlanItem.Source.FILTER,
                              include_deregistered=filterset.include_deregistered)
            if done:
                return done
    return render(request, "inspections/plans/items_filter.html", {
        "plan": plan, "form": form, "filter": _styled(filterset), "description": description,
        "count": qs.count() if qs is not None else 0, "preview": qs[:PREVIEW_SIZE] if qs is not None else (),
        "query": request.GET.urlencode(),
    })


@login_required
def plan_items_sample(request, pk):
    """By recorded random sampling (随机抽查) from a roster filter: n or a percentage."""
    plan, _can = _get_plan(request.user, pk, for_change=True)
    filterset, qs, description = _roster_filter(request, plan.region, PlanRosterFilter)
    form = SampleItemsForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if qs is None:
            form.add_error(None, _("Correct the filter first."))
        else:
            try:
                sample = services.plan_items_sample(plan=plan, by=request.user, queryset=qs,
                                                    due_date=data["due_date"], n=data["n"], percent=data["percent"],
                                                    description=description,
                                                    params={k: v for k, v in request.GET.items() if v},
                                                    include_deregistered=filterset.include_deregistered)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("%(k)s of %(size)s enterprises drawn and added to the plan.")
                                 % {"k": sample.drawn_size, "size": sample.population_size})
                return redirect("inspections:plan_detail", pk=plan.pk)
    return render(request, "inspections/plans/items_sample.html", {
        "plan": plan, "form": form, "filter": _styled(filterset), "description": description,
        "count": qs.count() if qs is not None else 0, "query": request.GET.urlencode(),
    })


@login_required
@require_POST
def plan_item_remove(request, pk, item_pk):
    plan, _can = _get_plan(request.user, pk, for_change=True)
    item, _can = scope.get(request.user, plan.items.select_related("enterprise"), pk=item_pk)
    try:
        services.plan_item_remove(item=item, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s removed from the plan.") % {"name": item.enterprise.name})
    return redirect("inspections:plan_detail", pk=plan.pk)


# -- campaigns ---------------------------------------------------------------------------------------
@login_required
def campaign_list(request):
    user = request.user
    _require_plans(user)
    filterset = CampaignFilter(request.GET or None, queryset=scope.visible(user, Campaign.objects.select_related(
        "region")))
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    targets = (Campaign.targets.through.objects.filter(campaign=OuterRef("pk")).order_by().values("campaign")
               .annotate(n=Count("pk")).values("n"))
    # enterprises inspected, not visits (seed 001 (二) counts the enterprises checked)
    checked = (Inspection.objects.filter(campaign=OuterRef("pk")).order_by().values("campaign")
               .annotate(n=Count("enterprise", distinct=True)).values("n"))
    qs = qs.annotate(n_targets=Coalesce(Subquery(targets, output_field=IntegerField()), Value(0)),
                     n_checked=Coalesce(Subquery(checked, output_field=IntegerField()), Value(0)))
    page = paginate(request, qs.order_by("-start", "name", "pk"))
    return render(request, "inspections/campaigns/campaign_list.html", {
        "filter": _styled(filterset), "page": page, "query": query_without(request, "page"),
        "today": timezone.localdate(),
    })


@login_required
def campaign_new(request):
    user = request.user
    if not scope.can(user, caps.MANAGE_CAMPAIGNS):  # a step the role never takes: 403, like the API
        raise PermissionDenied(_("Your account may not take this step."))
    regions = planning_regions(user, scope.regions(user))
    form = CampaignForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(region=_unit_region(request, form), by=user, name=data["name"],
                                                kind=data["kind"], start=data["start"], end=data["end"],
                                                description=data["description"])
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Campaign %(name)s created: now add its target enterprises.")
                             % {"name": campaign.name})
            return redirect("inspections:campaign_detail", pk=campaign.pk)
    return render(request, "inspections/campaigns/campaign_form.html", {
        "form": form, "own_region": user.region if regions is None else None})


@login_required
def campaign_detail(request, pk):
    user = request.user
    campaign, can_change = _get_campaign(user, pk)
    today = timezone.localdate()
    not_cleared = list(scope.visible(user, services.campaign_not_cleared(campaign)))
    inspections = scope.visible(user, campaign.inspections.select_related("enterprise", "township"))
    # Seed 001 (二) counts the enterprises checked (107 家企业), and by the level that checked them
    # (省、市、区三级核查检查): an enterprise visited twice is one enterprise.
    checked = inspections.aggregate(
        inspection_count=Count("pk"), checked_count=Count("enterprise", distinct=True),
        **{level: Count("enterprise", distinct=True, filter=Q(checking_level=level))
           for level in CheckingLevel.values})
    targets = TargetFilter(request.GET or None,
                           queryset=scope.visible(user, campaign.targets.select_related("township")))
    return render(request, "inspections/campaigns/campaign_detail.html", {
        "campaign": campaign, "can_change": can_change, "today": today, "ended": campaign.end < today,
        "not_cleared": not_cleared, "still_open": sum(1 for e in not_cleared if e.still_open),
        "inspections": inspections[:PREVIEW_SIZE], "inspection_count": checked["inspection_count"],
        "checked_count": checked["checked_count"],
        "checked_by_level": [(level, label, checked[level]) for level, label in CheckingLevel.choices
                             if checked[level]],
        "target_count": campaign.targets.count(), "filter": _styled(targets),
        "page": paginate(request, targets.qs.order_by("township__path", "name", "pk")),
        "query": query_without(request, "page"),
        **campaign_self_checks(user, campaign),
    })


@login_required
def campaign_targets_add(request, pk):
    """Targets by roster filter: preview the count, then add them all."""
    campaign, _can = _get_campaign(request.user, pk, for_change=True)
    filterset, qs, description = _roster_filter(request, campaign.region)
    if request.method == "POST":
        if qs is None:
            messages.error(request, _("Correct the filter first."))
        else:
            try:
                added = services.campaign_targets_add(campaign=campaign, by=request.user, enterprises=qs)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(n)s target enterprises added to the campaign.") % {"n": added})
                return redirect("inspections:campaign_detail", pk=campaign.pk)
    return render(request, "inspections/campaigns/targets_add.html", {
        "campaign": campaign, "filter": _styled(filterset), "description": description,
        "count": qs.count() if qs is not None else 0, "preview": qs[:PREVIEW_SIZE] if qs is not None else (),
        "query": request.GET.urlencode(),
    })

