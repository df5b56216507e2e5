"""Sending messages, reading them, the users' channel choices, and the outbox of e-mail / SMS copies.

An app sends through ``notifications_send`` (many at once: one INSERT, duplicates ignored by the
constraint on user, kind, record and key) or ``notification_send`` (one). The outside copies leave
after the transaction commits, from the ``notifications_dispatch`` task, so a request or a daily job
never waits on a mail server and a worker never sees uncommitted rows.
"""
import logging

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .kinds import _kinds, get_kind
from .models import Channel, Notification, Preference
from .senders import Outgoing, senders

log = logging.getLogger("portal.notifications")

TITLE_MAX = Notification._meta.get_field("title").max_length


def for_user(user):
    """A user's own messages: nobody, whatever their role, reads another's."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_count(user):
    return for_user(user).filter(read_at__isnull=True).count()


# -- sending ---------------------------------------------------------------------------------------
def notification_build(*, user, kind, title, body="", url="", obj=None, key=""):
    """An unsaved message for ``notifications_send``. ``user`` may be a user or its id; ``obj`` is
    the record it is about (with ``key``, what makes it once-only)."""
    get_kind(kind)  # an unknown kind is a programming error, not bad input
    title = str(title)
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX - 1] + "…"
    fields = {"user_id": getattr(user, "pk", user), "kind": kind, "title": title, "body": str(body),
              "url": url or "", "key": str(key)}
    if obj is not None:
        fields["content_type"] = ContentType.objects.get_for_model(obj)  # cached after the first call
        fields["object_id"] = obj.pk
    return Notification(**fields)


def notifications_send(*, notifications):
    """Store the messages (one INSERT; a message already sent is skipped by the database) and queue
    their e-mail / SMS copies for after the commit."""
    notifications = list(notifications)
    if not notifications:
        return 0
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    _dispatch_on_commit()
    return len(notifications)


def notification_send(*, user, kind, title, body="", url="", obj=None, key=""):
    return notifications_send(notifications=[notification_build(user=user, kind=kind, title=title, body=body,
                                                                url=url, obj=obj, key=key)])


def _dispatch_on_commit():
    from .tasks import notifications_dispatch

    transaction.on_commit(notifications_dispatch.delay)


# -- reading ---------------------------------------------------------------------------------------
def notification_mark_read(*, user, notification):
    """Mark one of the user's own messages read (reading it twice keeps the first time)."""
    if notification.user_id != user.pk:
        raise ValidationError(_("This message is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_read(*, user, kind=""):
    """Mark all the user's unread messages read (of one kind if given); how many were."""
    unread = for_user(user).filter(read_at__isnull=True)
    if kind:
        unread = unread.filter(kind=kind)
    return unread.update(read_at=timezone.now())


# -- preferences -----------------------------------------------------------------------------------
def preferences_for(user, kinds=None):
    """``{(kind, channel): send?}`` for each registered kind and each channel it goes out on."""
    kinds = kinds if kinds is not None else list(_kinds.values())
    stored = {(p.kind, p.channel): p.enabled
              for p in Preference.objects.filter(user=user, kind__in=[k.name for k in kinds])}
    return {(k.name, c): stored.get((k.name, c), True) for k in kinds for c in k.channels}


@transaction.atomic
def preferences_set(*, user, choices):
    """Save the user's choices ``{(kind, channel): send?}`` (one statement). Only the outside
    channels a kind goes out on can be chosen: the in-portal copy cannot be turned off."""
    rows = []
    for (kind_name, channel), enabled in choices.items():
        try:
            kind = get_kind(kind_name)
        except LookupError:
            raise ValidationError(_("Unknown kind of message “%(kind)s”.") % {"kind": kind_name}) from None
        if channel not in kind.channels:
            raise ValidationError(_("“%(kind)s” is not sent by %(channel)s.") % {
                "kind": kind.label, "channel": channel})
        rows.append(Preference(user=user, kind=kind_name, channel=channel, enabled=bool(enabled)))
    if rows:
        Preference.objects.bulk_create(rows, update_conflicts=True, unique_fields=["user", "kind", "channel"],
                                       update_fields=["enabled"])
    return rows


# -- the outbox ------------------------------------------------------------------------------------
def _address(user, channel):
    return user.email if channel == Channel.EMAIL else user.phone


def notifications_dispatch(*, limit=500):
    """Hand one batch of the outbox to the senders; how many messages it took. Rows are claimed
    with ``SELECT ... FOR UPDATE SKIP LOCKED``, so two workers never send one message twice.
    A fixed number of queries per batch: the batch, the recipients' choices, one UPDATE."""
    by_channel = senders()
    with transaction.atomic():
        batch = list(Notification.objects.filter(dispatched_at__isnull=True).select_related("user")
                     .select_for_update(skip_locked=True, of=("self",)).order_by("id")[:limit])
        if not batch:
            return 0
        stored = {(p.user_id, p.kind, p.channel): p.enabled for p in Preference.objects.filter(
            user_id__in={n.user_id for n in batch}, kind__in={n.kind for n in batch})}
        now = timezone.now()
        for notification in batch:
            notification.deliveries = _deliver(notification, by_channel, stored)
            notification.dispatched_at = now
        Notification.objects.bulk_update(batch, ["deliveries", "dispatched_at"])
    return len(batch)


def _deliver(notification, by_channel, stored):
    kind = _kinds.get(notification.kind)
    user = notification.user
    out = {}
    for channel in (kind.channels if kind else ()):
        address = _address(user, channel)
        if not stored.get((user.pk, notification.kind, channel), True):
            out[channel] = "off"
        elif not user.is_active or not address:
            out[channel] = "no_address"
        elif not by_channel.get(channel):
            out[channel] = "no_sender"
        else:
            message = Outgoing(channel=channel, address=address, title=notification.title, body=notification.body,
                               url=notification.url, notification_id=notification.pk, user_id=user.pk)
            out[channel] = "sent"
            for sender in by_channel[channel]:
                try:
                    sender.send(message)
                except Exception:
                    log.exception("sender %s failed for notification %s", type(sender).__name__, notification.pk)
                    out[channel] = "failed"
    return out
