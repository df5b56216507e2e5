"""Recorded random sampling (随机抽查): who drew what from which population, with which seed.

The population ids and the seed are stored, so any draw can be shown again and audited
(``services.sample_replay``)."""
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from grid.models import Region


class Sample(models.Model):
    title = models.CharField(_("purpose"), max_length=200)
    content_type = models.ForeignKey(ContentType, verbose_name=_("population type"), on_delete=models.PROTECT,
                                     related_name="+")
    filters = models.JSONField(_("filters"), default=dict, blank=True,
                               help_text=_("The query parameters used and a readable description."))
    population_ids = models.JSONField(_("population"), default=list)
    population_size = models.PositiveIntegerField(_("population size"))
    n = models.PositiveIntegerField(_("number asked"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("percentage asked"), null=True, blank=True)
    drawn_size = models.PositiveIntegerField(_("number drawn"))
    seed = models.DecimalField(_("seed"), max_digits=20, decimal_places=0)  # up to 2**64, beyond bigint
    drawn_ids = models.JSONField(_("drawn"), default=list)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")

    class Scope:
        region = "region"

    class Meta:
        verbose_name = _("random sample")
        verbose_name_plural = _("random samples")
        ordering = ["-drawn_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(n__isnull=False, percent__isnull=True)
                           | models.Q(n__isnull=True, percent__isnull=False)),
                name="sample_n_xor_percent"),
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True) | models.Q(percent__gte=1, percent__lte=100),
                name="sample_percent_1_100"),
        ]

    def __str__(self):
        return f"{self.title} ({self.drawn_size}/{self.population_size})"
