"""Who sees a notice (a scope grant: the notice's models declare no region rule of their own).

- A draft: the issuing bureau alone — users bound to the issuing region itself who issue notices
  (not the units above it, not those below).
- A published notice: the issuing bureau, and every user who reads notices bound within a unit it
  is addressed to (a district's bureau staff and its townships' inspectors; a grid member through
  the regions of their cells).
- Read receipts: the issuing bureau sees them all, a reader their own.
Anyone else gets 404, as for any record out of scope.
"""
from django.db.models import Q

from grid.models import PATH_STEP
from portal.accounts import capabilities as caps
from portal.accounts import scope

from .models import Notice, NoticeReceipt, NoticeRecipient

# model -> the lookup prefix from it to its notice
NOTICE_PATHS = {Notice: "", NoticeRecipient: "notice__", NoticeReceipt: "recipient__notice__"}


def reader_paths(user):
    """The paths of the regions ``user`` is bound within: their own region and each above it; for
    a grid member, those of their cells' regions. Empty for anyone else."""
    bases = []
    region = scope.bound_region(user)
    if region is not None and region.path:
        bases.append(region.path)
    if scope.is_grid_member(user):
        bases.extend(p for p in user.grid_cells.values_list("region__path", flat=True) if p)
    return sorted({base[:i] for base in bases for i in range(PATH_STEP, len(base) + 1, PATH_STEP)})


@scope.register_grant
def notice_grant(user, model):
    prefix = NOTICE_PATHS.get(model)
    if prefix is None:
        return None
    cond = None
    own = scope.bound_region(user)
    if own is not None and scope.holds(user, caps.ISSUE_NOTICES):
        cond = Q(**{f"{prefix}issuing_region": own})
    if scope.holds(user, caps.READ_NOTICES):
        paths = reader_paths(user)
        if paths:
            addressed = NoticeRecipient.objects.filter(region__path__in=paths).values("notice_id")
            published = Q(**{f"{prefix}state": Notice.State.PUBLISHED, f"{prefix}pk__in": addressed})
            if model is NoticeReceipt:
                published &= Q(user=user)
            cond = published if cond is None else cond | published
    return cond


def recipient_of(notice, user):
    """The addressed unit ``user`` reads ``notice`` as (the first that holds them), or None."""
    paths = reader_paths(user)
    if not paths:
        return None
    return notice.recipients.filter(region__path__in=paths).order_by("order", "pk").first()
