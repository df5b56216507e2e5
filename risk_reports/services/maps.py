"""The risk map of "one map, two cards, four lists" (issue 11 item 3; RULES.md §6, seed 003 附件1
item 6): an enterprise uploads a floor plan per site, replaces or retires it, and places its risk
points on it, moves and removes them.

Every write checks ``scope`` first (the enterprise's own managers change its map; townships and the
bureau read it), then the record, inside one transaction: bad input raises ``ValidationError`` in
Chinese and nothing is written (the image is validated before its plan is saved).
"""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise
from enterprises.models import Status as EnterpriseStatus
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.rules.services import threshold

from ..models import PointPlacement, RiskPoint, SitePlan
from .images import image_attach, image_check

MAX_MB = "risk.floor_plan_max_mb"
MANAGERS_ONLY = gettext_lazy("Only the enterprise's own managers change its risk map.")
SITE_MAX = SitePlan._meta.get_field("site").max_length
FOUR_PLACES = Decimal("0.0001")


def plan_limit(enterprise):
    """The size limit of a floor plan in bytes (threshold ``risk.floor_plan_max_mb`` of the
    enterprise's township)."""
    return int(threshold(MAX_MB, region=enterprise.township) * 1024 * 1024)


def _sees(user, enterprise):
    return scope.visible(user, Enterprise.objects.filter(pk=enterprise.pk)).exists()


def _require(by, obj, enterprise):
    if by is None:  # the portal itself (demo generator, a management command)
        return
    if not scope.can(by, caps.MANAGE_RISK_POINTS, obj, in_scope=_sees(by, enterprise)):
        raise PermissionDenied(MANAGERS_ONLY)


def _require_open(enterprise):
    if enterprise.status == EnterpriseStatus.DEREGISTERED:
        raise ValidationError(_("The enterprise is deregistered: its risk map cannot be changed."))


def _attach(plan, image, by):
    limit = plan_limit(plan.enterprise)
    try:
        attachment = image_attach(owner=plan, file=image, by=by if getattr(by, "pk", None) else None, limit=limit)
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from None
    plan.image, plan.width, plan.height = attachment, attachment.width, attachment.height
    plan.uploaded_at = timezone.now()
    plan.uploaded_by = by if getattr(by, "pk", None) else None


# -- plans ------------------------------------------------------------------------------------------------------------
@transaction.atomic
def site_plan_upload(*, enterprise, by, site, image):
    """The floor plan of a new site of ``enterprise``."""
    _require(by, SitePlan(enterprise=enterprise), enterprise)
    _require_open(enterprise)
    site = (site or "").strip()
    if not site:
        raise ValidationError({"site": _("Name the site the plan shows (e.g. 一号厂房).")})
    if len(site) > SITE_MAX:
        raise ValidationError({"site": _("The site's name is at most %(n)d characters.") % {"n": SITE_MAX}})
    if SitePlan.objects.filter(enterprise=enterprise, site=site, retired_on__isnull=True).exists():
        raise ValidationError({"site": _("The site “%(site)s” already has a floor plan: replace its image instead.")
                               % {"site": site}})
    # checked before the plan is saved: a refused file leaves no plan behind
    try:
        image_check(image, limit=plan_limit(enterprise))
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from None
    plan = SitePlan.objects.create(enterprise=enterprise, site=site, width=1, height=1, uploaded_at=timezone.now(),
                                   created_on=timezone.localdate())
    _attach(plan, image, by)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def site_plan_replace(*, plan, by, image):
    """A new image of the same site: the points stay where they were (fractions of the image)."""
    _require(by, plan, plan.enterprise)
    plan = SitePlan.objects.select_for_update().select_related("enterprise__township").get(pk=plan.pk)
    _require_open(plan.enterprise)
    if plan.retired_on is not None:
        raise ValidationError(_("This floor plan is retired: upload a new one."))
    _attach(plan, image, by)
    plan.save(update_fields=["image", "width", "height", "uploaded_at", "uploaded_by"])
    return plan


@transaction.atomic
def site_plan_retire(*, plan, by):
    """The site is gone or redrawn under another name: its plan and placements stay as history."""
    _require(by, plan, plan.enterprise)
    plan = SitePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.retired_on is not None:
        raise ValidationError(_("This floor plan is already retired."))
    plan.retired_on = max(timezone.localdate(), plan.created_on)
    plan.save(update_fields=["retired_on"])
    return plan


# -- placements -------------------------------------------------------------------------------------------------------
def _fraction(value, name):
    """``value`` as a fraction of the plan, 0..1 with four places; ``ValidationError`` otherwise."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({name: _("Give the position as a fraction of the plan, from 0 to 1.")}) from None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(1):
        raise ValidationError({name: _("The point lies outside the floor plan: %(name)s is %(value)s, "
                                       "it must be from 0 to 1.") % {"name": name, "value": value}})
    return number.quantize(FOUR_PLACES)


def _position(x, y):
    errors = {}
    values = {}
    for name, value in (("x", x), ("y", y)):
        try:
            values[name] = _fraction(value, name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return values["x"], values["y"]


def _live_plan(plan):
    plan = SitePlan.objects.select_for_update().select_related("enterprise").get(pk=plan.pk)
    if plan.retired_on is not None:
        raise ValidationError(_("This floor plan is retired: its points no longer change."))
    _require_open(plan.enterprise)
    return plan


@transaction.atomic
def placement_create(*, plan, point, x, y, by):
    """Place ``point`` on ``plan`` at (x, y), fractions of the image from its top-left corner."""
    _require(by, plan, plan.enterprise)
    plan = _live_plan(plan)
    if point is None or point.enterprise_id != plan.enterprise_id:
        raise ValidationError({"point": _("The risk point is not one of this enterprise's points.")})
    if point.retired_on is not None and point.retired_on <= timezone.localdate():
        raise ValidationError({"point": _("The risk point “%(point)s” is retired.") % {"point": point.name}})
    x, y = _position(x, y)
    elsewhere = (PointPlacement.objects.filter(point=point, plan__retired_on__isnull=True)
                 .select_related("plan").first())
    if elsewhere is not None:
        raise ValidationError({"point": _("The risk point “%(point)s” is already on the plan of %(site)s: move it "
                                          "there or remove it first.") % {"point": point.name,
                                                                          "site": elsewhere.plan.site}})
    placement = PointPlacement(plan=plan, point=point, x=x, y=y, placed_by=by if getattr(by, "pk", None) else None)
    placement.full_clean()
    placement.save()
    return placement


@transaction.atomic
def placement_move(*, placement, x, y, by):
    _require(by, placement, placement.plan.enterprise)
    placement = PointPlacement.objects.select_for_update().select_related("plan").get(pk=placement.pk)
    _live_plan(placement.plan)
    placement.x, placement.y = _position(x, y)
    placement.placed_by = by if getattr(by, "pk", None) else None
    placement.save(update_fields=["x", "y", "placed_by", "placed_at"])
    return placement


@transaction.atomic
def placement_remove(*, placement, by):
    _require(by, placement, placement.plan.enterprise)
    placement = PointPlacement.objects.select_for_update().select_related("plan").get(pk=placement.pk)
    _live_plan(placement.plan)
    placement.delete()


def unplaced_points(plan):
    """The enterprise's live points on no live plan: what its plans can still take."""
    today = timezone.localdate()
    return (RiskPoint.objects.filter(enterprise_id=plan.enterprise_id)
            .exclude(retired_on__isnull=False, retired_on__lte=today)
            .exclude(pk__in=PointPlacement.objects.filter(plan__enterprise_id=plan.enterprise_id,
                                                          plan__retired_on__isnull=True).values("point"))
            .order_by("area", "name"))
