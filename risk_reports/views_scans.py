"""The scan self-check pages: the page a Changan code's QR opens (/c/<token>/), the scan list and a
scan's page. Thin: every query starts from ``scope``, the one write is ``scan_submit``.

The scan page sends its submission to the API (``/api/v1/scans/``) through the browser's outbox
(static/js/outbox.js), which keeps it — photos included — while the network is down or the session
has expired. Without script the form posts here and the same service records it."""
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.attachments.models import Attachment
from portal.submissions.pages import problem_page
from portal.submissions.services import KeyReused, new_client_key
from portal.ui import paginate, query_without

from .filters_scans import ScanFilter
from .models import PointHazard, Scan
from .services.scans import NOTE_MAX, CodeRefused, scan_code, scan_submit

# The scan page may be opened again from the phone's cache while the shop floor has no signal (no
# service worker: plain-HTTP intranets have none), so that what waits in its outbox shows and is
# sent when the network returns. It holds the point's check items and nothing of other users.
SCAN_PAGE_CACHE_SECONDS = 12 * 3600


def _refused(request, message=None, status=404):
    return render(request, "risk_reports/scan_refused.html", {"message": message or str(CodeRefused().message)},
                  status=status)


def _posted_results(request, items):
    """The no-script form's answers as the API's results (an unanswered item is left out: the service
    names it)."""
    results = []
    for index, item in enumerate(items):
        answer = request.POST.get(f"ok_{index}")
        if answer in ("true", "false"):
            results.append({"item": item, "ok": answer == "true", "note": request.POST.get(f"note_{index}", "")})
    return results


def _posted_time(request):
    """The no-script form's check time: when the page was drawn (a hidden field, so a resent form is
    the same payload), now without it."""
    moment = parse_datetime(request.POST.get("opened_at", ""))
    return moment if moment is not None and timezone.is_aware(moment) else timezone.now()


def scan(request, token):
    """The point's check items, marked and sent from a phone. Every code that opens nothing for the
    user — forged, revoked, another enterprise's, a deregistered enterprise's, a retired point's —
    gets the same neutral page (404)."""
    user = request.user
    if not user.is_authenticated:
        if request.GET.get("status") == "1":
            # a dust page's status fetch after the session expired: a fragment, not the sign-in page
            # swapped into the page (the same answer whatever the token)
            from . import views_dust

            return views_dust.dust_status_signed_out(request)
        return redirect_to_login(request.get_full_path())
    try:
        code = scan_code(user=user, token=token)
    except CodeRefused:
        # dust cleaning (issue 11 item 2): a key dust site's code opens the day's photo upload
        from . import views_dust
        from .services.dust import dust_site_exists

        if dust_site_exists(token):
            return views_dust.dust_upload_page(request, token)
        return _refused(request)
    point = code.point
    if not scope.can(user, caps.SCAN, point, in_scope=True):
        return _refused(request, _("Only the employees of the point's enterprise make its self-check."), status=403)
    items = [str(i) for i in point.check_items]
    errors, client_key = [], new_client_key()
    if request.method == "POST":
        client_key = request.POST.get("client_key", "")
        try:
            done = scan_submit(code_token=token, by=user, results=_posted_results(request, items),
                               done_at=_posted_time(request), client_key=client_key,
                               photos=request.FILES.getlist("photos"))
        except CodeRefused:
            return _refused(request)
        except KeyReused as exc:
            return problem_page(request, heading=_("Already submitted"), message=exc.message, status=409,
                                back=request.path)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("The self-check is recorded.") + (
                " " + _("%(n)s hazard(s) entered in the ledger.") % {"n": len(done.hazards)} if done.hazards else ""))
            return redirect(f"{request.path}?done={done.scan_id}")  # not the cached page: it says so once
    response = render(request, "risk_reports/scan.html", {
        "point": point, "token": token, "items": items, "client_key": client_key, "errors": errors,
        "note_max": NOTE_MAX, "enterprise": point.enterprise,
        "opened_at": request.POST.get("opened_at") or timezone.now().isoformat()})
    if request.method == "GET" and not request.GET:
        patch_cache_control(response, private=True, max_age=SCAN_PAGE_CACHE_SECONDS)
    return response


def _require_view(user):
    if not user.is_authenticated:
        return False
    if not scope.holds(user, caps.VIEW_RISK):
        raise PermissionDenied
    return True


def scan_list(request):
    user = request.user
    if not _require_view(user):
        return redirect_to_login(request.get_full_path())
    qs = scope.visible(user, Scan.objects.select_related("point", "enterprise", "township", "by"))
    filterset = ScanFilter(request.GET or None, queryset=qs, request=request)
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    page = paginate(request, qs.order_by("-done_at", "-id"))
    own = scope.membership(user) is not None
    return render(request, "risk_reports/scan_list.html", {
        "filter": filterset, "page": page, "query": query_without(request, "page"),
        "fields": "area after before failed by_principal" if own else "q township area after before failed by_principal",
        "own_enterprise": own})


def scan_detail(request, pk):
    user = request.user
    if not _require_view(user):
        return redirect_to_login(request.get_full_path())
    scan_, _can = scope.get(user, Scan.objects.select_related("point", "enterprise", "township", "by", "code"), pk=pk)
    photos = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Scan), object_id=scan_.pk)
    links = PointHazard.objects.filter(scan=scan_).select_related("hazard").order_by("hazard_id")
    return render(request, "risk_reports/scan_detail.html", {
        "scan": scan_, "photos": photos, "links": links})
