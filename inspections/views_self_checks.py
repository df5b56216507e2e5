"""The self-check list pages (issue 11 item 4): the campaign's send action, the lists with filters,
paging and an .xlsx export (a township sees its enterprises', an enterprise its own), one list's page
and the enterprise's phone-friendly fill form — submitted once per client key
(``portal.submissions.pages.form_submit_once``), through the same service as the API.

Every queryset starts from ``scope``: a list or campaign out of scope is a 404; in scope but not the
user's to change, a 403."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.api_common import attachments_of
from portal.jobs.exports import export_respond
from portal.submissions.pages import form_submit_once
from portal.ui import form_errors_from, paginate, query_without

from .exports_self_checks import SELF_CHECK_EXPORT
from .filters_self_checks import SelfCheckFilter
from .forms_self_checks import SelfCheckFillForm, SelfCheckSendForm
from .models import Campaign, SelfCheckAnswer, SelfCheckList, SelfCheckState
from .services import self_checks as services

FILL_REFUSED = "Only the principal or safety manager of the list's enterprise fills it in."
PREVIEW_SIZE = 20


def _require_view(user):
    if not scope.can(user, caps.VIEW_INSPECTIONS):
        raise Http404("No self-check lists for this role")


def _lists(user):
    return scope.visible(user, SelfCheckList.objects.select_related("campaign", "enterprise", "township", "checklist"))


def _styled(filterset):
    for field in filterset.form.fields.values():
        field.widget.attrs["class"] = "form-select" if hasattr(field.widget, "choices") else "form-control"
    return filterset


def _counts(queryset):
    return queryset.aggregate(sent=Count("pk"), done=Count("pk", filter=Q(state=SelfCheckState.DONE)),
                              late=Count("pk", filter=Q(state=SelfCheckState.SENT,
                                                        due_date__lt=timezone.localdate())))


def campaign_self_checks(user, campaign):
    """The campaign page's self-check card: the lists the user sees, done, late, who a send would reach."""
    counts = _counts(scope.visible(user, campaign.self_check_lists.all()))
    may_send = scope.can(user, caps.MANAGE_CAMPAIGNS, campaign, in_scope=True)
    return {"self_checks": counts, "self_check_may_send": may_send,
            "self_check_missing": services.self_check_missing(campaign).count() if may_send else 0}


@login_required
def self_check_list(request):
    user = request.user
    _require_view(user)
    filterset = SelfCheckFilter(request.GET or None, queryset=_lists(user), request=request)
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    page = paginate(request, qs.order_by("-sent_at", "township__path", "enterprise__name", "pk"))
    return render(request, "inspections/self_checks/self_check_list.html", {
        "filter": _styled(filterset), "page": page, "query": query_without(request, "page"),
        "export_query": query_without(request, "page", "per_page"), "counts": _counts(qs),
        "today": timezone.localdate(), "enterprise_user": scope.membership(user) is not None,
    })


@login_required
def self_check_export(request):
    _require_view(request.user)
    return export_respond(request, SELF_CHECK_EXPORT.kind)


@login_required
def self_check_detail(request, pk):
    user = request.user
    _require_view(user)
    self_check, can_change = scope.get(user, _lists(user).select_related("done_by", "sent_by"), pk=pk)
    answers = list(self_check.answers.select_related("item", "hazard").order_by("item__order", "item_code"))
    photos = attachments_of(SelfCheckAnswer, [a.pk for a in answers])
    return render(request, "inspections/self_checks/self_check_detail.html", {
        "self_check": self_check, "answers": [(a, photos.get(a.pk, [])) for a in answers],
        "may_fill": can_change and self_check.state == SelfCheckState.SENT,
        "items": services.self_check_items(self_check) if self_check.state == SelfCheckState.SENT else (),
        "today": timezone.localdate(),
    })


@login_required
def self_check_fill(request, pk):
    user = request.user
    self_check = scope.get_for(user, _lists(user), caps.REPORT_HAZARD, _(FILL_REFUSED), pk=pk)
    if request.method != "POST" and self_check.state == SelfCheckState.DONE:
        messages.info(request, _("This self-check list has been submitted."))
        return redirect("inspections:self_check_detail", pk=self_check.pk)
    form = SelfCheckFillForm(request.POST or None, request.FILES or None,
                             items=services.self_check_items(self_check))
    if request.method == "POST":
        def handler(_data):
            services.self_check_submit(self_check=self_check, by=user, answers=form.answers(), photos=form.photos())
            messages.success(request, _("Your self-check is submitted."))
            return reverse("inspections:self_check_detail", args=[self_check.pk])

        response = form_submit_once(request, kind=services.SUBMIT_KIND, form=form, handler=handler)
        if response is not None:
            return response
    return render(request, "inspections/self_checks/self_check_fill.html", {
        "self_check": self_check, "form": form, "note_max": services.NOTE_MAX})


@login_required
def campaign_self_check_send(request, pk):
    """Send a checklist to the campaign's targets: shows how many enterprises will get it, then sends."""
    user = request.user
    if not scope.can(user, caps.SUPERVISE):  # campaigns are the inspectors' pages
        raise Http404("No campaigns for this role")
    campaign = scope.get_for(user, Campaign.objects.select_related("region"), caps.MANAGE_CAMPAIGNS,
                             _("Only %(unit)s (or the bureau above it) may send this campaign's self-check list.")
                             % {"unit": _("the organising unit")}, pk=pk)
    form = SelfCheckSendForm(request.POST or None, checklists=services.self_check_checklists(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.self_check_send(campaign=campaign, by=user, checklist=form.cleaned_data["checklist"],
                                            due_date=form.cleaned_data["due_date"])
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            if sent:
                messages.success(request, _("%(n)s enterprises were sent the self-check list.") % {"n": sent})
            else:
                messages.info(request, _("Every target enterprise already has this campaign's self-check list: "
                                         "nothing was sent."))
            return redirect(f"{reverse('inspections:self_check_list')}?campaign={campaign.pk}")
    missing = services.self_check_missing(campaign).select_related("township").order_by("township__path", "name")
    return render(request, "inspections/self_checks/send.html", {
        "campaign": campaign, "form": form, "missing_count": missing.count(), "preview": missing[:PREVIEW_SIZE],
        "already": campaign.self_check_lists.count(),
    })
