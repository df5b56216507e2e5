"""The significant-or-above risks (较大及以上风险) as .xlsx, for upload to the provincial system
(seed 000 item 2): the items of each enterprise's latest submitted or accepted report the user
sees, through the shared export (``portal.jobs.exports``)."""
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.jobs import exports
from portal.jobs.exports import Column, sheet_xlsx

from .importers import LEVEL_TEXT, METHOD_TEXT
from .models import ReportState, RiskReport, RiskReportItem, plain
from .services.reports import SIGNIFICANT

HEADERS = ["企业名称", "统一社会信用代码", "所属镇（街道）", "报告类型", "报告年度", "提交时间", "车间或区域", "风险点",
           "风险等级", "定级方法", "得分", "危险有害因素", "责任人", "联系电话"]
WIDTHS = [30, 22, 14, 10, 8, 18, 16, 20, 8, 10, 8, 40, 10, 14]


def export_queryset(user, query=None):
    if not scope.can(user, caps.SUPERVISE):
        return RiskReportItem.objects.none()
    latest = (RiskReport.objects.filter(enterprise=OuterRef("report__enterprise"),
                                        state__in=(ReportState.SUBMITTED, ReportState.ACCEPTED))
              .order_by("-submitted_at", "-id").values("pk")[:1])
    items = scope.visible(user, RiskReportItem.objects.filter(level__in=SIGNIFICANT))
    return items.filter(report_id=Subquery(latest)).order_by("report__enterprise__name", "area", "name", "pk")


def significant_xlsx(queryset, progress=None) -> bytes:
    rows = queryset.select_related("report__enterprise", "report__township")

    def values():
        for i in rows.iterator(chunk_size=2000):
            r = i.report
            yield (r.enterprise.name, r.enterprise.credit_code, r.township.name if r.township_id else "",
                   r.get_kind_display(), r.year, timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M"),
                   i.area, i.name, LEVEL_TEXT.get(i.level, i.level), METHOD_TEXT.get(i.basis, i.basis),
                   plain(i.score) if i.score is not None else None, "；".join(map(str, i.factors)),
                   i.responsible_person, i.responsible_phone)

    columns = [Column(h, w) for h, w in zip(HEADERS, WIDTHS)]
    return sheet_xlsx(values(), columns, sheet_title=_("Significant or above risks"),
                      total=queryset.count() if progress else 0, progress=progress, freeze="C2")


def _rows(user, query):
    return export_queryset(user, query), ""


def _write(queryset, *, title, progress=None):
    return significant_xlsx(queryset, progress=progress)


def file_name():
    return f"{_('Significant or above risks')}-{timezone.localdate():%Y%m%d}.xlsx"


SIGNIFICANT_EXPORT = exports.register(exports.Export(
    kind="risk_reports.significant", queryset=_rows, write=_write, file_name=file_name,
    job_title=gettext_lazy("Significant risk export (%(n)d risks)"),
    done_message=gettext_lazy("%(n)d significant risks exported.")))
