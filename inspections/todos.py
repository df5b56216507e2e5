"""What the hazard ledger and the plans ask of each role on its home page (issue 4: "deadlines
approaching and passed appear in each role's to-do list").

Township inspectors and bureau staff: hazards of their region due within the warning days
(threshold ``inspections.deadline_warning_days`` of their region) and overdue; submitted hazards
waiting for *their* verification and pending extension requests they decide (general hazards for
township inspectors, major ones — district supervised — for bureau staff); overdue plan items of
their region's plans, of a higher unit's plan in their region (unassigned), or assigned to them.
Enterprise principals and safety managers: hazards to plan, to rectify due soon or overdue, and
sent back. Grid members: nothing yet.
Each role's list is a fixed number of queries, whatever the number of hazards.
"""
from urllib.parse import urlencode

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.rules.services import threshold
from portal.ui import Todo, register_todos

from .models import Hazard, HazardEvent, HazardExtension, HazardSeverity, HazardStatus, InspectionPlan, PlanItem
from .services import done_items, hazards_due_soon, hazards_overdue

WARNING_DAYS = "inspections.deadline_warning_days"


def _url(name, **params):
    """The page's URL with ``params`` (a filtered list)."""
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def _hazards_url(**params):
    return _url("inspections:hazard_list", **params)


@register_todos
def inspections_todos(user):
    if not user.is_authenticated or not user.is_active:
        return []
    member = scope.membership(user)
    if member is not None:
        if not scope.can(user, caps.RECTIFY):
            return []
        return _enterprise_todos(user, member)
    if scope.can(user, caps.VERIFY_HAZARD) and scope.bound_region(user) is not None:
        return _inspector_todos(user)
    return []


def _inspector_todos(user):
    today = timezone.localdate()
    region = scope.bound_region(user)
    days = int(threshold(WARNING_DAYS, region=region, on=today))
    # their own region's hazards: a cross-inspection lets an inspector see another township's
    # hazards, but following up their deadlines stays with that township
    own = {"enterprise__township__path__startswith": region.path}
    hazards = scope.visible(user, Hazard.objects.filter(**own))
    # who verifies: the township general hazards, the district bureau major ones (Hazard.verifying_unit);
    # the bureau's list shows the major ones, the general ones being the townships' work
    bureau = region.level != Region.Level.TOWNSHIP
    severity = HazardSeverity.MAJOR if bureau else HazardSeverity.GENERAL
    to_verify = hazards.filter(status=HazardStatus.SUBMITTED, severity=severity)
    extensions = scope.visible(user, HazardExtension.objects.filter(
        status=HazardExtension.Status.PENDING, hazard__severity=severity,
        **{f"hazard__{k}": v for k, v in own.items()}))
    # the plans of their region, a higher unit's items in their region that nobody else is assigned
    # to (the township carries out the district's plan there), and the cross-inspections assigned to them
    plan_items = scope.visible(user, PlanItem.objects.filter(
        Q(plan__region__path__startswith=region.path) | Q(assignee=user)
        | Q(township__path__startswith=region.path, assignee__isnull=True),
        plan__status=InspectionPlan.Status.ACTIVE, due_date__lt=today))
    if bureau:
        verify_label = _("Major hazards waiting for your verification")
        extension_label = _("Extension requests of major hazards waiting for your decision")
    else:
        verify_label = _("General hazards waiting for your verification")
        extension_label = _("Extension requests waiting for your decision")
    return [
        Todo(_("Hazards past their rectification deadline"), hazards_overdue(hazards, today=today).count(),
             _hazards_url(overdue="true"), "danger"),
        Todo(_("Hazards due within %(days)s days") % {"days": days},
             hazards_due_soon(hazards, today=today, days=days).count(), _hazards_url(due_within=days)),
        Todo(verify_label, to_verify.count(), _hazards_url(status=HazardStatus.SUBMITTED, severity=severity),
             "primary"),
        Todo(extension_label, extensions.count(), _hazards_url(extension_pending="true", severity=severity), "info"),
        Todo(_("Overdue enforcement plan items"), done_items(plan_items, today).filter(done=False).count(),
             _url("inspections:plan_list", status=InspectionPlan.Status.ACTIVE), "danger"),
    ]


def _enterprise_todos(user, member):
    today = timezone.localdate()
    township = Enterprise.objects.select_related("township").only("township").get(pk=member.enterprise_id).township
    days = int(threshold(WARNING_DAYS, region=township, on=today))
    hazards = scope.visible(user, Hazard.objects.all())
    # the enterprise's part: reported (file the five in place) and rectifying; submitted ones wait
    # for the township
    to_rectify = hazards.filter(status__in=(HazardStatus.REPORTED, HazardStatus.RECTIFYING))
    last_action = HazardEvent.objects.filter(hazard=OuterRef("pk")).order_by("-at", "-id").values("action")[:1]
    sent_back = (hazards.filter(status=HazardStatus.RECTIFYING).annotate(last_action=Subquery(last_action))
                 .filter(last_action=HazardEvent.Action.SEND_BACK))
    return [
        Todo(_("Hazards waiting for your rectification plan (five in place)"),
             hazards.filter(status=HazardStatus.REPORTED).count(), _hazards_url(status=HazardStatus.REPORTED)),
        Todo(_("Hazards to rectify past their deadline"), hazards_overdue(to_rectify, today=today).count(),
             _hazards_url(overdue="true"), "danger"),
        Todo(_("Hazards to rectify due within %(days)s days") % {"days": days},
             hazards_due_soon(to_rectify, today=today, days=days).count(), _hazards_url(due_within=days)),
        Todo(_("Hazards sent back: rectify them again"), sent_back.count(),
             _hazards_url(status=HazardStatus.RECTIFYING), "danger"),
    ]
