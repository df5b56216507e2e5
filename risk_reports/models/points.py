"""An enterprise's risk points (风险点), how each was graded, and the Changan codes posted on them.

A point keeps its own copy of what the dictionary said when it was recorded (factors, accident
types, measures, check items): the bureau editing a category never rewrites a point. Its class comes
from a grading — LEC or LS with the factor values, or set by hand with a reason — and the grading
is kept (``GradingBasis``, score, who and when), so a re-grade after the point's hazards are closed
is a new grading of the same point.

A point's life (``created_on`` to ``retired_on``) bounds its due cycles (``risk_reports.cycles``):
a point recorded mid-quarter owes no check for the days before it existed.
"""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise

from .dictionary import ACCIDENT_TYPE_CODES, MEASURE_KIND_CODES, CheckCycle, RiskCategory, RiskLevel

# who owns what on a point (portal.accounts.capabilities): the enterprise records and codes its own
# points, and only its own employees scan them
_ENTERPRISE_OWNED = {"manage_risk_points": ("enterprise", "enterprise_id"), "scan": ("enterprise", "enterprise_id")}


class GradingBasis(models.TextChoices):
    LEC = "lec", _("LEC (D = L × E × C)")
    LS = "ls", _("Risk matrix (R = L × S)")
    MANUAL = "manual", _("Set by hand")


class ShiftSchedule(models.Model):
    """The shifts an enterprise works, as it declares them: the start times of its shifts in a day,
    each running until the next one starts (the last until the first of the next day). A point
    checked every shift owes one check per shift; an enterprise that declares none works one shift
    a day from midnight (``risk_reports.cycles``)."""

    enterprise = models.OneToOneField(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                      related_name="shift_schedule")
    starts = models.JSONField(_("shift start times"), default=list,
                              help_text=_("Start times of the day's shifts, e.g. 08:00, 16:00, 00:00."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ("manage_risk_points",)
        owners = {"manage_risk_points": ("enterprise", "enterprise_id")}

    class Meta:
        verbose_name = _("shift schedule")
        verbose_name_plural = _("shift schedules")

    def __str__(self):
        return f"{self.enterprise}: {'、'.join(self.starts)}"


class RiskPoint(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="risk_points")
    name = models.CharField(_("risk point"), max_length=100)
    area = models.CharField(_("workshop or area"), max_length=60)
    category = models.ForeignKey(RiskCategory, verbose_name=_("dictionary category"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="points")
    # the point's own copy, taken from the category and edited by the enterprise
    factors = models.JSONField(_("hazardous factors"), default=list)
    accident_types = models.JSONField(_("accident types"), default=list)  # codes of GB 6441
    measures = models.JSONField(_("control measures"), default=dict)  # {kind: [measure, ...]}
    check_items = models.JSONField(_("check items"), default=list)
    cycle = models.CharField(_("check cycle"), max_length=8, choices=CheckCycle.choices)
    responsible_person = models.CharField(_("responsible person"), max_length=32)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=32, blank=True)
    # the grading: the basis, the factor values ({"L": 3, "E": 6, "C": 7}), the score and its class
    basis = models.CharField(_("grading basis"), max_length=8, choices=GradingBasis.choices)
    grading_values = models.JSONField(_("factor values"), default=dict, blank=True)
    score = models.DecimalField(_("score"), max_digits=12, decimal_places=2, null=True, blank=True)
    level = models.CharField(_("class"), max_length=8, choices=RiskLevel.choices)
    level_reason = models.CharField(_("reason for the class"), max_length=300, blank=True,
                                    help_text=_("Required when the class is set by hand."))
    graded_on = models.DateField(_("graded on"))
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("graded by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    # the point's life: due cycles start on created_on and end with retired_on
    created_on = models.DateField(_("recorded on"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ("manage_risk_points",)
        owners = _ENTERPRISE_OWNED

    class Meta:
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        ordering = ["enterprise", "area", "name"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "area", "name"], condition=Q(retired_on__isnull=True),
                                    name="risk_point_unique_name_in_area",
                                    violation_error_message=_("This workshop already has a risk point of this name.")),
            models.CheckConstraint(condition=Q(level__in=RiskLevel.values), name="risk_point_level_known"),
            models.CheckConstraint(condition=~Q(basis="manual") | ~Q(level_reason=""),
                                   name="risk_point_manual_has_reason"),
            models.CheckConstraint(condition=Q(retired_on__isnull=True) | Q(retired_on__gte=models.F("created_on")),
                                   name="risk_point_retired_after_created"),
        ]
        indexes = [
            # figures: points by class per enterprise (and through it per township)
            models.Index(fields=["enterprise", "level"], name="risk_point_enterprise_level"),
        ]

    def __str__(self):
        return f"{self.area} · {self.name}"

    @property
    def is_significant(self):
        """Significant or above (较大及以上): orange or red."""
        return self.level in (RiskLevel.RED, RiskLevel.ORANGE)

    def clean(self):
        errors = {}
        if self.accident_types and any(code not in ACCIDENT_TYPE_CODES for code in self.accident_types):
            errors["accident_types"] = _("Pick the accident types from the 20 of GB 6441.")
        if not isinstance(self.measures, dict) or set(self.measures) - set(MEASURE_KIND_CODES):
            errors["measures"] = _("Control measures are engineering, management, personal protection or emergency.")
        if not isinstance(self.check_items, list) or not [i for i in self.check_items if str(i).strip()]:
            errors["check_items"] = _("Name at least one check item.")
        if self.basis == GradingBasis.MANUAL and not self.level_reason.strip():
            errors["level_reason"] = _("Say why the class is set by hand.")
        if errors:
            raise ValidationError(errors)


class PointLife(models.Model):
    """Risk points counted by (enterprise, check cycle, class, life): the roll-up the widened figures
    read instead of the points themselves (at the seeds' scale 480 000 points make some 90 000 such
    rows, and a city's quarter reads them in tens of milliseconds; ``risk_reports.rollups``).

    Kept by the database itself: triggers on ``RiskPoint`` (migration ``0012_point_lives``, for
    PostgreSQL and SQLite) add a point to its row as it is inserted and move it when its enterprise,
    cycle, class or life changes, whatever wrote it — a service, a bulk load, an ``update()``. A
    point not retired has ``retired_on = ALIVE`` (a date, so that the row's key has no NULL)."""

    ALIVE = datetime.date(9999, 12, 31)

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="+")
    cycle = models.CharField(_("check cycle"), max_length=8, choices=CheckCycle.choices)
    level = models.CharField(_("class"), max_length=8, choices=RiskLevel.choices)
    created_on = models.DateField(_("recorded on"))
    retired_on = models.DateField(_("retired on"))  # ALIVE while not retired
    n = models.PositiveIntegerField(_("risk points"), default=0)

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ()

    class Meta:
        verbose_name = _("risk points of one life")
        verbose_name_plural = _("risk points of one life")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "cycle", "level", "created_on", "retired_on"],
                                    name="point_life_once"),
        ]


class ChanganCode(models.Model):
    """A Changan code (常安码) posted on a point: an unguessable token whose QR opens the point's
    check page. A lost or damaged label's code is revoked and a new one issued; a revoked token
    opens nothing. At most one code of a point is live."""

    point = models.ForeignKey(RiskPoint, verbose_name=_("risk point"), on_delete=models.CASCADE,
                              related_name="codes")
    token = models.CharField(_("code"), max_length=43, unique=True)  # the scan's lookup
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    class Scope:
        region = "point__enterprise__township"
        enterprise = "point__enterprise"
        cell = "point__enterprise__grid_cell"
        change = ("manage_risk_points",)
        owners = {"manage_risk_points": ("enterprise", "point__enterprise_id")}

    class Meta:
        verbose_name = _("Changan code")
        verbose_name_plural = _("Changan codes")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["point"], condition=Q(revoked_at__isnull=True),
                                    name="changan_code_one_live_per_point"),
        ]

    def __str__(self):
        return f"{self.point} [{self.token[:6]}…]"

    @property
    def live(self):
        return self.revoked_at is None
