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
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Enterprise, Status
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.documents.render import cn_date, render_pdf
from portal.jobs.services import JobFailed, JobResult, handler

from . import qr
from .models import ChanganCode

TEMPLATE = "risk_reports/label_sheet.html"
JOB_KIND = "risk_reports.label_sheet"
PER_PAGE = 8  # 2 columns x 4 rows
COLUMNS = 2
# Drawn in the request up to this many labels (3 pages), past that as a job the user follows on the
# job page. Measured on the 2-core development machine (WeasyPrint 70, other work running, load 6-9):
# 8 labels 1.9 s, 24 labels 4.5 s, 48 labels 9.1 s, 300 labels (38 pages) 43-53 s; with the machine
# quieter 300 labels took 14-19 s. A QR costs ~11 ms (segno picks the best of 8 masks); the rest is
# WeasyPrint's layout and drawing, about linear in the labels.
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


def sheet_pdf(codes, *, enterprise, area="", base, today=None, progress=None):
    """The labels of ``codes`` as PDF bytes. ``progress(done, total)``: after each page of labels is
    prepared, then once laid out."""
    codes = list(codes)
    total = len(codes)
    if progress:
        progress(0, total)
    labels = []
    for index, code in enumerate(codes, start=1):
        labels.append(label_of(code, base))
        if progress and index % PER_PAGE == 0:
            progress(index // 2, total)  # the QRs are half the work; the layout is the other half
    pages = [[labels[i:i + COLUMNS] for i in range(start, min(start + PER_PAGE, total), COLUMNS)]
             for start in range(0, total, PER_PAGE)]
    footer = re.sub(r'["\\<>\s]+', " ", f"{enterprise.name}{' · ' + area if area else ''} · 常安码标签")
    content = render_pdf(TEMPLATE, {"title": file_name(enterprise, area)[:-4], "pages": pages, "footer": footer,
                                    "enterprise": enterprise, "area": area, "count": total,
                                    "date_text": cn_date(today) if today else ""})
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
