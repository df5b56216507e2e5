"""The one place that decides what a user may see and what they may do.

**Seeing.** A model says how it reaches the territory and an enterprise with an inner ``Scope``
class, so this module imports no business app::

    class Hazard(models.Model):
        class Scope:
            region = "enterprise__township"  # lookup path to a Region ("" for a Region itself)
            enterprise = "enterprise"        # lookup path to the enterprise's id (None: not enterprise-owned)
            cell = "enterprise__grid_cell"   # lookup path to a GridCell (None: not in a cell)
            change = ("rectify", "verify_hazard", "inspect")  # the capabilities that change a row
            owners = {                       # capability -> the unit that owns it on a row
                "verify_hazard": ("region", "verifying_unit"),  # users bound within that region
                "rectify": ("enterprise", "enterprise_id"),     # the users of that enterprise
            }

A deployment-wide reference table every signed-in user reads (the risk control dictionary, the
grading scales) says ``public = True``; who changes it is still a capability.

``visible(user, queryset)`` is the part of a queryset the user may see; ``get`` raises ``Http404``
for a row that is missing *or* out of scope, for reading and for changing (RULES: out of scope
is never a 403 and never data). Apps to the right may widen a user's view with
``register_grant`` (e.g. a cross-inspection assignment), which adds an OR-ed condition for a model.

**Doing.** ``capabilities.py`` holds the one table of capabilities per role and, for enterprise
users, per position (principal, safety manager, staff). ``can(user, capability, obj=None)`` is
True when the user's role (or position) holds the capability and, given ``obj``, the row is in
the user's scope and the user belongs to the unit its model's ``Scope.owners`` names for that
capability (no entry: any user who sees the row and holds the capability). So a plan is changed
only by its making region (or one above it), a general hazard verified by its township and a
major one by its district's bureau, and an enterprise's steps taken only by its own principal or
safety manager. A superuser holds every capability everywhere.

Every service that changes a record calls ``require(by, capability, obj)`` first (``PermissionDenied``,
a 403 on pages and in the API), then checks the record's state (``ValidationError``, a 400), so a
page and its API endpoint cannot disagree. Views fetch the record with ``get_for(user, queryset,
capability, **lookup)``: 404 out of scope, 403 in scope but not allowed. No other module compares roles.
"""
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from grid.models import GridCell, Region

from . import capabilities as caps
from .models import Role

# Roles bound to a region, whose scope is that region and everything below it.
REGION_ROLES = (Role.BUREAU_STAFF, Role.TOWNSHIP_INSPECTOR)
# Enterprise positions that take the enterprise's own steps (from the capability table).
ENTERPRISE_WRITER_POSITIONS = tuple(sorted(caps.holders(caps.RECTIFY)[1]))

_grants = []


def register_grant(fn):
    """``fn(user, model) -> Q | None``: extra rows of ``model`` the user may read (and change)."""
    _grants.append(fn)
    return fn


def _spec(model):
    spec = getattr(model, "Scope", None)
    if spec is None:
        raise TypeError(f"{model.__name__} declares no Scope: it cannot be shown to users")
    return spec


def _join(prefix, rest):
    return f"{prefix}__{rest}" if prefix else rest


def _active(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


def membership(user):
    """The enterprise user's membership (enterprise, position), or None."""
    if not _active(user) or user.role != Role.ENTERPRISE:
        return None
    try:
        return user.enterprise_membership
    except Exception:  # RelatedObjectDoesNotExist of a model this module does not import
        return None


def bound_region(user):
    """The region a region-bound user works in (their figures default to its children)."""
    if user.is_authenticated and user.role in REGION_ROLES:
        return user.region
    return None


def is_cross_inspector(user):
    """Whether ``user`` may be assigned a cross-inspection: a township inspector bound to a township."""
    return _active(user) and user.role == Role.TOWNSHIP_INSPECTOR and user.region_id is not None


def cross_inspectors(queryset):
    """The users of ``queryset`` (users) who may be assigned a cross-inspection."""
    return queryset.filter(role=Role.TOWNSHIP_INSPECTOR, is_active=True, region__isnull=False)


def is_grid_member(user):
    """A grid member: their home page lists the cells they patrol."""
    return _active(user) and user.role == Role.GRID_MEMBER


def _condition(user, model):
    """A Q for the rows of ``model`` the user may see, or None for none, or Q() for all."""
    if not _active(user):
        return None
    if user.is_superuser:
        return Q()
    spec = _spec(model)
    if getattr(spec, "public", False):
        return Q()
    region_path = getattr(spec, "region", None)
    cond = None
    if user.role in REGION_ROLES and user.region_id and region_path is not None:
        cond = Q(**{_join(region_path, "path__startswith"): user.region.path})
    elif user.role == Role.GRID_MEMBER:
        cell_path = getattr(spec, "cell", None)
        cell_ids = list(user.grid_cells.values_list("pk", flat=True))
        if model is GridCell:
            cond = Q(pk__in=cell_ids)
        elif model is Region:
            region_ids = GridCell.objects.filter(pk__in=cell_ids).values_list("region_id", flat=True)
            cond = Q(pk__in=list(region_ids))
        elif cell_path:
            cond = Q(**{f"{cell_path}__in": cell_ids})
    elif user.role == Role.ENTERPRISE:
        member = membership(user)
        enterprise_path = getattr(spec, "enterprise", None)
        if member is not None and enterprise_path:
            cond = Q(**{enterprise_path: member.enterprise_id})
    for grant in _grants:
        extra = grant(user, model)
        if extra is not None:
            cond = extra if cond is None else cond | extra
    return cond


def visible(user, queryset):
    """The part of ``queryset`` this user may see."""
    cond = _condition(user, queryset.model)
    if cond is None:
        return queryset.none()
    return queryset.filter(cond) if cond else queryset


# -- capabilities ----------------------------------------------------------------------------------
def capabilities(user):
    """Every capability the user holds (from ``capabilities.py``), whatever the object."""
    if not _active(user):
        return frozenset()
    if user.is_superuser:
        return frozenset(caps.CAPABILITIES)
    member = membership(user)
    return caps.granted(user.role, member.position if member is not None else None)


def holds(user, capability):
    if capability not in caps.CAPABILITIES:
        raise ValueError(f"Unknown capability {capability!r}")
    return capability in capabilities(user)


def _resolve(obj, path):
    """The value at a ``__`` lookup path on ``obj`` ("" is ``obj`` itself); None past a missing link."""
    for name in filter(None, path.split("__")):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def _in_scope(user, obj):
    if user.is_superuser:
        return True
    model = type(obj)
    return visible(user, model._default_manager.filter(pk=obj.pk)).exists()


def _owns(user, capability, obj):
    """Whether the user belongs to the unit that owns ``capability`` on ``obj`` (``Scope.owners``)."""
    owner = (getattr(_spec(type(obj)), "owners", None) or {}).get(capability)
    if owner is None or user.is_superuser:
        return True
    kind, path = owner
    value = _resolve(obj, path)
    if kind == "region":
        own = bound_region(user)
        return own is not None and value is not None and value.path.startswith(own.path)
    if kind == "enterprise":
        member = membership(user)
        return member is not None and value is not None and getattr(value, "pk", value) == member.enterprise_id
    raise ValueError(f"Unknown owner kind {kind!r} on {type(obj).__name__}")


def can(user, capability, obj=None, *, in_scope=None):
    """Whether ``user`` may take the actions of ``capability`` (on ``obj``, if given).

    ``in_scope=True`` skips the scope query when the caller fetched ``obj`` through ``visible``."""
    if not holds(user, capability):
        return False
    if obj is None:
        return True
    if in_scope is None:
        in_scope = _in_scope(user, obj)
    return bool(in_scope) and _owns(user, capability, obj)


def require(user, capability, obj=None, message=None):
    """``PermissionDenied`` (a 403, with a Chinese reason) unless ``can(user, capability, obj)``:
    what every service calls first for its actor.

    ``user=None`` is the portal itself (a data migration, the demo generator, a management command
    run on the server): a request always has a user, an anonymous one at least, who holds nothing."""
    if user is None:
        return
    if not can(user, capability, obj):
        raise PermissionDenied(message or _("Your account may not take this step."))


def require_within(user, capability, region, message=None):
    """For a new record owned by ``region`` (a plan, a campaign, a threshold version): the
    capability, and ``region`` within the user's own (any region, or none, for a superuser)."""
    if user is None:
        return
    require(user, capability, message=message)
    if user.is_superuser:
        return
    own = bound_region(user)
    if region is None or own is None or not region.path.startswith(own.path):
        raise PermissionDenied(message or _("Your account may not take this step."))


def may_change(user, obj, *, in_scope=None):
    """Whether the user holds one of the capabilities that change ``obj`` (its ``Scope.change``)."""
    if in_scope is None:
        in_scope = _in_scope(user, obj) if _active(user) else False
    return any(can(user, c, obj, in_scope=in_scope) for c in getattr(_spec(type(obj)), "change", ()))


def _fetch(user, queryset, lookup):
    try:
        return visible(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such record") from None


def get(user, queryset, **lookup):
    """``(obj, can_change)`` for the object, or ``Http404`` if it is missing *or* out of scope;
    ``can_change``: ``may_change``."""
    obj = _fetch(user, queryset, lookup)
    return obj, may_change(user, obj, in_scope=True)


def get_for(user, queryset, capability, message=None, **lookup):
    """The object for an action of ``capability``: 404 when out of scope, 403 when in scope but
    the user may not (``message`` says why)."""
    obj = _fetch(user, queryset, lookup)
    if not can(user, capability, obj, in_scope=True):
        raise PermissionDenied(message or _("Your account may not take this step."))
    return obj


def get_for_change(user, queryset, **lookup):
    """The object for a write: 404 when out of scope, 403 when in scope but read-only."""
    obj, can_change = get(user, queryset, **lookup)
    if not can_change:
        raise PermissionDenied(_("Your account may not take this step."))
    return obj


def regions(user):
    """Regions the user may see (and pick, e.g. as an enterprise's township)."""
    return visible(user, Region.objects.all())


def townships(user):
    return regions(user).filter(level=Region.Level.TOWNSHIP).select_related("parent").order_by(
        "parent__order", "order", "code")


def grid_cells(user):
    return visible(user, GridCell.objects.select_related("region"))


def figure_root(user):
    """The region whose children a user's overview ranks: their bound region, or the top region."""
    region = bound_region(user)
    if region is not None:
        return region
    if user.is_superuser:
        return Region.objects.filter(parent__isnull=True).order_by("order", "code").first()
    return None


def figure_regions(user):
    """The regions a figures page offers the user to pick: theirs above the villages (a village
    has no units below it to rank), in the territory's order."""
    return regions(user).exclude(level=Region.Level.VILLAGE).order_by("path")


def figure_region(user, picked=None):
    """The region a figures page ranks the children of: ``picked`` (a pk from the query string)
    among ``figure_regions`` — a region outside them, or no region at all, is a 404 like any record
    out of scope — or, with nothing picked, the user's ``figure_root`` (404 for a user without one)."""
    if picked:
        region, _can = get(user, figure_regions(user), pk=picked)
        return region
    root = figure_root(user)
    if root is None:
        raise Http404("No region")
    return root


# -- deployment-wide: the administrator binds accounts, the auditor reads the trail -------------------
def may_manage_accounts(user):
    return holds(user, caps.MANAGE_ACCOUNTS)


def may_read_audit(user):
    return holds(user, caps.READ_AUDIT)


def for_binding(user, queryset):
    """What an administrator picks from to bind an account (enterprises by name, regions, cells):
    the whole deployment for them, nothing for anyone else. Binding is not reading: the
    administrator still opens no business page (``visible`` gives them nothing)."""
    return queryset if may_manage_accounts(user) else queryset.none()


def audit_records(user, queryset):
    """The audit trail and the access log: all of it for an auditor, nothing for anyone else."""
    return queryset if may_read_audit(user) else queryset.none()
