"""The self-check lists as .xlsx, for any filter of the list page (``portal.jobs.exports``): the rows
are the user's scope filtered by ``SelfCheckFilter`` from the same query string, rebuilt as the user
inside a job past the synchronous limit. Row 1 names the filter, row 2 the Chinese headers."""
from types import SimpleNamespace

from django.db.models import Count, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from portal.accounts import scope
from portal.documents.render import cn_date
from portal.jobs import exports
from portal.jobs.exports import Column, sheet_xlsx

from .exports import filter_description
from .filters_self_checks import SelfCheckFilter
from .models import SelfCheckList, SelfCheckState

COLUMNS = [Column("专项行动", 30), Column("企业名称", 30), Column("统一社会信用代码", 22), Column("镇（街道）", 12),
           Column("检查表", 20), Column("下发时间", 18), Column("截止日期", 12, date=True), Column("状态", 10),
           Column("是否逾期", 10), Column("完成时间", 18), Column("不符合项", 10), Column("填报人", 12)]


def self_check_queryset(user, query):
    """``(queryset, filterset)``: the lists ``user`` sees filtered by ``query`` (an invalid filter, e.g.
    a township out of scope, exports nothing)."""
    if not isinstance(query, QueryDict):
        query = QueryDict(query or "")
    base = scope.visible(user, SelfCheckList.objects.all())
    filterset = SelfCheckFilter(query or None, queryset=base, request=SimpleNamespace(user=user))
    if filterset.is_bound and not filterset.is_valid():
        return base.none(), filterset
    return filterset.qs.order_by("township__path", "enterprise__name", "pk"), filterset


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def self_check_xlsx(queryset, *, title, progress=None) -> bytes:
    rows = queryset.annotate(failed=Count("answers", filter=Q(answers__result="fail"))).values_list(
        "campaign__name", "enterprise__name", "enterprise__credit_code", "township__name", "checklist__name",
        "checklist__version", "sent_at", "due_date", "state", "done_at", "failed", "done_by__full_name")
    states = dict(SelfCheckState.choices)
    today = timezone.localdate()

    def values():
        for (campaign, name, code, township, checklist, version, sent_at, due, state, done_at, failed,
             done_by) in rows.iterator(chunk_size=2000):
            late = state == SelfCheckState.SENT and due < today
            yield (campaign, name, code, township, f"{checklist} v{version}", _local(sent_at), due,
                   str(states.get(state, state)), "是" if late else "否", _local(done_at),
                   failed if state == SelfCheckState.DONE else "", done_by or "")

    return sheet_xlsx(values(), COLUMNS, sheet_title=_("Self-check lists"), title=title,
                      total=queryset.count() if progress else 0, progress=progress)


def self_check_rows(user, query):
    queryset, filterset = self_check_queryset(user, query)
    description = filter_description(user, filterset) or _("all lists")
    return queryset, _("Self-check lists (%(filters)s), exported on %(date)s") % {
        "filters": description, "date": cn_date(timezone.localdate())}


def self_check_file_name():
    return f"{_('Self-check lists')}-{timezone.localdate():%Y%m%d}.xlsx"


SELF_CHECK_EXPORT = exports.register(exports.Export(
    kind="inspections.self_check", queryset=self_check_rows, write=self_check_xlsx, file_name=self_check_file_name,
    job_title=gettext_lazy("Self-check list export (%(n)d lists)"),
    done_message=gettext_lazy("%(n)d self-check lists exported.")))
