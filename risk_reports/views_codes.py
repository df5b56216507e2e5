"""Changan code pages: a code's QR (SVG), the code list, the reissue form, the label sheet (PDF).
Thin: the writes are ``services.codes``, the QR ``qr``, the sheet ``documents``; scope decides what
each user may see (out of scope is a 404, read-only a 403)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.jobs.services import job_start
from portal.ui import form_errors_from, paginate, query_without

from . import documents, qr
from .forms_codes import CodeFilter, CodeReasonForm
from .models import ChanganCode, RiskPoint
from .services.codes import MANAGERS_ONLY
from .services.codes import code_reissue as reissue_service


def _codes(user):
    return scope.visible(user, ChanganCode.objects.select_related("point", "point__enterprise", "revoked_by"))


@login_required
def code_qr(request, token):
    """The QR of a live code as an SVG image, for whoever sees its point; a revoked code has none
    (404, like a code that never existed or one out of scope). ``?download=1`` saves it as a file."""
    code = scope.get_for(request.user, ChanganCode.objects.filter(revoked_at__isnull=True).select_related("point"),
                         caps.VIEW_RISK, token=token)
    content = qr.code_svg(code, base=qr.base_url(request))
    response = HttpResponse(content, content_type=qr.SVG_CONTENT_TYPE)
    if request.GET.get("download"):
        response["Content-Disposition"] = content_disposition_header(
            True, f"常安码 {code.point.area} {code.point.name} {qr.short_id(code)}.svg")
    response["Cache-Control"] = "private, max-age=300"
    return response


def _fixed_enterprise(request):
    """The enterprise the list is about: an enterprise user's own, or ``?enterprise=`` when it is
    one the user sees (else None: a supervisor's list of every code of their territory)."""
    member = scope.membership(request.user)
    if member is not None:
        return member.enterprise
    value = request.GET.get("enterprise", "")
    if value.isdigit():
        return scope.visible(request.user, Enterprise.objects.all()).filter(pk=value).first()
    return None


@login_required
def code_list(request):
    """An enterprise's codes, live and revoked (a supervisor: every code of their territory, or of
    one enterprise with ``?enterprise=``), filtered by workshop and state, a page at a time."""
    user = request.user
    if not scope.holds(user, caps.VIEW_RISK):
        raise Http404("No risk pages for this account")
    enterprise = _fixed_enterprise(request)
    qs = _codes(user)
    if enterprise is not None:
        qs = qs.filter(point__enterprise=enterprise)
    filterset = CodeFilter(request.GET or None, queryset=qs, request=request)
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    # one enterprise: its workshops and points in order (hundreds of rows); a whole territory (up to
    # hundreds of thousands of codes): newest first, which the primary key's index serves page by page
    order = ("point__area", "point__name", "-issued_at", "-id") if enterprise is not None else ("-id",)
    page = paginate(request, qs.order_by(*order))
    area = (request.GET.get("area") or "").strip()
    areas = []
    if enterprise is not None:
        areas = list(RiskPoint.objects.filter(enterprise=enterprise, retired_on__isnull=True)
                     .order_by("area").values_list("area", flat=True).distinct())
    return render(request, "risk_reports/code_list.html", {
        "filter": filterset, "page": page, "query": query_without(request, "page"), "enterprise": enterprise,
        "area": area, "areas": areas,
        "may_manage": enterprise is not None and scope.can(user, caps.MANAGE_RISK_POINTS, enterprise)})


@login_required
def code_reissue(request, pk):
    """A point's current code and a form to replace it (a lost or damaged label): POST revokes the
    live code with the reason and issues a new one."""
    point = scope.get_for(request.user, RiskPoint.objects.select_related("enterprise"), caps.MANAGE_RISK_POINTS,
                          pk=pk, message=MANAGERS_ONLY)
    form = CodeReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            code = reissue_service(point=point, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("A new code was issued (%(id)s); the old label no longer opens anything. "
                                        "Print the new label and post it.") % {"id": qr.short_id(code)})
            return redirect("risk_reports:code_reissue", pk=point.pk)
    current = point.codes.filter(revoked_at__isnull=True).first()
    history = list(point.codes.filter(revoked_at__isnull=False).select_related("revoked_by")
                   .order_by("-revoked_at")[:20])
    status = 400 if form.errors else 200
    return render(request, "risk_reports/code_reissue.html", {
        "point": point, "form": form, "current": current, "history": history}, status=status)


@login_required
def label_sheet(request):
    """The labels of an enterprise (``?enterprise=``; an enterprise user's own by default) or of one
    of its workshops (``&area=``) as a PDF: drawn here up to ``documents.SYNC_MAX_LABELS`` labels,
    past that by a background job the user follows on the job page."""
    user = request.user
    enterprise = documents.sheet_enterprise(user, request.GET.get("enterprise"))
    area = (request.GET.get("area") or "").strip()
    try:
        documents.sheet_check(enterprise)
    except ValidationError as exc:
        return render(request, "risk_reports/code_labels_refused.html",
                      {"enterprise": enterprise, "messages_list": exc.messages}, status=400)
    codes = documents.sheet_codes(user, enterprise, area)
    count = codes.count()
    base = qr.base_url(request)
    if count > documents.SYNC_MAX_LABELS:
        job = job_start(owner=user, kind=documents.JOB_KIND,
                        title=str(documents.JOB_TITLE) % {"enterprise": enterprise.name + (f" · {area}" if area else ""),
                                                          "n": count},
                        params={"enterprise": enterprise.pk, "area": area, "base": base,
                                "language": translation.get_language()})
        return redirect("jobs:detail", pk=job.pk)
    content = documents.sheet_pdf(codes, enterprise=enterprise, area=area, base=base, today=timezone.localdate())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, documents.file_name(enterprise, area))
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    return response
