"""The one place that decides what a user may see and change.

Every view, API endpoint, export and task asks this module; none filters by region on its own.
A model says how it reaches the territory and an enterprise with an inner ``Scope`` class::

    class Enterprise(models.Model):
        class Scope:
            region = "township"      # lookup path to a Region ("" for a Region itself)
            enterprise = "pk"        # lookup path to the enterprise's id (None: not enterprise-owned)
            cell = "grid_cell"       # lookup path to a GridCell (None: not in a cell)
            enterprise_writable = True  # an enterprise's principal / safety manager may change it

so this module imports no business app. Out of scope is indistinguishable from "does not exist":
``get`` raises ``Http404`` for both, for reading and for changing (RULES: never 403, never data).
Apps to the right may widen a user's view with ``register_grant`` (e.g. a cross-inspection
assignment), which adds an OR-ed condition for a model.
"""
from django.db.models import Q
from django.http import Http404
from django.core.exceptions import PermissionDenied

from grid.models import GridCell, Region

from .models import Role

# Roles that read and change supervision records within their region.
REGION_ROLES = (Role.BUREAU_STAFF, Role.TOWNSHIP_INSPECTOR)
ENTERPRISE_WRITER_POSITIONS = ("principal", "safety_manager")

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


def membership(user):
    """The enterprise user's membership (enterprise, position), or None."""
    if user.role != Role.ENTERPRISE:
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


def _condition(user, model):
    """A Q for the rows of ``model`` the user may see, or None for none, or Q() for all."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    spec = _spec(model)
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


def may_change(user, obj):
    """Whether the user may change ``obj`` (which they can already see)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role in REGION_ROLES:
        return True
    if user.role == Role.ENTERPRISE:
        member = membership(user)
        return bool(getattr(_spec(type(obj)), "enterprise_writable", False)
                    and member is not None and member.position in ENTERPRISE_WRITER_POSITIONS)
    return False


def get(user, queryset, **lookup):
    """``(obj, can_change)`` for the object, or ``Http404`` if it is missing *or* out of scope."""
    try:
        obj = visible(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such record") from None
    return obj, may_change(user, obj)


def get_for_change(user, queryset, **lookup):
    """The object for a write: 404 when out of scope, 403 when in scope but read-only."""
    obj, can_change = get(user, queryset, **lookup)
    if not can_change:
        raise PermissionDenied
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


# -- deployment-wide roles: the administrator binds accounts, the auditor reads the trail ----------
def may_manage_accounts(user):
    return user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.ADMIN)


def may_read_audit(user):
    return user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.AUDITOR)


def for_binding(user, queryset):
    """What an administrator picks from to bind an account (enterprises by name, regions, cells):
    the whole deployment for them, nothing for anyone else. Binding is not reading: the
    administrator still opens no business page (``visible`` gives them nothing)."""
    return queryset if may_manage_accounts(user) else queryset.none()


def audit_records(user, queryset):
    """The audit trail and the access log: all of it for an auditor, nothing for anyone else."""
    return queryset if may_read_audit(user) else queryset.none()
