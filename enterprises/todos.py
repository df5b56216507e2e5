"""What the roster asks of each role on its home page."""
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.ui import Todo, register_todos

from .filters import SAFETY_SECTION_MISSING
from .models import Enterprise, Status


@register_todos
def roster_todos(user):
    member = scope.membership(user)
    if member is not None:
        return _enterprise_todos(user, member)
    if scope.is_grid_member(user):
        n = scope.visible(user, Enterprise.objects.exclude(status=Status.DEREGISTERED)).count()
        return [Todo(_("Enterprises in your grid cells"), n, reverse("enterprises:list"), "info")]
    if not scope.can(user, caps.MANAGE_ROSTER):
        return []
    live = scope.visible(user, Enterprise.objects.exclude(status=Status.DEREGISTERED))
    url = reverse("enterprises:list")
    counts = live.aggregate(
        no_principal_phone=_count(principal_phone=""),
        no_cell=_count(grid_cell__isnull=True),
        no_section=Count("pk", filter=SAFETY_SECTION_MISSING),
    )
    return [
        Todo(_("Enterprises without the principal's phone"), counts["no_principal_phone"], url),
        Todo(_("Enterprises outside any grid cell"), counts["no_cell"], f"{url}?no_grid_cell=true", "secondary"),
        Todo(_("Key-sector and above-scale enterprises without a safety management section"),
             counts["no_section"], f"{url}?safety_section_missing=true", "danger"),
    ]


def _count(**filters):
    from django.db.models import Q
    return Count("pk", filter=Q(**filters))


def _enterprise_todos(user, member):
    """What an enterprise's own users are asked to file."""
    if not scope.can(user, caps.EDIT_OWN_ENTERPRISE):
        return []
    enterprise = member.enterprise
    url = reverse("enterprises:detail", args=[enterprise.pk])
    needs_sites = (enterprise.key_domains.filter(code="hazchem").exists()
                   and not enterprise.chemical_sites.exists())
    return [
        Todo(_("Fill in the principal's phone"), int(not enterprise.principal_phone), url),
        Todo(_("Register the hazardous-chemical storage sites"), int(needs_sites), url, "danger"),
    ]
