"""Administrative penalties (行政处罚): decisions linked to an inspection. Fines per period and
township feed the quarterly notice (RULES §7: "fines ¥869 000")."""
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from grid.models import Region

from .inspections import Inspection


class Penalty(models.Model):
    class Status(models.TextChoices):
        DECIDED = "decided", _("Decided")
        EXECUTED = "executed", _("Executed")
        REVOKED = "revoked", _("Revoked")

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT,
                                   related_name="penalties")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="penalties")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+",
                                 help_text=_("The township of the inspection it follows."))
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decided_on = models.DateField(_("decision date"))
    violation = models.TextField(_("violation"))
    legal_basis = models.TextField(_("legal basis"))
    fine = models.DecimalField(_("fine (yuan)"), max_digits=12, decimal_places=2, default=0,
                               validators=[MinValueValidator(0)])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DECIDED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        change = ("penalise",)

    class Meta:
        verbose_name = _("administrative penalty")
        verbose_name_plural = _("administrative penalties")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(fine__gte=0), name="penalty_fine_not_negative"),
        ]
        indexes = [
            # figures: fines per township and period
            models.Index(fields=["township", "decided_on"], name="penalty_township_date"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.decision_number or self.decided_on}"
