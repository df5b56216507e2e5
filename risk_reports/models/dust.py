"""Dust cleaning (粉尘清扫; RULES.md §6, seed 001 (二)三): each key dust site of a dust-domain
enterprise has its own Changan code; the day's cleaning photo is uploaded by scanning it.

The site's code is a token of the same kind as a risk point's ``ChanganCode`` (``codes.new_token``,
192 random bits) held on the site itself (``DustSite.token``), and /c/<token>/ opens either. A
``ChanganCode`` cannot point at a site without making its ``point`` optional and every reader of
codes (the scan submit, the label sheets, the code list, the overdue figures) tell the two apart;
a site's code is not reissued through the risk point's revoke history either — a lost label is
replaced by ``dust_site_recode`` (a new token; the old one opens nothing).

A day counts when it has an upload that was not sent back (``DustUpload.sent_back_at`` empty); a
site has at most one such upload a day, so the upload rate counts rows.
Escalations (day 1 / 3 / 7 of a gap of missing days) are written once per (site, gap, step).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from grid.models import Region
from portal.attachments.models import Attachment


class DustSite(models.Model):
    """A key dust site (重点粉尘场所) of a dust-domain enterprise, with its own Changan code."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="dust_sites")
    name = models.CharField(_("site"), max_length=100)
    location = models.CharField(_("location"), max_length=200, blank=True)
    token = models.CharField(_("code"), max_length=43, unique=True)  # /c/<token>/
    created_on = models.DateField(_("registered on"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ("manage_risk_points",)
        owners = {"manage_risk_points": ("enterprise", "enterprise_id")}

    class Meta:
        verbose_name = _("key dust site")
        verbose_name_plural = _("key dust sites")
        ordering = ["enterprise", "name"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], condition=Q(retired_on__isnull=True),
                                    name="dust_site_unique_name",
                                    violation_error_message=_("This enterprise already has a dust site of this name.")),
        ]

    def __str__(self):
        return self.name

    def alive_on(self, day):
        return self.created_on <= day and (self.retired_on is None or self.retired_on > day)


class FlagReason(models.TextChoices):
    NO_TIME = "no_time", _("The photo carries no time of its own")
    OTHER_DAY = "other_day", _("The photo was taken on another day")
    REPEAT = "repeat", _("The photo repeats an earlier photo of the enterprise")


class DustUpload(models.Model):
    """The day's cleaning photo of a site."""

    site = models.ForeignKey(DustSite, verbose_name=_("key dust site"), on_delete=models.PROTECT,
                             related_name="uploads")
    # copied from the site as written: figures group without joining
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="+")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    photo = models.ForeignKey(Attachment, verbose_name=_("photo"), null=True, on_delete=models.SET_NULL,
                              related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
                           related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    phash = models.CharField(_("perceptual hash"), max_length=16, blank=True)
    flagged = models.BooleanField(_("flagged"), default=False)
    flag_reason = models.CharField(_("flag reason"), max_length=16, choices=FlagReason.choices, blank=True)
    repeats = models.ForeignKey("self", verbose_name=_("repeats"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    sent_back_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    sent_back_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent back by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    sent_back_reason = models.CharField(_("reason for sending back"), max_length=200, blank=True)
    client_key = models.CharField(_("client key"), max_length=64, unique=True)
    payload_hash = models.CharField(_("payload hash"), max_length=64)

    class Scope:
        region = "township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ()

    class Meta:
        verbose_name = _("dust cleaning photo")
        verbose_name_plural = _("dust cleaning photos")
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(flagged=False, flag_reason="") | Q(flagged=True) & ~Q(flag_reason=""),
                                   name="dust_upload_flag_has_reason"),
            models.CheckConstraint(condition=Q(sent_back_at__isnull=True) | ~Q(sent_back_reason=""),
                                   name="dust_upload_sent_back_has_reason"),
            # one photo counts for a site's day; a photo sent back makes room for a new one. Also the
            # index of the escalation job (a site's last live day) and of the upload rate
            models.UniqueConstraint(fields=["site", "day"], condition=Q(sent_back_at__isnull=True),
                                    name="dust_upload_one_live_per_day"),
        ]
        indexes = [
            # figures per township and period (flagged, sent back); the township's review list
            models.Index(fields=["township", "day"], name="dust_upload_township_day"),
        ]

    def __str__(self):
        return f"{self.site} {self.day}"

    @property
    def counts(self):
        return self.sent_back_at is None


class DutyRoster(models.Model):
    """Who is on duty (值班值守) at a dust enterprise over a holiday (seed 001 (二)三, 新北区)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="duty_rosters")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    person = models.CharField(_("person on duty"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ("manage_risk_points",)
        owners = {"manage_risk_points": ("enterprise", "enterprise_id")}

    class Meta:
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="duty_roster_ends_after"),
        ]


class EscalationStep(models.IntegerChoices):
    REMIND = 1, _("Day 1: reminder to the enterprise")
    URGE = 3, _("Day 3: urge to the enterprise and the township")
    VERIFY = 7, _("Day 7: on-site verification by the township")


class DustEscalation(models.Model):
    """A step of the escalation of a gap of missing uploads (一天提醒、三天督促、七天核查), once per
    (site, gap start, step). The day-7 step is a to-do the township closes with a finding."""

    site = models.ForeignKey(DustSite, verbose_name=_("key dust site"), on_delete=models.PROTECT,
                             related_name="escalations")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="+")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    gap_start = models.DateField(_("first missing day"))
    step = models.PositiveSmallIntegerField(_("step"), choices=EscalationStep.choices)
    sent_on = models.DateField(_("sent for day"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    finding = models.TextField(_("finding"), blank=True)

    class Scope:
        region = "township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ()

    class Meta:
        verbose_name = _("dust upload escalation")
        verbose_name_plural = _("dust upload escalations")
        ordering = ["-sent_on", "-step", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "gap_start", "step"], name="dust_escalation_once"),
            models.CheckConstraint(condition=Q(closed_at__isnull=True) | ~Q(finding=""),
                                   name="dust_escalation_closed_has_finding"),
        ]
        indexes = [
            # figures: escalations per township by the day they were sent; the township's to-dos
            models.Index(fields=["township", "sent_on"], name="dust_escalation_township_day"),
        ]
