"""Who is told: the users a message goes to, picked by role and binding in one query however many
records ask. Here because only ``portal.accounts`` compares roles (issue 8 §3); ``scope`` answers
what one user may see, this module which users stand behind a unit."""
from django.db.models import Q

from grid.models import Region

from . import capabilities as caps
from .models import Role, User
from .scope import ENTERPRISE_WRITER_POSITIONS, REGION_ROLES


def enterprise_writers(enterprise_ids):
    """``[(enterprise_id, user_id)]``: the active principals and safety managers of the enterprises."""
    return list(User.objects.filter(
        is_active=True, role=Role.ENTERPRISE, enterprise_membership__enterprise_id__in=list(enterprise_ids),
        enterprise_membership__position__in=ENTERPRISE_WRITER_POSITIONS,
    ).values_list("enterprise_membership__enterprise_id", "pk"))


def township_inspectors(region_ids):
    """``[(region_id, user_id)]``: the active township inspectors bound to the regions."""
    return list(User.objects.filter(is_active=True, role=Role.TOWNSHIP_INSPECTOR, region_id__in=list(region_ids))
                .values_list("region_id", "pk"))


def readers_within(regions, capability):
    """``[(region_id, user_id)]``: the active users bound within each of ``regions`` whose role holds
    ``capability`` — bureau staff and township inspectors by their region, grid members by their
    cells' regions — each user once, under the first of ``regions`` (in the order given) that holds
    them. Two queries (region-bound users, grid members) however many regions."""
    regions = [r for r in regions if r.path]
    roles, _positions = caps.holders(capability)
    if not regions or not roles:
        return []
    within = Q()
    for region in regions:
        within |= Q(path__startswith=region.path)
    paths = {}
    bound = [r for r in REGION_ROLES if r in roles]
    if bound:
        rows = User.objects.filter(is_active=True, role__in=bound, region__in=Region.objects.filter(within)) \
            .values_list("pk", "region__path")
        for user_id, path in rows:
            paths.setdefault(user_id, []).append(path)
    if Role.GRID_MEMBER in roles:
        rows = User.objects.filter(is_active=True, role=Role.GRID_MEMBER,
                                   grid_cells__region__in=Region.objects.filter(within)) \
            .values_list("pk", "grid_cells__region__path")
        for user_id, path in rows:
            paths.setdefault(user_id, []).append(path)
    out = []
    for user_id in sorted(paths):
        region = next((r for r in regions if any(p.startswith(r.path) for p in paths[user_id])), None)
        if region is not None:
            out.append((region.pk, user_id))
    return out
