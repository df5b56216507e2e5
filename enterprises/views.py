"""Roster pages: list with filters, the enterprise page (一企一档), create/edit, the overview and
the quarterly change report. Every queryset starts from ``scope``."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.figures.periods import QUARTER, Period
from portal.ui import form_errors_from, paginate, query_without

from . import figures, services
from .dossier import sections_for
from .filters import EnterpriseFilter
from .forms import ChemicalStorageSiteForm, EnterpriseForm, EnterpriseSelfForm
from .models import ChemicalStorageSite, Enterprise, EnterpriseChange
from .reports import change_report

def roster_queryset(user):
    return scope.visible(user, Enterprise.objects.select_related("township", "industry", "industry__parent",
                                                                 "grid_cell"))


def _may_create(user):
    return scope.can(user, caps.MANAGE_ROSTER)


def _has_roster(user):
    """Roles that work with the roster. For the others (auditor, administrator, agency, expert) its
    pages do not exist: 404, like anything out of scope."""
    return scope.can(user, caps.VIEW_ROSTER)


@login_required
def enterprise_list(request):
    user = request.user
    member = scope.membership(user)
    if member is not None:  # an enterprise user has one enterprise: its page is their roster
        return redirect("enterprises:detail", pk=member.enterprise_id)
    if not _has_roster(user):  # an enterprise account without its enterprise holds nothing
        raise Http404("No roster for this role")
    filterset = EnterpriseFilter(request.GET or None, queryset=roster_queryset(user), request=request)
    # An invalid filter (a township out of scope, an unknown industry) shows no rows and its error,
    # never the unfiltered roster as if it were the answer.
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    # by name: PostgreSQL walks the name index and stops after one page (ordering by the
    # township's order first would join and sort every enterprise in scope)
    page = paginate(request, qs.order_by("name", "pk"))
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "roster-results":
        template = "enterprises/_roster_results.html"
    else:
        template = "enterprises/enterprise_list.html"
    return render(request, template, {
        "filter": filterset, "page": page, "query": query_without(request, "page"),
        "export_query": query_without(request, "page", "per_page"), "may_create": _may_create(user),
    })


@login_required
def enterprise_detail(request, pk):
    enterprise, can_change = scope.get(request.user, roster_queryset(request.user).select_related(
        "village", "host", "township__parent"), pk=pk)
    return render(request, "enterprises/enterprise_detail.html", {
        "enterprise": enterprise, "can_change": can_change,
        "is_field_role": _may_create(request.user),
        "sections": sections_for(enterprise, request.user),
    })


@login_required
def enterprise_create(request):
    if not _may_create(request.user):  # a step the role never takes: 403, like the API
        raise PermissionDenied(_("Your account may not take this step."))
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprise = services.enterprise_create(
                by=request.user, key_domains=list(data.pop("key_domains")),
                is_key_sector=data.pop("is_key_sector"), effective_date=data.pop("effective_date"),
                reason=data.pop("reason"), **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Enterprise %(name)s added to the roster.") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/enterprise_form.html", {"form": form, "creating": True})


@login_required
def enterprise_edit(request, pk):
    user = request.user
    enterprise = scope.get_for_change(user, roster_queryset(user), pk=pk)
    if not scope.can(user, caps.MANAGE_ROSTER, enterprise, in_scope=True):
        # an enterprise's own principal or safety manager: the self-filed fields
        form = EnterpriseSelfForm(request.POST or None, instance=enterprise)
        if request.method == "POST" and form.is_valid():
            saved = _update_or_errors(request, form, enterprise, **form.cleaned_data)
            if saved:
                return saved
        return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": enterprise})
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("credit_code", None)
        domains = list(data.pop("key_domains"))
        key_sector = data.pop("is_key_sector")
        saved = _update_or_errors(
            request, form, enterprise, key_domains=domains,
            is_key_sector=services.derived_key_sector(domains) if key_sector is None else key_sector, **data)
        if saved:
            return saved
    return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": enterprise})


def _update_or_errors(request, form, enterprise, **fields):
    """Save through the roster service: a redirect on success, None with the errors on the form."""
    try:
        services.enterprise_update(enterprise=enterprise, by=request.user, **fields)
    except ValidationError as exc:
        form_errors_from(form, exc)
        return None
    messages.success(request, _("Saved."))
    return redirect("enterprises:detail", pk=enterprise.pk)


@login_required
def chemical_site_add(request, pk):
    enterprise = scope.get_for_change(request.user, roster_queryset(request.user), pk=pk)
    form = ChemicalStorageSiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.chemical_site_create(enterprise=enterprise, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Storage site added."))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/chemical_site_form.html", {"form": form, "enterprise": enterprise})


@login_required
@require_POST
def chemical_site_delete(request, pk, site_pk):
    site = scope.get_for_change(request.user, ChemicalStorageSite.objects.all(), pk=site_pk, enterprise_id=pk)
    services.chemical_site_delete(site=site, by=request.user)
    messages.success(request, _("Storage site removed."))
    return redirect("enterprises:detail", pk=pk)


def _root_region(request):
    """The region whose children the user looks at: their own, or a visible one they picked."""
    root = scope.figure_root(request.user)
    if root is None:
        raise Http404("No region")
    picked = request.GET.get("region")
    if picked:
        # a village has no subordinate units to count: only city, district and township overviews
        region, _can = scope.get(request.user, scope.regions(request.user).exclude(level=Region.Level.VILLAGE),
                                 pk=picked)
        return region
    return root


@login_required
def overview(request):
    if not scope.can(request.user, caps.ROSTER_REPORTS):
        raise Http404("No overview for this role")
    region = _root_region(request)
    data = figures.overview(region, scope.visible(request.user, Enterprise.objects.all()))
    return render(request, "enterprises/overview.html", {**data, "ancestors": region.ancestors()})


@login_required
def change_report_page(request):
    if not scope.can(request.user, caps.ROSTER_REPORTS):
        raise Http404("No report for this role")
    user = request.user
    townships = scope.townships(user)
    quarter = Period.parse(request.GET.get("quarter"), QUARTER) or Period.containing(timezone.localdate())
    township = None
    if request.GET.get("township"):
        township, _can = scope.get(user, townships, pk=request.GET["township"])
    elif (own := scope.bound_region(user)) is not None and own.level == Region.Level.TOWNSHIP:
        township = own
    report = change_report(user=user, township=township, quarter=quarter) if township else None
    if report and request.GET.get("format") == "xlsx":
        from .exports import change_report_xlsx, xlsx_response
        from portal.accounts.models import AccessLog
        from portal.accounts.services import access_log_write
        access_log_write(kind=AccessLog.Kind.EXPORT, request=request, user=user,
                         detail=f"roster changes {township.name} {quarter}")
        return xlsx_response(change_report_xlsx(report), f"{township.name}{quarter.label}企业变动情况.xlsx")
    return render(request, "enterprises/change_report.html", {
        "townships": townships, "township": township, "quarter": quarter, "report": report,
        "quarters": Period.recent(timezone.localdate(), 8),
    })
