"""Who is told: the users a message goes to, picked by role and binding in one query however many
records ask. Here because only ``portal.accounts`` compares roles (issue 8 §3); ``scope`` answers
what one user may see, this module which users stand behind a unit."""
from .models import Role, User
from .scope import ENTERPRISE_WRITER_POSITIONS


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
