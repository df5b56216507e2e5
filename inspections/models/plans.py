"""Enforcement plans (执法计划) and campaigns (专项整治, 大检查, 百日清零, 回头看).

A plan belongs to the unit that made it (the district bureau or a township) and lists plan items:
an enterprise, a due date and, optionally, the inspector assigned. A cross-inspection plan
(交叉检查) assigns inspectors to enterprises outside their township; ``scope_grants`` widens those
inspectors' scope to exactly those enterprises, for the plan's period.

Plan completion (seed 002 item 5, RULES §8; target ``plan_completion_target``) = plan items due by a date
with a linked submitted inspection ÷ plan items due by that date.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from grid.models import Region


class InspectionPlan(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual enforcement plan")
        CROSS = "cross", _("Cross-inspection")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("In force")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ANNUAL)
    region = models.ForeignKey(Region, verbose_name=_("planning unit"), on_delete=models.PROTECT,
                               related_name="inspection_plans")
    year = models.PositiveIntegerField(_("year"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    description = models.TextField(_("description"), blank=True)
    sample = models.ForeignKey("sampling.Sample", verbose_name=_("random sample"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               help_text=_("The recorded draw the plan's enterprises came from, if any."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Scope:
        region = "region"
        # a plan is changed by its making unit (or one above it); units below carry it out
        change = ("plan",)
        owners = {"plan": ("region", "region")}

    class Meta:
        verbose_name = _("enforcement plan")
        verbose_name_plural = _("enforcement plans")
        ordering = ["-year", "region__path", "title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="plan_end_after_start"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The plan cannot end before it starts.")})


class PlanItem(models.Model):
    """One enterprise to inspect under a plan by a due date. ``township`` is the enterprise's
    township when the item was planned: a later transfer does not move the plan's figures."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Picked by hand")
        FILTER = "filter", _("Picked by filter")
        SAMPLE = "sample", _("Random sampling")

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("enforcement plan"), on_delete=models.CASCADE,
                             related_name="items")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="plan_items")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("due date"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned inspector"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="plan_items")
    source = models.CharField(_("picked"), max_length=16, choices=Source.choices, default=Source.MANUAL)

    class Scope:
        # an item is seen by whoever sees its plan (the assigned cross-inspector through the grant)
        region = "plan__region"
        enterprise = None
        change = ("plan",)
        owners = {"plan": ("region", "plan__region")}

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "enterprise"], name="plan_item_one_per_enterprise"),
        ]
        indexes = [
            # plan completion per township: items due by a date
            models.Index(fields=["township", "due_date"], name="plan_item_township_due"),
        ]

    def __str__(self):
        return f"{self.plan} · {self.enterprise}"


class Campaign(models.Model):
    """A campaign names its target enterprises and its period. "Not cleared" (未清零): a target
    with a major hazard found during the campaign and not verified closed by its end."""

    class Kind(models.TextChoices):
        SPECIAL = "special", _("Special rectification")
        GENERAL = "general", _("General inspection")
        HUNDRED_DAYS = "hundred_days", _("100-day clearing")
        FOLLOW_UP = "follow_up", _("Follow-up review")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SPECIAL)
    region = models.ForeignKey(Region, verbose_name=_("organising unit"), on_delete=models.PROTECT,
                               related_name="campaigns")
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    description = models.TextField(_("description"), blank=True)
    targets = models.ManyToManyField(Enterprise, verbose_name=_("target enterprises"), blank=True,
                                     related_name="campaigns")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Scope:
        region = "region"
        change = ("manage_campaigns",)
        owners = {"manage_campaigns": ("region", "region")}

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="campaign_end_after_start"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The campaign cannot end before it starts.")})

    def not_cleared_hazards(self):
        """The major hazards that leave a target not cleared (未清零): found during the campaign
        (start to end) and not verified closed by its end (closed later counts as open then)."""
        from .hazards import Hazard, HazardSeverity
        return Hazard.objects.filter(
            enterprise__in=self.targets.all(), severity=HazardSeverity.MAJOR,
            found_on__gte=self.start, found_on__lte=self.end,
        ).filter(models.Q(closed_on__isnull=True) | models.Q(closed_on__gt=self.end))
