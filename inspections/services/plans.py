"""Enforcement plans, their items and completion, cross-inspection grants, and campaigns.

A plan's enterprises are picked by hand, by a filter (the caller passes the filtered, scoped
queryset) or by recorded random sampling (``portal.sampling``). Completion is live:
items due by a date with a linked submitted inspection on or before it ÷ items due by it.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise, Status
from grid.models import PATH_STEP, Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.sampling.services import sample_draw

from ..models import Campaign, HazardStatus, Inspection, InspectionPlan, PlanItem


@transaction.atomic
def plan_create(*, region, by, title, year, kind=InspectionPlan.Kind.ANNUAL, start=None, end=None, description=""):
    """A plan of the district bureau or a township for a year (the whole year unless narrowed), made
    by a user bound within ``region``."""
    _require_unit_may(by, caps.PLAN, region)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Give the plan a title.")
    if region is None or region.level not in (Region.Level.DISTRICT, Region.Level.TOWNSHIP):
        errors["region"] = _("A plan belongs to a district or a township.")
    try:
        year = int(year)
        start = start or datetime.date(year, 1, 1)
        end = end or datetime.date(year, 12, 31)
    except (TypeError, ValueError):
        errors["year"] = _("Give the plan's year.")
    if "year" not in errors and (start.year != year or end.year != year):
        errors["end"] = _("A plan's period lies within its year.")
    if errors:
        raise ValidationError(errors)
    plan = InspectionPlan(region=region, title=title.strip(), year=year, kind=kind, start=start, end=end,
                          description=(description or "").strip(), created_by=by)
    plan.full_clean()
    plan.save()
    return plan


def _require_unit(by, capability, obj):
    """Only the unit that made a plan or campaign (or one above it) changes it; units below read it
    (``Scope.owners`` of the model)."""
    scope.require(by, capability, obj, _("Only %(unit)s (or the bureau above it) may change this.") % {
        "unit": obj.region.name if hasattr(obj, "region") else obj.plan.region.name})


def _require_unit_may(by, capability, region):
    """A new plan or campaign of ``region``: made by a user bound within it (or above it)."""
    scope.require_within(by, capability, region, _("Only %(unit)s (or the bureau above it) may change this.") % {
        "unit": region.name} if region is not None else None)


def _check_due(plan, due_date):
    if due_date is None:
        raise ValidationError({"due_date": _("Give the date the inspections are due.")})
    if not plan.start <= due_date <= plan.end:
        raise ValidationError({"due_date": _("The due date must fall within the plan's period (%(start)s to %(end)s).")
                               % {"start": plan.start.isoformat(), "end": plan.end.isoformat()}})


def _check_assignee(plan, assignee, enterprises):
    if plan.kind != InspectionPlan.Kind.CROSS:
        return
    if assignee is None:
        raise ValidationError({"assignee": _("A cross-inspection assigns an inspector to each enterprise.")})
    if not scope.is_cross_inspector(assignee):
        raise ValidationError({"assignee": _("Cross-inspections are assigned to township inspectors.")})
    own = [e.name for e in enterprises if e.township.path.startswith(assignee.region.path)]
    if own:
        raise ValidationError({"assignee": _("A cross-inspection is outside the inspector's own township; "
                                             "these enterprises are in it: %(names)s.") % {"names": "、".join(own[:5])}})


@transaction.atomic
def plan_items_add(*, plan, by, enterprises, due_date, assignee=None, source=PlanItem.Source.MANUAL,
                   include_deregistered=False):
    """Add enterprises to a plan; ones already in it are skipped. Returns the number added.

    ``enterprises`` is a scoped queryset (or list); every one must lie in the plan's region.
    Deregistered enterprises are left out unless ``include_deregistered``: seed 000 item 2 asks for
    verification checks of deregistered enterprises all year (对已销号企业开展核查工作（全年）), which
    a plan then targets explicitly."""
    plan = InspectionPlan.objects.select_for_update().select_related("region").get(pk=plan.pk)
    _require_unit(by, caps.PLAN, plan)
    if plan.status == InspectionPlan.Status.CLOSED:
        raise ValidationError(_("The plan is closed."), code="plan_closed")
    _check_due(plan, due_date)
    enterprises = [e for e in enterprises]
    outside = [e.name for e in enterprises if not e.township.path.startswith(plan.region.path)]
    if outside:
        raise ValidationError(_("These enterprises lie outside %(region)s: %(names)s.") % {
            "region": plan.region.name, "names": "、".join(outside[:5])})
    live = enterprises if include_deregistered else [e for e in enterprises if e.status != Status.DEREGISTERED]
    if not live and enterprises:
        raise ValidationError(_("Only deregistered enterprises were picked: include deregistered enterprises "
                                "to plan their verification checks."), code="deregistered")
    if not live:
        raise ValidationError(_("No enterprise on the roster was picked."), code="empty")
    _check_assignee(plan, assignee, live)
    already = set(plan.items.values_list("enterprise_id", flat=True))
    new = [PlanItem(plan=plan, enterprise=e, township_id=e.township_id, due_date=due_date, assignee=assignee,
                    source=source) for e in live if e.pk not in already]
    PlanItem.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def plan_items_sample(*, plan, by, queryset, due_date, n=None, percent=None, seed=None, description="",
                      params=None, assignee=None, include_deregistered=False):
    """Draw ``n`` or ``percent`` % (rounded up) of ``queryset`` by recorded random sampling and add
    the drawn enterprises to the plan. ``params`` (the roster filter's query parameters) are stored
    with the draw beside its readable ``description``. Deregistered enterprises are in the
    population only with ``include_deregistered`` (as ``plan_items_add``). Returns the ``Sample``."""
    _require_unit(by, caps.PLAN, plan)
    if not include_deregistered:
        queryset = queryset.exclude(status=Status.DEREGISTERED)
    sample = sample_draw(queryset=queryset, by=by, n=n, percent=percent, seed=seed, region=plan.region,
                         title=_("Enforcement plan: %(title)s") % {"title": plan.title},
                         filters={"description": description, "params": params or {},
                                  "include_deregistered": bool(include_deregistered)})
    drawn = Enterprise.objects.filter(pk__in=sample.drawn_ids).select_related("township")
    plan_items_add(plan=plan, by=by, enterprises=drawn, due_date=due_date, source=PlanItem.Source.SAMPLE,
                   assignee=assignee, include_deregistered=include_deregistered)
    InspectionPlan.objects.filter(pk=plan.pk).update(sample=sample)
    return sample


@transaction.atomic
def plan_item_remove(*, item, by):
    _require_unit(by, caps.PLAN, item.plan)
    if item.inspections.exists():
        raise ValidationError(_("This plan item already has an inspection: it stays in the plan."), code="done")
    item.delete()


def done_items(queryset, on):
    """``queryset`` of plan items annotated with ``done``: a submitted inspection on or before ``on``."""
    return queryset.annotate(done=Exists(Inspection.objects.filter(plan_item=OuterRef("pk"), inspected_on__lte=on)))


def plan_completion(plan, on=None):
    """``{total, due, done_due, done, rate, overdue}`` of ``plan`` on date ``on`` (default today):
    rate = due items done ÷ due items (None when nothing is due yet). One query."""
    on = on or timezone.localdate()
    done = Exists(Inspection.objects.filter(plan_item=OuterRef("pk"), inspected_on__lte=on))
    counts = plan.items.annotate(is_done=done).aggregate(
        total=Count("pk"), due=Count("pk", filter=Q(due_date__lte=on)),
        done=Count("pk", filter=Q(is_done=True)),
        done_due=Count("pk", filter=Q(is_done=True, due_date__lte=on)))
    counts["overdue"] = counts["due"] - counts["done_due"]
    counts["rate"] = round(100 * counts["done_due"] / counts["due"], 2) if counts["due"] else None
    return counts


def plan_items_overdue(plan, on=None):
    on = on or timezone.localdate()
    return done_items(plan.items.filter(due_date__lt=on), on).filter(done=False)


# -- cross-inspection: the assignment widens the inspector's scope, for the plan's period ---------
GRANTED_MODELS = {
    # model label -> lookup path to the enterprise id (the models an inspector needs to inspect)
    "enterprises.enterprise": "pk",
    "inspections.inspection": "enterprise_id",
    "inspections.inspectionanswer": "inspection__enterprise_id",
    "inspections.hazard": "enterprise_id",
    "inspections.hazardevent": "hazard__enterprise_id",
    "inspections.hazardextension": "hazard__enterprise_id",
    "inspections.penalty": "enterprise_id",
}


def _active_assignments(user, today):
    return PlanItem.objects.filter(assignee=user, plan__kind=InspectionPlan.Kind.CROSS,
                                   plan__status=InspectionPlan.Status.ACTIVE,
                                   plan__start__lte=today, plan__end__gte=today)


@scope.register_grant
def cross_inspection_grant(user, model):
    """A township inspector assigned to a cross-inspection sees (and inspects) the assigned
    enterprises, their inspections and hazards, and the plan items assigned to them — only
    while the plan is in force. Nothing else widens: verification stays with the enterprise's own
    township (``hazard_may_verify``)."""
    if not scope.is_cross_inspector(user):
        return None
    today = timezone.localdate()
    label = model._meta.label_lower
    if label == "inspections.planitem":
        return Q(pk__in=_active_assignments(user, today).values("pk"))
    if label == "inspections.inspectionplan":
        return Q(pk__in=_active_assignments(user, today).values("plan_id"))
    path = GRANTED_MODELS.get(label)
    if path is None:
        return None
    return Q(**{f"{path}__in": _active_assignments(user, today).values("enterprise_id")})


@scope.register_grant
def higher_units_grant(user, model):
    """A township reads the district's (and city's) plans and campaigns, and the district plan's
    items for its own enterprises, so its inspectors can carry them out; changing them stays with
    the unit that made them (``_require_unit``)."""
    if scope.bound_region(user) is None:
        return None
    label = model._meta.label_lower
    if label in ("inspections.inspectionplan", "inspections.campaign"):
        path = user.region.path
        return Q(region__path__in=[path[:i] for i in range(PATH_STEP, len(path), PATH_STEP)])
    if label == "inspections.planitem":
        return Q(township__path__startswith=user.region.path)
    return None


# -- campaigns -------------------------------------------------------------------------------------
@transaction.atomic
def campaign_create(*, region, by, name, kind, start, end, description="", targets=()):
    _require_unit_may(by, caps.MANAGE_CAMPAIGNS, region)
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Give the campaign a name.")
    if start is None or end is None:
        errors["end"] = _("Give the campaign's start and end.")
    elif end < start:
        errors["end"] = _("The campaign cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    campaign = Campaign(region=region, name=name.strip(), kind=kind, start=start, end=end,
                        description=(description or "").strip(), created_by=by)
    campaign.full_clean()
    campaign.save()
    if targets:
        campaign_targets_add(campaign=campaign, by=by, enterprises=targets)
    return campaign


@transaction.atomic
def campaign_targets_add(*, campaign, by, enterprises):
    _require_unit(by, caps.MANAGE_CAMPAIGNS, campaign)
    enterprises = list(enterprises)
    outside = [e.name for e in enterprises if not e.township.path.startswith(campaign.region.path)]
    if outside:
        raise ValidationError(_("These enterprises lie outside %(region)s: %(names)s.") % {
            "region": campaign.region.name, "names": "、".join(outside[:5])})
    campaign.targets.add(*enterprises)
    return len(enterprises)


def campaign_not_cleared(campaign):
    """Target enterprises not cleared (未清零) at the campaign's end, each annotated with
    ``open_at_end`` and ``still_open`` (its major hazards open now): tracked until all are closed."""
    hazards = campaign.not_cleared_hazards()
    return (Enterprise.objects.filter(pk__in=hazards.values("enterprise_id"))
            .select_related("township")
            .annotate(open_at_end=Count("hazards", filter=Q(hazards__in=hazards.values("pk")), distinct=True),
                      still_open=Count("hazards", filter=Q(hazards__in=hazards.values("pk"))
                                       & ~Q(hazards__status=HazardStatus.CLOSED), distinct=True))
            .order_by("township__order", "name"))
