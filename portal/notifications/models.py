"""In-portal messages (站内消息) and each user's choice of outside channels per kind of message.

A message belongs to its recipient alone: anyone else gets 404, like an out-of-scope record. The
in-portal copy is always kept; e-mail and SMS copies go out through the senders of
``NOTIFICATION_SENDERS`` unless the user turned that channel off for the kind (``Preference``).
A message about a record names it (content type and id) with a ``key``: one message per user,
kind, record and key, so a daily job that runs twice sends nothing twice.
"""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """The outside channels; the in-portal copy is not one of them (it cannot be turned off)."""
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField(_("kind"), max_length=64)  # a name of the kinds registry (kinds.py)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True, help_text=_("The record the message is about."))
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    key = models.CharField(_("key"), max_length=64, blank=True,
                           help_text=_("Tells apart messages of one kind about one record, e.g. the deadline."))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # the outbox: e-mail / SMS copies not yet handed to the senders
    dispatched_at = models.DateTimeField(null=True, blank=True)
    deliveries = models.JSONField(default=dict, blank=True)  # {"email": "sent" | "off" | "no_address" | "failed"}

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            # once per user, kind, record and key: the daily jobs insert with ignore_conflicts
            models.UniqueConstraint(fields=["user", "kind", "content_type", "object_id", "key"],
                                    name="notification_once_per_record_key"),
        ]
        indexes = [
            # the message page: a user's messages, newest first
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_order"),
            # the unread badge on every page: COUNT of a user's unread messages
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # the outbox scan
            models.Index(fields=["id"], condition=Q(dispatched_at__isnull=True), name="notification_outbox"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None


class Preference(models.Model):
    """A user's choice for one outside channel of one kind of message; no row: the kind's default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    enabled = models.BooleanField(_("send"), default=True)

    class Meta:
        verbose_name = _("message preference")
        verbose_name_plural = _("message preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notification_preference_once"),
        ]

    def __str__(self):
        return f"{self.user} · {self.kind} · {self.channel}: {self.enabled}"
