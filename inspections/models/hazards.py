"""The hazard ledger (隐患台账): every hazard in the portal, whoever found it, is one ``Hazard``.

Life cycle (``services``): reported → rectifying (the enterprise puts the five in place) →
submitted (the enterprise uploads evidence) → closed (verified) — or sent back to rectifying with a
reason. A hazard fixed during the visit is closed on the spot (当场整改). Townships verify general
hazards; major hazards are supervised by the district (挂牌督办) and verified by bureau staff.
Every step leaves a ``HazardEvent``.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, KeyDomain
from grid.models import Region

from .inspections import Inspection


class MajorHazardCriterion(models.Model):
    """One criterion of the bureau's list of major hazards (重大事故隐患判定标准), kept as data:
    picking one makes a hazard major."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    text = models.TextField(_("criterion"))
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    key_domain = models.ForeignKey(KeyDomain, verbose_name=_("key domain"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   help_text=_("Empty: applies to every enterprise."))
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("major-hazard criterion")
        verbose_name_plural = _("major-hazard criteria")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.code} {self.text[:40]}"


class HazardSeverity(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    PATROL = "patrol", _("Grid patrol")
    SCAN = "scan", _("Changan code self-check")
    SELF_CHECK = "self_check", _("Enterprise self-check")
    REPORT = "report", _("Report")


class HazardStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    RECTIFYING = "rectifying", _("Rectifying")
    SUBMITTED = "submitted", _("Submitted for verification")
    CLOSED = "closed", _("Verified closed")


OPEN_STATUSES = (HazardStatus.REPORTED, HazardStatus.RECTIFYING, HazardStatus.SUBMITTED)


class Hazard(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="hazards")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+",
                                 help_text=_("The enterprise's township when the hazard was found."))
    source = models.CharField(_("source"), max_length=16, choices=HazardSource.choices,
                              default=HazardSource.INSPECTION)
    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="hazards")
    item_code = models.CharField(_("check item code"), max_length=20, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=HazardSeverity.choices,
                                default=HazardSeverity.GENERAL)
    major_criterion = models.ForeignKey(MajorHazardCriterion, verbose_name=_("major-hazard criterion"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="hazards")
    description = models.TextField(_("description"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    found_on = models.DateField(_("found on"))
    deadline = models.DateField(_("rectification deadline"))
    status = models.CharField(_("status"), max_length=16, choices=HazardStatus.choices,
                              default=HazardStatus.REPORTED)
    on_the_spot = models.BooleanField(_("rectified on the spot"), default=False)
    district_supervised = models.BooleanField(_("supervised by the district"), default=False,
                                              help_text=_("Major hazards are supervised by the district (挂牌督办)."))
    suspension_ordered = models.BooleanField(_("production suspended until rectified"), default=False)
    # the five in place (五落实): responsibility, measures, funds, deadline (above), emergency plan
    responsible_person = models.CharField(_("responsible person"), max_length=32, blank=True)
    measures = models.TextField(_("rectification measures"), blank=True)
    funds = models.DecimalField(_("funds (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                validators=[MinValueValidator(0)])
    emergency_plan = models.TextField(_("interim safety and emergency measures"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ("rectify", "verify_hazard", "inspect")
        # the enterprise rectifies its own hazards; the township verifies a general hazard and the
        # district a major one (挂牌督办), within the enterprise's current township
        owners = {"rectify": ("enterprise", "enterprise_id"),
                  "verify_hazard": ("region", "verifying_unit"),
                  "decide_extension": ("region", "verifying_unit")}

    @property
    def verifying_unit(self):
        """The region whose users verify this hazard and decide its extensions: the enterprise's
        (current) township for a general hazard, its district for a major one."""
        township = self.enterprise.township
        return township.parent if self.severity == HazardSeverity.MAJOR else township

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=models.F("found_on")), name="hazard_deadline_after_found"),
            models.CheckConstraint(condition=Q(severity="general") | Q(major_criterion__isnull=False),
                                   name="hazard_major_has_criterion"),
            models.CheckConstraint(condition=Q(status="closed", closed_on__isnull=False) | ~Q(status="closed"),
                                   name="hazard_closed_has_date"),
        ]
        indexes = [
            # figures: hazards found per township and period
            models.Index(fields=["township", "found_on"], name="hazard_township_found"),
            # the ledger's order (newest first): without it PostgreSQL sorts the whole ledger for a page
            models.Index(fields=["-found_on", "-id"], name="hazard_ledger_order"),
            # the ledger's default view: newest first, filtered by status
            models.Index(fields=["status", "found_on"], name="hazard_status_found"),
            # overdue to-dos and figures: open hazards by deadline (a queue-like scan)
            models.Index(fields=["deadline"], name="hazard_open_deadline",
                         condition=~Q(status="closed")),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.description[:30]}"

    @property
    def is_open(self):
        return self.status != HazardStatus.CLOSED

    def overdue_on(self, day):
        return self.is_open and self.deadline < day

    def clean(self):
        errors = {}
        if self.found_on and self.deadline and self.deadline < self.found_on:
            errors["deadline"] = _("The rectification deadline cannot be before the date the hazard was found.")
        if self.severity == HazardSeverity.MAJOR and not self.major_criterion_id:
            errors["major_criterion"] = _("A major hazard names the criterion it meets.")
        if errors:
            raise ValidationError(errors)


class HazardEvent(models.Model):
    """One step of a hazard's life: who did what, when, from which status to which, and why."""

    class Action(models.TextChoices):
        REPORT = "report", _("Reported")
        PLAN = "plan", _("Rectification plan filed")
        SUBMIT = "submit", _("Submitted for verification")
        VERIFY = "verify", _("Verified closed")
        SEND_BACK = "send_back", _("Sent back")
        CLOSE_ON_SPOT = "close_on_spot", _("Rectified on the spot")
        EXTENSION_REQUEST = "extension_request", _("Extension requested")
        EXTENSION_GRANT = "extension_grant", _("Extension granted")
        EXTENSION_REFUSE = "extension_refuse", _("Extension refused")
        SUSPEND = "suspend", _("Production suspended until rectified")

    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=HazardStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=HazardStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Scope:
        region = "hazard__enterprise__township"
        enterprise = "hazard__enterprise"
        cell = "hazard__enterprise__grid_cell"

    class Meta:
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"


class HazardExtension(models.Model):
    """An enterprise's request to move a deadline, granted or refused by the township."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="extensions")
    old_deadline = models.DateField(_("current deadline"))
    new_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Scope:
        region = "hazard__enterprise__township"
        enterprise = "hazard__enterprise"
        cell = "hazard__enterprise__grid_cell"  # whoever reads the hazard reads its extension requests
        change = ("rectify", "decide_extension")
        owners = {"rectify": ("enterprise", "hazard__enterprise_id"),
                  "decide_extension": ("region", "hazard__verifying_unit")}

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # one open request at a time per hazard
            models.UniqueConstraint(fields=["hazard"], condition=Q(status="pending"), name="extension_one_pending"),
        ]

    def __str__(self):
        return f"{self.hazard} → {self.new_deadline}"
