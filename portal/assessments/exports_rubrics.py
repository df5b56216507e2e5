"""The scores as a workbook (issue 12 item 5): one row per score with its items' points, the
deductions and the total, in the list's order and with its filters."""
from django.utils.translation import gettext as _

from portal.jobs.exports import Column, sheet_xlsx

from .models import ScoreItem

MAX_ITEMS = 20


def scores_xlsx(scores):
    scores = list(scores)
    lines = {}
    for line in ScoreItem.objects.filter(score__in=scores).select_related("item"):
        lines.setdefault(line.score_id, {})[line.item.number] = line.points
    numbers = sorted({n for by_number in lines.values() for n in by_number})[:MAX_ITEMS]
    columns = [Column(_("Period"), 10), Column(_("Kind"), 16), Column(_("Unit"), 14), Column(_("Enterprise"), 28),
               Column(_("Scored by"), 12), Column(_("Form version"), 8)]
    columns += [Column(_("Item %(n)s") % {"n": n}, 7) for n in numbers]
    columns += [Column(_("Items' points"), 9), Column(_("Deducted"), 8), Column(_("Score"), 8),
                Column(_("Under the pass mark"), 8)]
    rows = []
    for s in scores:
        own = lines.get(s.pk, {})
        rows.append([s.period, s.get_kind_display(), s.region.name, s.enterprise.name if s.enterprise_id else "",
                     s.assessor.name, s.form.version, *[own.get(n) for n in numbers], s.items_total, s.deducted,
                     s.total, _("yes") if s.flagged else ""])
    return sheet_xlsx(rows, columns, sheet_title=_("Scores"), title=_("Assessment scores"))
