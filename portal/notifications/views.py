"""The message page, the unread badge of the menu bar, reading a message and the channel choices.

A message is its recipient's alone: another user's message is a 404, for reading and for marking."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.ui import paginate, query_without

from . import services
from .forms import NotificationFilterForm
from .kinds import all_kinds, label_of
from .models import Channel


def _own(request, pk):
    return get_object_or_404(services.for_user(request.user), pk=pk)


def _safe(request, url):
    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                         require_https=request.is_secure())


def _back(request):
    """Back to the list the user came from (its filters and page kept)."""
    target = request.POST.get("next", "")
    return redirect(target if _safe(request, target) else reverse("notifications:list"))


@login_required
def notification_list(request):
    form = NotificationFilterForm(request.GET or None)
    queryset = form.filter(services.for_user(request.user))
    page = paginate(request, queryset, per_page=20, max_per_page=100)
    for item in page.object_list:
        item.kind_label = label_of(item.kind)
    return render(request, "notifications/notification_list.html", {
        "form": form, "page": page, "query": query_without(request, "page"),
        "unread": services.unread_count(request.user), "kind": form.data.get("kind", ""),
    })


@login_required
def unread_badge(request):
    """The menu bar's count, fetched by htmx after each page loads (pages keep their query counts)."""
    return render(request, "notifications/_unread_badge.html", {"unread": services.unread_count(request.user)})


@login_required
def notification_open(request, pk):
    """Opening a message reads it: off to the record it is about, or its text if it names none."""
    notification = _own(request, pk)
    services.notification_mark_read(user=request.user, notification=notification)
    if _safe(request, notification.url):
        return redirect(notification.url)
    notification.kind_label = label_of(notification.kind)
    return render(request, "notifications/notification_detail.html", {"notification": notification})


@login_required
@require_POST
def notification_read(request, pk):
    services.notification_mark_read(user=request.user, notification=_own(request, pk))
    return _back(request)


@login_required
@require_POST
def notification_read_all(request):
    kind = request.POST.get("kind", "")
    count = services.notifications_mark_read(user=request.user, kind=kind if kind in {k.name for k in all_kinds()} else "")
    messages.success(request, _("%(n)d messages marked read.") % {"n": count})
    return _back(request)


@login_required
def preferences(request):
    """For each kind, whether its e-mail and SMS copies go out; the in-portal copy always does."""
    kinds = all_kinds()
    current = services.preferences_for(request.user, kinds)
    if request.method == "POST":
        # an unticked box is absent from the form: every offered channel not ticked is turned off
        chosen = {(k, c): f"{k}:{c}" in request.POST.getlist("send") for k, c in current}
        services.preferences_set(user=request.user, choices=chosen)
        messages.success(request, _("Your message settings are saved."))
        return redirect("notifications:preferences")
    rows = [{"kind": k, "channels": [{"channel": c, "label": c.label, "offered": c in k.channels,
                                      "value": f"{k.name}:{c.value}", "enabled": current.get((k.name, c), False)}
                                     for c in Channel]}
            for k in kinds]
    return render(request, "notifications/preferences.html", {"rows": rows, "channels": list(Channel)})
