"""Inspections (执法检查, 核查, 交叉检查, 督导; patrols by grid members come later as one more kind).

An inspection is created by its submission (``services.inspection_submit``, idempotent by client
key) and is immutable from then on: ``save()`` refuses to change a stored row except through
``services.inspection_correct``, which records each changed field in ``InspectionCorrection``.
``township`` is the enterprise's township on the day of the inspection, so a transfer never
rewrites a quarter's figures.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from grid.models import Region

from .checklists import ChecklistItem, ChecklistTemplate
from .plans import Campaign, PlanItem

SUBMITTED_MESSAGE = _("A submitted inspection cannot be changed except by a recorded correction.")


class InspectionKind(models.TextChoices):
    ENFORCEMENT = "enforcement", _("Enforcement inspection")
    VERIFICATION = "verification", _("Verification check")
    CROSS = "cross", _("Cross-inspection")
    SUPERVISORY = "supervisory", _("Supervisory visit")
    PATROL = "patrol", _("Patrol")


class CheckingLevel(models.TextChoices):
    """The level of the unit that did a check. Seed 001 (二) counts the verification checks of the
    100-day campaign by it: 对 107 家企业开展省、市、区三级核查检查 … 省级交叉执法检查核查发现"未清零"企业 4 家."""
    PROVINCE = "province", _("Province level")
    CITY = "city", _("City level")
    DISTRICT = "district", _("District level")
    TOWNSHIP = "township", _("Township level")


# Kinds done by law-enforcement officers: two officers with certificate numbers are named.
OFFICER_KINDS = (InspectionKind.ENFORCEMENT, InspectionKind.VERIFICATION, InspectionKind.CROSS,
                 InspectionKind.SUPERVISORY)


class Inspection(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=InspectionKind.choices,
                            default=InspectionKind.ENFORCEMENT)
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="inspections")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+",
                                 help_text=_("The enterprise's township on the day of the inspection."))
    checking_level = models.CharField(
        _("checking level"), max_length=16, choices=CheckingLevel.choices, default=CheckingLevel.TOWNSHIP,
        help_text=_("The level of the unit that did the check; by default the submitting user's."))
    inspected_on = models.DateField(_("inspection date"))
    checklist = models.ForeignKey(ChecklistTemplate, verbose_name=_("checklist"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="inspections")
    plan_item = models.ForeignKey(PlanItem, verbose_name=_("plan item"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="inspections")
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="inspections")
    officer_1_name = models.CharField(_("first officer"), max_length=32, blank=True)
    officer_1_certificate = models.CharField(_("first officer's certificate no."), max_length=32, blank=True)
    officer_2_name = models.CharField(_("second officer"), max_length=32, blank=True)
    officer_2_certificate = models.CharField(_("second officer's certificate no."), max_length=32, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="inspections_submitted")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ("inspect",)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]
        indexes = [
            # figures: inspections per township and period
            models.Index(fields=["township", "inspected_on"], name="inspection_township_date"),
            # the enterprise page: its inspections, newest first
            models.Index(fields=["enterprise", "inspected_on"], name="inspection_enterprise_date"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_kind_display()} · {self.inspected_on}"

    _correcting = False  # set by services.inspection_correct for its one save

    def save(self, *args, **kwargs):
        if self.pk and not self._correcting and type(self).objects.filter(pk=self.pk).exists():
            raise ValidationError(SUBMITTED_MESSAGE, code="inspection_submitted")
        super().save(*args, **kwargs)

    def officers_raw(self):
        return [(self.officer_1_name, self.officer_1_certificate), (self.officer_2_name, self.officer_2_certificate)]

    @property
    def officers(self):
        """The named officers as ``(name, certificate number)`` pairs."""
        return [(n, c) for n, c in self.officers_raw() if n]


class InspectionAnswer(models.Model):
    """The answer to one checklist item. ``item_code`` is copied so findings match across versions."""

    class Result(models.TextChoices):
        PASS = "pass", _("Compliant")
        FAIL = "fail", _("Non-compliant")
        NOT_APPLICABLE = "na", _("Not applicable")

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
                                   related_name="answers")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("check item"), on_delete=models.PROTECT,
                             related_name="answers")
    item_code = models.CharField(_("item code"), max_length=20)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)

    class Scope:
        region = "inspection__enterprise__township"
        enterprise = "inspection__enterprise"
        cell = "inspection__enterprise__grid_cell"

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        ordering = ["inspection", "item__order", "item_code"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="answer_one_per_item"),
        ]
        indexes = [
            # "the same item failing twice" at an enterprise (grid issue)
            models.Index(fields=["item_code", "result"], name="answer_code_result"),
        ]

    def __str__(self):
        return f"{self.item_code} {self.get_result_display()}"


class InspectionCorrection(models.Model):
    """A recorded change to a submitted inspection: who, when, why, and each field before/after."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
                                   related_name="corrections")
    changes = models.JSONField(_("changes"), help_text=_("{field: [before, after]}"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("corrected by"), null=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    class Scope:
        region = "inspection__enterprise__township"
        enterprise = "inspection__enterprise"

    class Meta:
        verbose_name = _("inspection correction")
        verbose_name_plural = _("inspection corrections")
        ordering = ["at", "id"]
