"""The Changan code labels (常安码标签): a PDF sheet of labels of one enterprise, or of one of its
workshops, to print, cut and post at each risk point.

A4, two columns by four rows (8 labels of 95 x 69 mm a page, cut along the dashed lines). Each label:
a band in the point's class colour (red, orange, yellow, blue) with the class name; the QR of the
point's live code (``risk_reports.qr``: its scan URL); the point, its enterprise and workshop, the
responsible person, the check cycle; the hint "扫码自查" and the code's short id (to tell an old label
from its reissued one). Labels are printed in Chinese whatever the UI language: they hang on the
shop floor. Laid out by the portal's WeasyPrint renderer (``portal.documents.render``, Fandol fonts
embedded as subsets).

Which labels: the live codes of the enterprise's points that are not retired (a retired point has
nothing to check; its code, if still live, scans to a refusal). A deregistered enterprise gets no
sheet. A big enterprise has hundreds of points: up to ``SYNC_MAX_LABELS`` the sheet is drawn in the
request, past that by a background job with progress (``portal.jobs``), see ``views_codes``.
"""
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise, Status
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.documents.render import cn_date, render_html
from portal.jobs.services import JobFailed, JobResult, handler

from . import qr
from .models import ChanganCode

TEMPLATE = "risk_reports/label_sheet.html"
JOB_KIND = "risk_reports.label_sheet"
PER_PAGE = 8  # 2 columns x 4 rows
CHUNK_PAGES = 5  # laid out at a time (40 labels), see sheet_pdf
COLUMNS = 2
# Drawn in the request up to this many labels (3 pages), past that as a job the user follows on the
# job page. Measured on the 2-core development machine shared with other work (load average 6-7,
# WeasyPrint 70, chunks of 5 pages): 8 labels 1.8 s, 24 labels 2.8 s, 48 labels 5.5 s, 300 labels
# (38 pages) 31.5 s; whole-sheet rendering before the chunks took 43-53 s for 300 at load 6-9 and
# 14-19 s on a quiet machine. A QR costs ~11 ms (segno picks the best of 8 masks); the rest is
# WeasyPrint's layout (about two thirds) and drawing, linear in the labels.
SYNC_MAX_LABELS = 24
LEVEL_TEXT = {"red": "重大风险", "orange": "较大风险", "yellow": "一般风险", "blue": "低风险"}
CYCLE_TEXT = {"shift": "每班", "day": "每天", "week": "每周", "month": "每月", "quarter": "每季度"}


def sheet_enterprise(user, enterprise_id):
    """The enterprise whose labels ``user`` asks for: in scope and ``view_risk`` (its own enterprise
    for an enterprise user, any enterprise of their territory for a supervisor); 404 otherwise."""
    if enterprise_id in (None, ""):
        member = scope.membership(user)
        enterprise_id = member.enterprise_id if member is not None else None
    if enterprise_id is None or not str(enterprise_id).isdigit():
        raise Http404("No enterprise")
    return scope.get_for(user, Enterprise.objects.all(), caps.VIEW_RISK, pk=enterprise_id)


def sheet_codes(user, enterprise, area=""):
    """The live codes to print, in workshop and point order, as ``user`` may see them (one query)."""
    codes = scope.visible(user, ChanganCode.objects.filter(
        revoked_at__isnull=True, point__enterprise=enterprise, point__retired_on__isnull=True))
    if area:
        codes = codes.filter(point__area=area)
    return codes.select_related("point", "point__enterprise").order_by("point__area", "point__name", "point__pk")


def sheet_check(enterprise):
    if enterprise.status == Status.DEREGISTERED:
        raise ValidationError(_("The enterprise is deregistered: its risk points get no labels."))


def file_name(enterprise, area=""):
    return f"常安码标签 {enterprise.name}{' ' + area if area else ''}.pdf"


def label_of(code, base):
    point = code.point
    return {
        "qr": qr.code_png_data_uri(code, base=base), "level": point.level,
        "level_text": LEVEL_TEXT.get(point.level, point.level), "name": point.name, "area": point.area,
        "enterprise": point.enterprise.name, "responsible": point.responsible_person,
        "cycle": CYCLE_TEXT.get(point.cycle, point.cycle), "short_id": qr.short_id(code),
    }


def _pdf_pages(html, font_config):
    """One chunk laid out by WeasyPrint, as ``portal.documents.render.render_pdf`` does it (same base
    URL, the fonts of ``render_html``'s ``@font-face``), kept as pages to merge."""
    from weasyprint import HTML  # imported late: ~0.6 s, and only PDF paths need it

    return HTML(string=html, base_url=settings.FONT_DIR.resolve().as_uri() + "/").render(font_config=font_config)


def sheet_pdf(codes, *, enterprise, area="", base, today=None, progress=None):
    """The labels of ``codes`` as PDF bytes, laid out ``CHUNK_PAGES`` pages at a time (progress, and
    the memory of a thousand labels) and merged into one PDF (WeasyPrint's documented way; one font
    configuration, so each Fandol face is embedded once). ``progress(done, total)`` counts labels:
    laid out, then drawn."""
    from weasyprint.text.fonts import FontConfiguration

    codes = list(codes)
    total = len(codes)
    page_count = -(-total // PER_PAGE)
    footer = f"{enterprise.name}{' · ' + area if area else ''} · 常安码标签"
    context = {"title": file_name(enterprise, area)[:-4], "footer": footer, "enterprise": enterprise, "area": area,
               "count": total, "page_count": page_count, "date_text": cn_date(today) if today else ""}
    if progress:
        progress(0, total)
    font_config = FontConfiguration()
    chunk = PER_PAGE * CHUNK_PAGES
    documents = []
    for first in range(0, max(total, 1), chunk):
        labels = [label_of(code, base) for code in codes[first:first + chunk]]
        pages = [{"number": (first + start) // PER_PAGE + 1,
                  "rows": [labels[i:i + COLUMNS] for i in range(start, min(start + PER_PAGE, len(labels)), COLUMNS)]}
                 for start in range(0, len(labels), PER_PAGE)]
        documents.append(_pdf_pages(render_html(TEMPLATE, {**context, "pages": pages}), font_config))
        if progress:  # laying out is about two thirds of the work, drawing the rest
            progress(min(first + chunk, total) * 2 // 3, total)
    content = documents[0].copy([page for document in documents for page in document.pages]).write_pdf()
    if progress:
        progress(total, total)
    return content


# -- the job -------------------------------------------------------------------------------------------------------
JOB_TITLE = gettext_lazy("Changan code labels of %(enterprise)s (%(n)d)")


@handler(JOB_KIND)
def label_sheet_job(job, progress):
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        return _label_sheet_job(job, progress)


def _label_sheet_job(job, progress):
    """The sheet, re-built as the job's owner from the enterprise and workshop it was asked for
    (scope applies inside the job too: a job keeps ids, never what they gave at the start)."""
    try:
        enterprise = sheet_enterprise(job.owner, job.params.get("enterprise"))
        sheet_check(enterprise)
    except (Http404, PermissionDenied) as exc:
        raise JobFailed(_("No such record.")) from exc
    except ValidationError as exc:
        raise JobFailed(" ".join(exc.messages)) from exc
    area = job.params.get("area", "")
    codes = list(sheet_codes(job.owner, enterprise, area))
    content = sheet_pdf(codes, enterprise=enterprise, area=area, base=job.params["base"],
                        today=timezone.localdate(), progress=progress)
    return JobResult(content=content, file_name=file_name(enterprise, area), result={"labels": len(codes)},
                     message=_("%(n)d labels drawn.") % {"n": len(codes)})
