"""The hazard ledger (隐患台账) as .xlsx, for any filter of the hazard list.

The rows are the user's own scope (``scope.visible``) filtered by ``HazardFilter`` from the same
query string as the list page; a job re-builds them as its owner, never from ids passed in. Row 1
is a title naming the filter, row 2 the Chinese headers (a fixed file format, like the roster's
columns), then one row per hazard. Written and answered by the shared export (``portal.jobs.exports``:
formula-safe cells, the file at once or a background job past ``EXPORT_SYNC_MAX_ROWS``).
"""
import datetime
from types import SimpleNamespace

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from enterprises.importers import NO, YES
from enterprises.models import Enterprise
from portal.accounts import scope
from portal.documents.render import cn_date
from portal.jobs import exports
from portal.jobs.exports import Column, sheet_xlsx

from .filters import HazardFilter
from .models import Hazard, HazardSeverity, HazardSource, HazardStatus, Inspection

COLUMNS = ["企业名称", "统一社会信用代码", "镇（街道）", "来源", "检查项编号", "隐患等级", "重大隐患判定依据", "隐患描述",
           "位置", "发现日期", "整改期限", "状态", "是否逾期", "责任人", "整改措施", "资金（元）", "验收日期"]
COLUMN_WIDTHS = [30, 22, 12, 12, 12, 10, 30, 40, 18, 12, 12, 14, 10, 10, 36, 12, 12]


def export_queryset(user, query):
    """``(queryset, filterset)``: the hazards ``user`` sees, filtered like the hazard list by ``query``
    (a query string or QueryDict). An invalid filter (e.g. a township out of scope) exports nothing."""
    if not isinstance(query, QueryDict):
        query = QueryDict(query or "")
    base = scope.visible(user, Hazard.objects.all())
    filterset = HazardFilter(query or None, queryset=base, request=SimpleNamespace(user=user))
    if filterset.is_bound and not filterset.is_valid():
        return base.none(), filterset
    return filterset.qs.order_by("township__order", "enterprise__name", "found_on", "pk"), filterset


def _value_text(user, name, flt, value):
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime.date):
        return cn_date(value)
    choices = flt.extra.get("choices")
    if choices:
        return str(dict(choices).get(value, value))
    if name == "enterprise":
        found = scope.visible(user, Enterprise.objects.filter(pk=int(value))).values_list("name", flat=True).first()
        return found or str(int(value))
    if name == "inspection":
        found = scope.visible(user, Inspection.objects.filter(pk=int(value))).select_related("enterprise").first()
        return str(found) if found else str(int(value))
    return str(value)


def filter_description(user, filterset):
    """The filters in force, e.g. "镇（街道）：湖塘镇；状态：整改中" ("" when none)."""
    if not filterset.is_bound or not filterset.is_valid():
        return ""
    parts = []
    for name, flt in filterset.filters.items():
        value = filterset.form.cleaned_data.get(name)
        if value is None or value == "":
            continue
        parts.append(f"{flt.label}：{_value_text(user, name, flt, value)}")
    return "；".join(parts)


def ledger_title(user, filterset):
    description = filter_description(user, filterset) or _("all hazards")
    return _("Hazard ledger (%(filters)s), exported on %(date)s") % {
        "filters": description, "date": cn_date(timezone.localdate())}


COLUMNS_SPEC = [Column(h, w, date=h in ("发现日期", "整改期限", "验收日期")) for h, w in zip(COLUMNS, COLUMN_WIDTHS)]


def hazard_xlsx(queryset, *, title, progress=None) -> bytes:
    """The ledger rows of ``queryset``: one query for the rows, streamed (``portal.jobs.exports``)."""
    rows = queryset.values_list(
        "enterprise__name", "enterprise__credit_code", "township__name", "source", "item_code", "severity",
        "major_criterion__code", "major_criterion__text", "description", "location", "found_on", "deadline",
        "status", "responsible_person", "measures", "funds", "closed_on")
    sources, severities, statuses = (dict(c.choices) for c in (HazardSource, HazardSeverity, HazardStatus))
    today = timezone.localdate()

    def values():
        for (name, code, township, source, item_code, severity, criterion_code, criterion_text, description,
             location, found_on, deadline, status, responsible, measures, funds, closed_on) in rows.iterator(
                chunk_size=2000):
            yield (name, code, township, str(sources.get(source, source)), item_code,
                   str(severities.get(severity, severity)),
                   f"{criterion_code} {criterion_text}" if criterion_code else "", description, location,
                   found_on, deadline, str(statuses.get(status, status)),
                   YES if status != HazardStatus.CLOSED and deadline < today else NO,
                   responsible, measures, funds, closed_on)

    return sheet_xlsx(values(), COLUMNS_SPEC, sheet_title=_("Hazard ledger"), title=title,
                      total=queryset.count() if progress else 0, progress=progress)


def ledger_file_name():
    return f"{_('Hazard ledger')}-{timezone.localdate():%Y%m%d}.xlsx"


def hazard_rows(user, query):
    """``(queryset, title)`` of the export registered below."""
    queryset, filterset = export_queryset(user, query)
    return queryset, ledger_title(user, filterset)


HAZARD_EXPORT = exports.register(exports.Export(
    kind="inspections.hazard", queryset=hazard_rows, write=hazard_xlsx, file_name=ledger_file_name,
    job_title=gettext_lazy("Hazard ledger export (%(n)d hazards)"),
    done_message=gettext_lazy("%(n)d hazards exported.")))
