"""Thresholds and targets as data (STYLE: "Rules are data").

Every number the portal judges by (30 % overdue, 60 % participation, 60/75/90 points, ...) is a
row here, shipped as a deployment default (``region`` null) by a data migration from RULES.md and
versioned by ``effective_from``: a bureau adds a new version for its region rather than editing an
old one, so a score computed for 2022 still reads the 2022 value.
"""
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grid.models import Region

PERCENT = "%"


class Threshold(models.Model):
    name = models.CharField(
        _("name"), max_length=64,
        validators=[RegexValidator(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$",
                                   _("A threshold name is lower-case words joined by dots or underscores."))],
        help_text=_("Namespaced by the app that reads it, e.g. risk.overdue_rate_max."))
    label = models.CharField(_("label"), max_length=128)
    unit = models.CharField(_("unit"), max_length=16, blank=True, help_text=_("e.g. %, points, days"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4)
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="thresholds", help_text=_("Empty: the deployment default."))
    effective_from = models.DateField(_("effective from"))
    source = models.TextField(_("source"), blank=True, help_text=_("The RULES.md section or seed document."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Scope:
        region = "region"
        change = ("manage_thresholds",)
        owners = {"manage_thresholds": ("region", "region")}

    class Meta:
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        ordering = ["name", "region__path", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["name", "region", "effective_from"],
                                    name="threshold_unique_version_per_region"),
            # NULLs are distinct in a unique index: the deployment default needs its own.
            models.UniqueConstraint(fields=["name", "effective_from"], condition=Q(region__isnull=True),
                                    name="threshold_unique_default_version"),
        ]
        indexes = [
            # threshold(): WHERE name = ... AND effective_from <= ... for a few regions
            models.Index(fields=["name", "effective_from"], name="threshold_name_date"),
        ]

    def __str__(self):
        where = self.region.name if self.region_id else _("default")
        return f"{self.name} = {self.value}{self.unit} ({where}, {self.effective_from})"

    @property
    def is_percentage(self):
        return self.unit == PERCENT

    @classmethod
    def get(cls, name, *, region=None, on=None):
        """Shorthand for ``portal.rules.services.threshold``."""
        from .services import threshold
        return threshold(name, region=region, on=on)
