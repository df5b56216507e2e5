"""The key tasks in the quarter's snapshot (issue 12 item 4): per unit, how many of the tasks its
parent set it for the year are met, and how many overdue, as of the period's last day (or today,
for a period not over yet) — registered like any figure, so the snapshot stores and ranks them and
a problem rule names the units with overdue tasks (migration 0005) without a change to the
snapshot code.

A region without a task list for the period's year gives no values (unranked). Both figures read
one board (``registry.shared``): inside a snapshot's batch it is computed once.
"""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.figures import registry

from . import services_key_tasks as services


@registry.shared
def _board(region, period):
    task_list = services.task_list_for(region, period.end.year)
    if task_list is None:
        return None
    return services.board(task_list, min(period.end, timezone.localdate()))


def _count(status):
    def figure(region, period):
        result = _board(region, period)
        return {} if result is None else result.per_unit(status)
    figure.__doc__ = f"Key tasks of each unit {status} on the period's last day (see services_key_tasks)."
    return figure


registry.register("assessments.key_tasks_met", _("Key tasks met"), "项", True, _count(services.MET))
registry.register("assessments.key_tasks_overdue", _("Key tasks overdue"), "项", False, _count(services.OVERDUE),
                  threshold="assessments.key_tasks_overdue_max")
