"""The quarterly notice (通报, issue 10 item 3): drafted from a snapshot, edited by the bureau,
published — numbered, frozen, sent to the addressed units — and rendered as PDF and .docx.

Who sees what (``access.py``, a scope grant): a draft only the issuing bureau (the users bound to
the issuing region itself); a published notice also every user bound within a unit it is addressed
to (``NoticeRecipient``). ``issue_notices`` on a notice is owned by its issuing region. Reading is
recorded per user (``NoticeReceipt``) under the addressed unit they belong to.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts import capabilities as caps


class Notice(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    issuing_region = models.ForeignKey("grid.Region", verbose_name=_("issuing region"), on_delete=models.PROTECT,
                                       related_name="+")
    snapshot = models.ForeignKey("assessments.Snapshot", verbose_name=_("snapshot"), on_delete=models.PROTECT,
                                 related_name="+")
    period = models.CharField(_("period"), max_length=24, help_text=_("The period's key, e.g. 2026Q3."))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    authority = models.CharField(_("issuing authority"), max_length=64, help_text=_("e.g. 常州市应急管理局"))
    number_prefix = models.CharField(_("number prefix"), max_length=32, help_text=_("e.g. 常应急函"))
    number = models.CharField(_("document number"), max_length=64, blank=True,
                              help_text=_("Given on publishing, e.g. 常应急函〔2026〕1号."))
    title = models.CharField(_("title"), max_length=200)
    addressees = models.CharField(_("addressees"), max_length=300)
    # [{"kind": "h1" | "h2" | "p" | "table", "text", "header", "rows"}]: 一、主要工作 and 二、存在问题
    body = models.JSONField(_("body"), default=list, blank=True)
    # the paragraphs of 三、下一步工作, the bureau's own
    next_steps = models.JSONField(_("next steps"), default=list, blank=True)
    # the ranking tables: [{"figure", "title", "header", "rows"}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    copied_to = models.CharField(_("copied to"), max_length=300, blank=True)
    printing_office = models.CharField(_("printing office"), max_length=64, blank=True)
    signature_date = models.DateField(_("signature date"), null=True, blank=True,
                                      help_text=_("Empty: the day it is published."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # the rendered files: served by the notice's own views (scoped), never from MEDIA_URL
    pdf = models.FileField(upload_to="notices/%Y/", blank=True)
    docx = models.FileField(upload_to="notices/%Y/", blank=True)
    render_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    class Scope:
        region = None  # no region rule: who sees a notice is access.notice_grant's (drafts: the issuer only)
        change = (caps.ISSUE_NOTICES,)
        owners = {caps.ISSUE_NOTICES: ("region", "issuing_region")}

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # a number is given once (document_number_next never repeats one; this says it to the database)
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="notice_number_once"),
        ]
        indexes = [
            # the list: an issuer's notices by period and state, newest first
            models.Index(fields=["issuing_region", "period", "state"], name="notice_issuer_period_state"),
        ]

    def __str__(self):
        return self.number or self.title

    @property
    def is_published(self):
        return self.state == self.State.PUBLISHED

    @property
    def rendered(self):
        return bool(self.pdf and self.docx)


class NoticeRecipient(models.Model):
    """A unit the notice is addressed to (主送): a child region of the issuing region."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    region = models.ForeignKey("grid.Region", verbose_name=_("addressed unit"), on_delete=models.PROTECT,
                               related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Scope:
        region = None  # as its notice's (access.notice_grant)
        change = (caps.ISSUE_NOTICES,)
        owners = {caps.ISSUE_NOTICES: ("region", "notice__issuing_region")}

    class Meta:
        verbose_name = _("addressed unit")
        verbose_name_plural = _("addressed units")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["notice", "region"], name="notice_recipient_once")]

    def __str__(self):
        return f"{self.notice} → {self.region}"


class NoticeReceipt(models.Model):
    """A user of an addressed unit read the notice: the first time, and how (the page, a file)."""

    class Via(models.TextChoices):
        PAGE = "page", _("Opened the notice")
        PDF = "pdf", _("Downloaded the PDF")
        DOCX = "docx", _("Downloaded the Word file")
        API = "api", _("Read through the API")

    recipient = models.ForeignKey(NoticeRecipient, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reader"), on_delete=models.CASCADE,
                             related_name="+")
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)
    via = models.CharField(_("read by"), max_length=8, choices=Via.choices, default=Via.PAGE)

    class Scope:
        region = None  # the issuer sees every receipt, a reader their own (access.notice_grant)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        ordering = ["read_at", "pk"]
        constraints = [
            # once per user and addressed unit: a second read keeps the first time (ignore_conflicts)
            models.UniqueConstraint(fields=["recipient", "user"], name="notice_receipt_once"),
        ]

    def __str__(self):
        return f"{self.user} · {self.read_at:%Y-%m-%d %H:%M}"
