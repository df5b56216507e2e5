"""Risk reports (安全风险报告, RULES.md §8; seed 000 item 2): an enterprise's points as they stand,
frozen when it submits — the first report within ``risk.first_report_days`` of starting
production, the annual periodic report by ``risk.periodic_report_deadline`` and a change report
when a significant-or-above risk appears or changes class. Draft → submitted → accepted, or
returned with a reason (and submitted again). Townships mark model enterprises for risk reporting
(示范企业, ≥ ``risk.model_enterprises_min`` per township by end of May).

Who acts reuses the capability table: the enterprise's principal or safety manager submits
(``manage_risk_points``, owned by the enterprise); a township inspector of the enterprise's
township or the bureau above it accepts, returns and marks model enterprises (``supervise``, owned
by the region)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from grid.models import Region

from .dictionary import RiskLevel


class ReportKind(models.TextChoices):
    FIRST = "first", _("First report")
    PERIODIC = "periodic", _("Periodic report")
    CHANGE = "change", _("Change report")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


_OWNERS = {"manage_risk_points": ("enterprise", "enterprise_id"), "supervise": ("region", "enterprise__township")}


class RiskReport(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="risk_reports")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)  # periodic reports only
    state = models.CharField(_("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    note = models.CharField(_("note"), max_length=300, blank=True)  # a change report: what changed
    return_reason = models.CharField(_("reason for returning"), max_length=300, blank=True)
    # the township at submission: figures count a report where it was reported
    township = models.ForeignKey(Region, verbose_name=_("township"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("returned by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ("manage_risk_points", "supervise")
        owners = _OWNERS

    class Meta:
        verbose_name = _("risk report")
        verbose_name_plural = _("risk reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="periodic") | Q(year__isnull=False),
                                   name="risk_report_periodic_has_year"),
            models.UniqueConstraint(fields=["enterprise", "year"], condition=Q(kind="periodic"),
                                    name="risk_report_one_periodic_a_year",
                                    violation_error_message=_("This year's periodic report already exists.")),
        ]
        indexes = [
            # figures: reports submitted / accepted in a period per township
            models.Index(fields=["township", "submitted_at"], name="risk_report_township_submitted"),
            # the review list and the to-do: submitted reports awaiting acceptance
            models.Index(fields=["state", "enterprise"], name="risk_report_state_enterprise"),
        ]

    def __str__(self):
        label = self.get_kind_display()
        return f"{self.enterprise} · {self.year} {label}" if self.year else f"{self.enterprise} · {label}"


class RiskReportItem(models.Model):
    """One risk point as it stood when the report was submitted (a copy: later edits of the point
    do not change a submitted report)."""

    report = models.ForeignKey(RiskReport, verbose_name=_("risk report"), on_delete=models.CASCADE,
                               related_name="items")
    point = models.ForeignKey("risk_reports.RiskPoint", verbose_name=_("risk point"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("risk point"), max_length=100)
    area = models.CharField(_("workshop or area"), max_length=60)
    level = models.CharField(_("class"), max_length=8, choices=RiskLevel.choices)
    basis = models.CharField(_("grading basis"), max_length=8)
    score = models.DecimalField(_("score"), max_digits=12, decimal_places=2, null=True, blank=True)
    factors = models.JSONField(_("hazardous factors"), default=list)
    accident_types = models.JSONField(_("accident types"), default=list)
    measures = models.JSONField(_("control measures"), default=dict)
    responsible_person = models.CharField(_("responsible person"), max_length=32, blank=True)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=32, blank=True)

    class Scope:
        region = "report__enterprise__township"
        enterprise = "report__enterprise"
        cell = "report__enterprise__grid_cell"
        change = ()

    class Meta:
        verbose_name = _("risk report item")
        verbose_name_plural = _("risk report items")
        ordering = ["report", "area", "name", "id"]
        indexes = [
            # zero reports and the export: significant-or-above items of a report
            models.Index(fields=["report", "level"], name="risk_report_item_level"),
        ]

    def __str__(self):
        return f"{self.area} · {self.name}"

    @property
    def is_significant(self):
        return self.level in (RiskLevel.RED, RiskLevel.ORANGE)


class ModelEnterprise(models.Model):
    """A model enterprise for risk reporting (风险报告示范企业) of a year, marked by its township."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="risk_model_years")
    year = models.PositiveSmallIntegerField(_("year"))
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("marked by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ("supervise",)
        owners = {"supervise": ("region", "township")}

    class Meta:
        verbose_name = _("model enterprise for risk reporting")
        verbose_name_plural = _("model enterprises for risk reporting")
        ordering = ["-year", "township", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="risk_model_enterprise_once_a_year",
                                    violation_error_message=_("This enterprise is already a model enterprise "
                                                              "this year.")),
        ]

    def __str__(self):
        return f"{self.year} {self.enterprise}"
