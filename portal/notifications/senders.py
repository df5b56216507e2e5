"""Senders: how an e-mail or SMS copy of a message leaves the portal, pluggable behind one interface.

``settings.NOTIFICATION_SENDERS`` lists sender classes by dotted path; each says which channels it
delivers. The default, ``LogSender``, only writes a log line (logger ``portal.notifications``), so
nothing leaves a deployment until the bureau plugs in its gateway::

    class BureauSmsSender(Sender):
        channels = ("sms",)

        def send(self, message):
            gateway.send(message.address, f"{message.title} {message.body}")  # raise on failure

A sender raises on failure; the message is marked failed for that channel and the others go on.
"""
from dataclasses import dataclass
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .models import Channel

log = logging.getLogger("portal.notifications")


@dataclass(frozen=True)
class Outgoing:
    """One copy to send: the channel, the address on it (e-mail address or phone) and the text."""
    channel: str
    address: str
    title: str
    body: str
    url: str
    notification_id: int
    user_id: int


class Sender:
    channels = ()

    def send(self, message):  # pragma: no cover - the interface
        raise NotImplementedError


class LogSender(Sender):
    """Sends nothing: logs what would have gone out (the default)."""

    channels = (Channel.EMAIL, Channel.SMS)

    def send(self, message):
        log.info("notification %s to user %s by %s <%s>: %s", message.notification_id, message.user_id,
                 message.channel, message.address, message.title)


class EmailSender(Sender):
    """E-mail through Django's mail settings (``EMAIL_BACKEND``, ``EMAIL_HOST``, ...)."""

    channels = (Channel.EMAIL,)

    def send(self, message):
        body = message.body
        if message.url:
            base = getattr(settings, "PORTAL_BASE_URL", "")
            body = f"{body}\n\n{base}{message.url}".strip()
        send_mail(message.title, body, None, [message.address])


def senders():
    """``{channel: [sender, ...]}`` from the setting (a bad path fails loudly)."""
    out = {}
    for path in getattr(settings, "NOTIFICATION_SENDERS", ["portal.notifications.senders.LogSender"]):
        try:
            cls = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(f"NOTIFICATION_SENDERS: cannot import {path!r}: {exc}") from exc
        sender = cls()
        for channel in cls.channels:
            out.setdefault(Channel(channel), []).append(sender)
    return out
