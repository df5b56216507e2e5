"""The statistics table as a workbook (issue 10 item 4): the rows as the page shows them (sorted
the same way), per figure its value, for a rate or an average its numerator and denominator, and
its rank; the region's total last."""
from django.utils.translation import gettext as _

from portal.figures import registry
from portal.jobs.exports import Column, sheet_xlsx


def _has_parts(figure):
    return figure.kind in (registry.RATE, registry.AVERAGE)


def table_xlsx(table, rows, *, title, sheet_title):
    """``table`` (a ``registry.Table``, live or frozen) with its ``rows`` in the page's order."""
    numerator, denominator, rank = _("numerator"), _("denominator"), _("rank")
    columns = [Column(_("Unit"), 16)]
    for figure in table.figures:
        unit = f"（{figure.unit}）" if figure.unit else ""
        columns.append(Column(f"{figure.label}{unit}", 14))
        if _has_parts(figure):
            columns += [Column(f"{figure.label}·{numerator}", 10), Column(f"{figure.label}·{denominator}", 10)]
        columns.append(Column(f"{figure.label}·{rank}", 8))

    def values(label, row, ranked=True):
        out = [label]
        for figure in table.figures:
            cell = row.cells[figure.name]
            out.append(cell.value)
            if _has_parts(figure):
                out += [cell.numerator, cell.denominator]
            out.append(cell.rank if ranked else None)
        return out

    lines = [values(row.region.name, row) for row in rows] + [values(_("Total"), table.total, ranked=False)]
    return sheet_xlsx(lines, columns, sheet_title=sheet_title, title=title)
