"""The enterprise page's inspections and hazards sections (enterprises.dossier registry).

Each context is a fixed number of queries whatever the enterprise's history (two for the
inspections, two for the hazards), and every queryset goes through ``scope.visible``: an enterprise
user reads their own records, a cross-inspector those the grant opens to them."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.dossier import register_section
from portal.accounts import scope

from .models import Hazard, HazardSeverity, HazardStatus, Inspection
from .models.hazards import OPEN_STATUSES

LATEST_INSPECTIONS = 10
OPEN_HAZARDS_SHOWN = 20


def _inspections(enterprise, user):
    from .views_inspections import may_inspect

    visible = scope.visible(user, Inspection.objects.filter(enterprise=enterprise))
    latest = list(visible.select_related("township", "checklist").annotate(hazard_count=Count("hazards"))
                  .order_by("-inspected_on", "-id")[:LATEST_INSPECTIONS])          # query 1
    total = visible.count() if len(latest) == LATEST_INSPECTIONS else len(latest)  # query 2 (only when more)
    return {"inspections": latest, "total": total, "may_inspect": may_inspect(user),
            "list_url": reverse("inspections:inspection_list") + f"?enterprise={enterprise.pk}",
            "new_url": reverse("inspections:inspection_new") + f"?enterprise={enterprise.pk}"}


def _hazards(enterprise, user):
    from .views_inspections import link_pattern

    visible = scope.visible(user, Hazard.objects.filter(enterprise=enterprise))
    today = timezone.localdate()
    is_open = ~Q(status=HazardStatus.CLOSED)
    counts = visible.aggregate(                                                       # query 1
        **{status: Count("pk", filter=Q(status=status)) for status in HazardStatus.values},
        overdue=Count("pk", filter=is_open & Q(deadline__lt=today)),
        major_open=Count("pk", filter=is_open & Q(severity=HazardSeverity.MAJOR)))
    open_hazards = list(visible.filter(status__in=OPEN_STATUSES).select_related("major_criterion")
                        .order_by("deadline", "id")[:OPEN_HAZARDS_SHOWN])              # query 2
    for hazard in open_hazards:
        hazard.overdue = hazard.deadline < today
    list_url = reverse("inspections:hazard_list")
    return {
        "counts": [(label, counts[value], value) for value, label in HazardStatus.choices],
        "open_total": sum(counts[s] for s in OPEN_STATUSES), "overdue": counts["overdue"],
        "major_open": counts["major_open"], "open_hazards": open_hazards,
        "hazard_link": link_pattern("inspections:hazard_detail"),
        "list_url": f"{list_url}?enterprise={enterprise.pk}" if list_url else None,
    }


register_section("inspections", _("Enforcement inspections"), "inspections/sections/inspections.html",
                 _inspections, order=5)
register_section("hazards", _("Hazards"), "inspections/sections/hazards.html", _hazards, order=6)
