"""What the self-check lists ask of each role on its home page, and their menu entry.

Enterprise principals and safety managers: their lists waiting to be filled in, and those past their
due date. Township inspectors and bureau staff: their region's enterprises' lists past the due date.
Two counts at most, whatever the number of lists."""
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.ui import Todo, register_nav, register_todos

from .models import SelfCheckList, SelfCheckState

register_nav(gettext_lazy("Self-check lists"), "inspections:self_check_list", caps.VIEW_INSPECTIONS, order=18,
             group="enforcement")


def _url(**params):
    return f"{reverse('inspections:self_check_list')}?{urlencode(params)}"


@register_todos
def self_check_todos(user):
    if not user.is_authenticated or not user.is_active:
        return []
    today = timezone.localdate()
    if scope.membership(user) is not None:
        if not scope.can(user, caps.REPORT_HAZARD):
            return []
        waiting = scope.visible(user, SelfCheckList.objects.filter(state=SelfCheckState.SENT))
        return [
            Todo(_("Self-check lists to fill in"), waiting.filter(due_date__gte=today).count(),
                 _url(state=SelfCheckState.SENT), "primary"),
            Todo(_("Self-check lists past their due date"), waiting.filter(due_date__lt=today).count(),
                 _url(state=SelfCheckState.SENT, overdue="true"), "danger"),
        ]
    region = scope.bound_region(user)
    if region is None or not scope.can(user, caps.SUPERVISE):
        return []
    late = scope.visible(user, SelfCheckList.objects.filter(
        state=SelfCheckState.SENT, due_date__lt=today, enterprise__township__path__startswith=region.path))
    return [Todo(_("Enterprises' self-check lists past their due date"), late.count(),
                 _url(state=SelfCheckState.SENT, overdue="true"), "warning")]
