"""The notice's pages: the list (with the draft-from-snapshot form), one notice as it will print
(its rendering's progress, its files, the read receipts per addressed unit for the issuer), the
draft's edit page, and the steps publish, delete, render again. Thin: scope finds the notice (404
out of scope), the services decide (403, or a Chinese message and nothing changed)."""
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.accounts.recipients import readers_within
from portal.ui import form_errors_from, paginate, query_without

from . import drafting, services
from .documents import file_name
from .filters import NoticeFilter
from .forms import NoticeDraftForm, NoticeEditForm
from .models import Notice, NoticeReceipt


def _readable(user):
    if not (scope.holds(user, caps.READ_NOTICES) or scope.holds(user, caps.ISSUE_NOTICES)):
        raise Http404("No notices for this role")


def _notice(request, pk):
    """``(notice, may change)``: 404 when missing or out of scope."""
    _readable(request.user)
    return scope.get(request.user, Notice.objects.select_related("issuing_region", "render_job", "published_by",
                                                                 "created_by"), pk=pk)


def _refused(request, error):
    for message in error.messages:
        messages.error(request, message)


@login_required
def notice_list(request):
    _readable(request.user)
    notices = scope.visible(request.user, Notice.objects.select_related("issuing_region")).order_by("-created_at",
                                                                                                    "-pk")
    filterset = NoticeFilter(request.GET or None, queryset=notices)
    page = paginate(request, filterset.qs if filterset.is_bound and filterset.is_valid() else notices, per_page=20)
    snapshots = services.draftable_snapshots(request.user)
    draft_form = NoticeDraftForm(snapshots=snapshots) if snapshots.exists() else None
    return render(request, "notices/notice_list.html", {
        "filter": filterset, "page": page, "query": query_without(request, "page"), "draft_form": draft_form,
        "may_issue": scope.holds(request.user, caps.ISSUE_NOTICES)})


@login_required
@require_POST
def notice_draft(request):
    _readable(request.user)
    if not scope.holds(request.user, caps.ISSUE_NOTICES):  # a reader who issues none: 403, as in the API
        raise PermissionDenied(_("Your account may not take this step."))
    form = NoticeDraftForm(request.POST, snapshots=services.draftable_snapshots(request.user))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("notices:list")
    try:
        notice = services.notice_draft(snapshot=form.cleaned_data["snapshot"], by=request.user,
                                       number_prefix=form.cleaned_data["number_prefix"])
    except ValidationError as error:
        _refused(request, error)
        return redirect("notices:list")
    messages.success(request, _("The draft is ready: read it through, write the next steps, then publish."))
    return redirect("notices:edit", notice.pk)


def _receipts(notice):
    """Per addressed unit: the readers expected (users bound within who read notices) and who read, when."""
    recipients = list(notice.recipients.select_related("region").prefetch_related("receipts__user")
                      .order_by("order", "pk"))
    expected = Counter(region_id for region_id, _user in readers_within([r.region for r in recipients],
                                                                         caps.READ_NOTICES))
    return [{"recipient": r, "expected": expected.get(r.region_id, 0), "receipts": list(r.receipts.all())}
            for r in recipients]


@login_required
def notice_detail(request, pk):
    notice, may_change = _notice(request, pk)
    services.notice_read(notice=notice, user=request.user, via=NoticeReceipt.Via.PAGE)
    return render(request, "notices/notice_detail.html", {
        "notice": notice, "may_change": may_change, "job": notice.render_job,
        "body": drafting.printed_body(notice), "attachments": drafting.printed_attachments(notice),
        "receipts": _receipts(notice) if may_change and notice.is_published else None,
        "problems": services.publish_problems(notice) if may_change and not notice.is_published else []})


@login_required
def notice_status(request, pk):
    """The rendering's progress (htmx polls it until the job finishes), then the downloads."""
    notice, may_change = _notice(request, pk)
    return render(request, "notices/_render_status.html", {"notice": notice, "job": notice.render_job,
                                                           "may_change": may_change})


@login_required
def notice_edit(request, pk):
    notice, _may_change = _notice(request, pk)
    if not scope.can(request.user, caps.ISSUE_NOTICES, notice, in_scope=True):
        raise PermissionDenied(_("Your account may not take this step."))
    if notice.is_published:
        messages.error(request, _("Notice %(number)s is published and can no longer be changed.")
                       % {"number": notice.number})
        return redirect("notices:detail", notice.pk)
    extra = 1
    if request.method == "POST":
        form = NoticeEditForm(request.POST, notice=notice)
        if form.is_valid():
            try:
                services.notice_update(notice=notice, by=request.user, **form.changes())
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                if "add_step" in request.POST:
                    return redirect(f"{request.path}?extra=2")
                messages.success(request, _("The draft is saved."))
                return redirect("notices:detail", notice.pk)
    else:
        try:
            extra = min(max(int(request.GET.get("extra", 1)), 1), 10)
        except ValueError:
            extra = 1
        form = NoticeEditForm(notice=notice, extra_steps=extra)
    return render(request, "notices/notice_edit.html", {"notice": notice, "form": form,
                                                        "placeholder": drafting.NEXT_STEPS_PLACEHOLDER})


@login_required
@require_POST
def notice_publish(request, pk):
    notice, _may_change = _notice(request, pk)
    try:
        notice = services.notice_publish(notice=notice, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Published as %(number)s: the addressed units have been told; the PDF and the Word "
                                    "file are being rendered.") % {"number": notice.number})
    return redirect("notices:detail", notice.pk)


@login_required
@require_POST
def notice_delete(request, pk):
    notice, _may_change = _notice(request, pk)
    try:
        services.notice_delete(notice=notice, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("notices:detail", notice.pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("notices:list")


@login_required
@require_POST
def notice_render_again(request, pk):
    notice, _may_change = _notice(request, pk)
    try:
        services.notice_render_again(notice=notice, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    return redirect("notices:detail", notice.pk)


@login_required
def notice_file(request, pk, kind):
    """The PDF or the .docx of a published notice (404 until rendered); records the reader's receipt."""
    notice, _may_change = _notice(request, pk)
    stored = getattr(notice, kind)
    if not notice.is_published or not stored:
        raise Http404("Not rendered yet")
    services.notice_read(notice=notice, user=request.user, via=kind)
    return FileResponse(stored.open("rb"), as_attachment=True, filename=file_name(notice, kind))
