"""The risk point list as .xlsx, for any filter of the list page, through the shared export
(``portal.jobs.exports``: formula-safe cells, the file at once or a background job past
``EXPORT_SYNC_MAX_ROWS``). The rows are the user's own scope filtered by ``PointFilter`` from the
same query string as the page; a job re-builds them as its owner.

The columns are the import's (``importers.COLUMNS``) after the enterprise's name and credit code,
then the score and dates: a file exported by an enterprise imports back into another workshop."""
from types import SimpleNamespace

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from portal.accounts import scope
from portal.jobs import exports
from portal.jobs.exports import Column, sheet_xlsx

from .filters_points import PointFilter
from .importers import COLUMN_WIDTHS, COLUMNS, CYCLE_TEXT, LEVEL_TEXT, METHOD_TEXT
from .models import RiskPoint, plain

HEADERS = ["企业名称", "统一社会信用代码", *COLUMNS, "得分", "定级日期", "登记日期", "停用日期"]
WIDTHS = [30, 22, *COLUMN_WIDTHS, 8, 12, 12, 12]
DATES = {"定级日期", "登记日期", "停用日期"}


def export_queryset(user, query):
    """The points ``user`` sees, filtered like the list page (live ones unless ``retired`` is given);
    an invalid filter exports nothing, never everything."""
    if not isinstance(query, QueryDict):
        query = QueryDict(query or "")
    query = query.copy()
    if "retired" not in query:
        query["retired"] = "false"
    base = scope.visible(user, RiskPoint.objects.all())
    filterset = PointFilter(query, queryset=base, request=SimpleNamespace(user=user))
    if not filterset.is_valid():
        return base.none()
    return filterset.qs.order_by("enterprise__name", "area", "name", "pk")


def points_xlsx(queryset, progress=None) -> bytes:
    rows = queryset.select_related("enterprise", "category")

    def values():
        for p in rows.iterator(chunk_size=2000):
            v = p.grading_values or {}
            yield (p.enterprise.name, p.enterprise.credit_code, p.area, p.name,
                   p.category.code if p.category_id else "", p.responsible_person, p.responsible_phone,
                   CYCLE_TEXT.get(p.cycle, p.cycle), METHOD_TEXT.get(p.basis, p.basis), v.get("L"), v.get("E"),
                   v.get("C"), v.get("S"), LEVEL_TEXT.get(p.level, p.level), p.level_reason,
                   "；".join(p.check_items), plain(p.score) if p.score is not None else None, p.graded_on,
                   p.created_on, p.retired_on)

    columns = [Column(h, w, date=h in DATES) for h, w in zip(HEADERS, WIDTHS)]
    return sheet_xlsx(values(), columns, sheet_title=_("Risk points"), total=queryset.count() if progress else 0,
                      progress=progress, freeze="E2")


def _rows(user, query):
    return export_queryset(user, query), ""


def _write(queryset, *, title, progress=None):
    return points_xlsx(queryset, progress=progress)


def file_name():
    return f"{_('Risk points')}-{timezone.localdate():%Y%m%d}.xlsx"


POINT_EXPORT = exports.register(exports.Export(
    kind="risk_reports.points", queryset=_rows, write=_write, file_name=file_name,
    job_title=gettext_lazy("Risk point export (%(n)d points)"),
    done_message=gettext_lazy("%(n)d risk points exported.")))
