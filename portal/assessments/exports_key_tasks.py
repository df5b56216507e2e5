"""The key-task board as a workbook: a row per task × unit with the status, the figure's value
(numerator and denominator for a rate), the target and the evidence's state."""
from django.utils.translation import gettext as _

from portal.jobs.exports import Column, sheet_xlsx


def board_xlsx(result, units, status=None):
    columns = [Column(_("Number"), 8), Column(_("Task"), 30), Column(_("Deadline"), 12, date=True),
               Column(_("Unit"), 14), Column(_("Status"), 10), Column(_("Value"), 10), Column(_("numerator"), 10),
               Column(_("denominator"), 10), Column(_("Target"), 10), Column(_("Evidence"), 10)]
    lines = []
    for task in result.tasks:
        for unit in units:
            c = result.cell(task, unit)
            if status is not None and c.status != status:
                continue
            lines.append((task.number, task.title, task.deadline, unit.name, str(c.label), c.value, c.numerator,
                          c.denominator, None if c.target is None else float(c.target),
                          c.evidence.get_state_display() if c.evidence else ""))
    title = _("%(title)s — statuses on %(day)s") % {"title": result.task_list.title, "day": result.day.isoformat()}
    return sheet_xlsx(lines, columns, sheet_title=_("Key tasks"), title=title)
