"""The enterprise page's self-check lists section (enterprises.dossier registry; issue 11 item 4):
the enterprise's lists, newest first — campaign, checklist, sent, due, state, done at and the
failed items, each linked to the hazard it became — with the counts and a link to the full list
filtered on the enterprise.

Three queries whatever the enterprise's history: the counts, the latest lists, their failed answers.
Every queryset goes through ``scope.visible``: whoever may see the enterprise sees its lists that
their scope opens (an enterprise user its own; a township its enterprises'). The links go only
where the user's role may follow: the lists' pages to ``view_inspections``, hazards to ``view_hazards``."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.dossier import register_section
from portal.accounts import capabilities as caps
from portal.accounts import scope

from .models import SelfCheckAnswer, SelfCheckList, SelfCheckState

LATEST_SELF_CHECKS = 10


def self_checks_section(enterprise, user):
    from .views_inspections import link_pattern

    visible = scope.visible(user, SelfCheckList.objects.filter(enterprise=enterprise))
    today = timezone.localdate()
    waiting = Q(state=SelfCheckState.SENT)
    counts = visible.aggregate(total=Count("pk"), done=Count("pk", filter=Q(state=SelfCheckState.DONE)),  # query 1
                               late=Count("pk", filter=waiting & Q(due_date__lt=today)))
    latest = []
    if counts["total"]:
        latest = list(visible.select_related("campaign", "checklist")
                      .order_by("-sent_at", "-id")[:LATEST_SELF_CHECKS])                             # query 2
        failed = {}
        for answer in (SelfCheckAnswer.objects.filter(self_check__in=[lst.pk for lst in latest],     # query 3
                                                      result=SelfCheckAnswer.Result.FAIL)
                       .order_by("item__order", "item_code").only("self_check_id", "item_code", "hazard_id")):
            failed.setdefault(answer.self_check_id, []).append(answer)
        for lst in latest:
            lst.failed = failed.get(lst.pk, [])
            lst.late = lst.state == SelfCheckState.SENT and lst.due_date < today
    may_list = scope.holds(user, caps.VIEW_INSPECTIONS)
    return {
        "self_checks": latest, "total": counts["total"], "done": counts["done"], "late": counts["late"],
        "more": counts["total"] > len(latest),
        "detail_link": link_pattern("inspections:self_check_detail") if may_list else None,
        "hazard_link": link_pattern("inspections:hazard_detail") if scope.holds(user, caps.VIEW_HAZARDS) else None,
        "list_url": f"{reverse('inspections:self_check_list')}?enterprise={enterprise.pk}" if may_list else None,
    }


register_section("self_checks", _("Self-check lists"), "inspections/sections/self_checks.html", self_checks_section,
                 order=6)
