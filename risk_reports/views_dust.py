"""Dust cleaning's pages: the sites of an enterprise (register, print their codes), the phone page a
site's code opens (/c/<token>/, the day's photo through the outbox), the township's review list
(flagged, sampled, send back), the day-7 verifications and the holiday duty roster. Thin: every query
starts from ``scope``, every write is a service of ``services.dust``."""
import datetime

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.sampling.models import Sample
from portal.submissions.pages import problem_page
from portal.submissions.services import KeyReused, new_client_key
from portal.ui import paginate

from . import qr
from .models import DustEscalation, DustSite, DustUpload, DutyRoster, EscalationStep
from .services import dust as svc
from .services.scans import CodeRefused


def _login(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not scope.holds(request.user, caps.VIEW_RISK):
        raise PermissionDenied
    return None


def _enterprise(request):
    """The enterprise the page is about: the user's own, or ``?enterprise=`` within scope."""
    member = scope.membership(request.user)
    pk = member.enterprise_id if member is not None else request.GET.get("enterprise") or request.POST.get("enterprise")
    if not pk:
        return None
    try:
        return scope.visible(request.user, Enterprise.objects.all()).get(pk=int(pk))
    except (Enterprise.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def dust_sites(request):
    if (answer := _login(request)) is not None:
        return answer
    enterprise = _enterprise(request)
    errors = []
    if request.method == "POST":
        if enterprise is None:
            raise Http404
        try:
            site = svc.dust_site_create(enterprise=enterprise, by=request.user, name=request.POST.get("name"),
                                        location=request.POST.get("location", ""))
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Dust site “%(name)s” registered: print its code and post it on site.")
                             % {"name": site.name})
            return redirect(f"{request.path}?enterprise={enterprise.pk}")
    qs = scope.visible(request.user, DustSite.objects.select_related("enterprise").filter(retired_on__isnull=True))
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    page = paginate(request, qs.order_by("enterprise__name", "name"))
    can_register = enterprise is not None and scope.can(request.user, caps.MANAGE_RISK_POINTS,
                                                        DustSite(enterprise=enterprise), in_scope=True)
    return render(request, "risk_reports/dust_sites.html", {
        "page": page, "enterprise": enterprise, "can_register": can_register, "errors": errors,
        "today": timezone.localdate()})


def _day(raw):
    """A YYYY-MM-DD day, None when empty; ``ValidationError`` when not a day."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        day = parse_date(raw)
    except ValueError:
        day = None
    if day is None:
        raise ValidationError({"retired_on": _("Give the day the site was retired (YYYY-MM-DD).")})
    return day


def dust_site_retire(request, pk):
    """Retire a site from a given day (its principal or safety manager): a confirmation page, then
    the service; out of scope 404, a reader 403, bad input the service's message with nothing changed."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not scope.holds(request.user, caps.VIEW_RISK):
        raise Http404  # a role that sees no dust site finds none (as the API)
    site = scope.get_for(request.user, DustSite.objects.select_related("enterprise"), caps.MANAGE_RISK_POINTS,
                         message=str(svc.MANAGERS_ONLY), pk=pk)
    errors, status = [], 200
    today = timezone.localdate()
    if site.retired_on is not None:
        errors = [_("This dust site is already retired.")]
    if request.method == "POST":
        try:
            on = _day(request.POST.get("retired_on"))
            svc.dust_site_retire(site=site, by=request.user, on=on)
        except ValidationError as exc:
            errors, status = exc.messages, 400
        else:
            messages.success(request, _("Dust site “%(name)s” retired: its code opens nothing any more.")
                             % {"name": site.name})
            return redirect(f"{reverse('risk_reports:dust_sites')}?enterprise={site.enterprise_id}")
    return render(request, "risk_reports/dust_site_retire.html", {
        "site": site, "errors": errors, "today": today,
        "retired_on": request.POST.get("retired_on") or today.isoformat()}, status=status)


def dust_codes(request):
    """The sheet of the sites' codes to print (one QR per site, its name under it)."""
    if (answer := _login(request)) is not None:
        return answer
    enterprise = _enterprise(request)
    if enterprise is None:
        raise Http404
    sites = scope.visible(request.user, DustSite.objects.filter(enterprise=enterprise, retired_on__isnull=True))
    base = qr.base_url(request)
    labels = [(site, qr.code_png_data_uri(site, base=base)) for site in sites.order_by("name")]
    return render(request, "risk_reports/dust_codes.html", {"enterprise": enterprise, "labels": labels})


def dust_status_signed_out(request):
    """The day's status fragment for a page whose session has expired: sign in to see it."""
    response = render(request, "risk_reports/_dust_status.html", {"signed_out": True})
    response["Cache-Control"] = "private, no-store"
    return response


def dust_upload_page(request, token):
    """What /c/<token>/ shows for a dust site's code: the day's photo, sent through the outbox."""
    user = request.user
    try:
        site = svc.dust_site_for(user=user, token=token)
    except CodeRefused:
        return render(request, "risk_reports/scan_refused.html", {"message": str(CodeRefused().message)}, status=404)
    if not scope.can(user, caps.SCAN, site, in_scope=True):
        return render(request, "risk_reports/scan_refused.html", {
            "message": _("Only the employees of the site's enterprise upload its cleaning photo.")}, status=403)
    errors, client_key = [], new_client_key()
    if request.method == "POST":
        client_key = request.POST.get("client_key", "")
        moment = parse_datetime(request.POST.get("opened_at", "") or "")
        try:
            svc.dust_upload_submit(token=token, by=user, photo=request.FILES.get("photo"), client_key=client_key,
                                   uploaded_at=moment if moment and timezone.is_aware(moment) else timezone.now())
        except CodeRefused:
            return render(request, "risk_reports/scan_refused.html", {"message": str(CodeRefused().message)},
                          status=404)
        except KeyReused as exc:
            return problem_page(request, heading=_("Already submitted"), message=exc.message, status=409,
                                back=request.path)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Today's cleaning photo is recorded."))
            return redirect(f"{request.path}?done=1")
    now = timezone.now()
    today = timezone.localdate(now)
    current = DustUpload.objects.filter(site=site, day=today, sent_back_at__isnull=True).first()
    status = {"site": site, "today": today, "current": current, "as_of": now}
    if request.method == "GET" and request.GET.get("status") == "1":
        # the day's status, fetched by the page (cached for a shop floor without signal) whenever it
        # opens with the network up, so that yesterday's "already uploaded" never stands for today's
        response = render(request, "risk_reports/_dust_status.html", status)
        response["Cache-Control"] = "private, no-store"
        return response
    response = render(request, "risk_reports/dust_upload.html", {
        **status, "token": token, "client_key": client_key, "errors": errors,
        "opened_at": request.POST.get("opened_at") or now.isoformat()})
    if request.method == "GET" and not request.GET:
        patch_cache_control(response, private=True, max_age=12 * 3600)
    return response


def _supervise(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not scope.holds(request.user, caps.SUPERVISE):
        raise PermissionDenied
    return None


def dust_review(request):
    """Flagged photos not yet reviewed, the photos of the latest recorded draw, and the actions."""
    if (answer := _supervise(request)) is not None:
        return answer
    user = request.user
    visible = scope.visible(user, DustUpload.objects.select_related("site", "enterprise", "photo"))
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "draw":
                today = timezone.localdate()
                first = parse_date(request.POST.get("day_from") or "") or today - datetime.timedelta(days=7)
                last = parse_date(request.POST.get("day_to") or "") or today
                n = request.POST.get("n") or "10"
                svc.dust_sample_draw(by=user, day_from=first, day_to=last, n=int(n) if n.isdigit() else -1)
            else:
                upload, _can = scope.get(user, DustUpload.objects.all(), pk=request.POST.get("upload") or 0)
                if action == "send_back":
                    svc.dust_upload_send_back(upload=upload, by=user, reason=request.POST.get("reason"))
                elif action == "ok":
                    svc.dust_upload_review(upload=upload, by=user)
                else:
                    raise Http404
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect(request.path)
    flagged = visible.filter(flagged=True, reviewed_at__isnull=True, sent_back_at__isnull=True).order_by("-day", "id")
    sample = scope.visible(user, Sample.objects.filter(content_type__model="dustupload")).first()
    drawn = visible.filter(pk__in=sample.drawn_ids).order_by("-day", "id") if sample else visible.none()
    return render(request, "risk_reports/dust_review.html", {
        "flagged": flagged[:200], "sample": sample, "drawn": drawn, "errors": errors,
        "today": timezone.localdate()})


def dust_escalations(request):
    if (answer := _supervise(request)) is not None:
        return answer
    user = request.user
    errors = []
    if request.method == "POST":
        escalation, _can = scope.get(user, DustEscalation.objects.all(), pk=request.POST.get("escalation") or 0)
        try:
            svc.dust_escalation_close(escalation=escalation, by=user, finding=request.POST.get("finding"))
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect(request.path)
    qs = scope.visible(user, DustEscalation.objects.select_related("site", "enterprise")
                       .filter(step=EscalationStep.VERIFY)).order_by("closed_at", "-sent_on", "id")
    return render(request, "risk_reports/dust_escalations.html", {"page": paginate(request, qs), "errors": errors})


def duty_roster(request):
    if (answer := _login(request)) is not None:
        return answer
    enterprise = _enterprise(request)
    errors = []
    if request.method == "POST":
        if enterprise is None:
            raise Http404
        try:
            svc.duty_roster_add(enterprise=enterprise, by=request.user,
                                starts_on=parse_date(request.POST.get("starts_on") or ""),
                                ends_on=parse_date(request.POST.get("ends_on") or ""),
                                person=request.POST.get("person"), phone=request.POST.get("phone"),
                                note=request.POST.get("note", ""))
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect(f"{request.path}?enterprise={enterprise.pk}")
    qs = scope.visible(request.user, DutyRoster.objects.select_related("enterprise"))
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    can_add = enterprise is not None and scope.can(request.user, caps.MANAGE_RISK_POINTS,
                                                   DutyRoster(enterprise=enterprise), in_scope=True)
    return render(request, "risk_reports/duty_roster.html", {
        "page": paginate(request, qs), "enterprise": enterprise, "can_add": can_add, "errors": errors})
