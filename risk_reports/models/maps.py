"""The risk map of "one map, two cards, four lists" (一图两卡四清单; RULES.md §6, seed 003 附件1
item 6): a floor plan (平面图) of each site of an enterprise, and where its risk points stand on it.

A plan's image is an ``Attachment`` checked by its bytes and re-encoded (``services.images``), its
size limited by the threshold ``risk.floor_plan_max_mb``. Replacing the image keeps the placements:
a point stands at fractions of the image (x from the left, y from the top, 0..1), so a redrawn plan
of the same site keeps its points where they were. A retired plan keeps its placements as history;
only a live plan's placements are drawn, and a point stands on at most one live plan.
"""
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from portal.attachments.models import Attachment

from .points import RiskPoint

_OWNED = {"manage_risk_points": ("enterprise", "enterprise_id")}


class SitePlan(models.Model):
    """The floor plan of one site (厂区, 车间, 楼层) of an enterprise."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="site_plans")
    site = models.CharField(_("site"), max_length=60)
    image = models.ForeignKey(Attachment, verbose_name=_("floor plan"), null=True, on_delete=models.SET_NULL,
                              related_name="+")
    # the re-encoded image's size, copied from the attachment: the map keeps its proportions
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_on = models.DateField(_("recorded on"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ("manage_risk_points",)
        owners = _OWNED

    class Meta:
        verbose_name = _("floor plan")
        verbose_name_plural = _("floor plans")
        ordering = ["enterprise", "site", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "site"], condition=Q(retired_on__isnull=True),
                                    name="site_plan_one_live_per_site",
                                    violation_error_message=_("This site already has a floor plan.")),
        ]

    def __str__(self):
        return self.site

    @property
    def live(self):
        return self.retired_on is None


class PointPlacement(models.Model):
    """Where a risk point stands on a plan: fractions of the image's width and height."""

    plan = models.ForeignKey(SitePlan, verbose_name=_("floor plan"), on_delete=models.CASCADE,
                             related_name="placements")
    point = models.ForeignKey(RiskPoint, verbose_name=_("risk point"), on_delete=models.CASCADE,
                              related_name="placements")
    x = models.DecimalField(_("x (fraction of the width)"), max_digits=5, decimal_places=4)
    y = models.DecimalField(_("y (fraction of the height)"), max_digits=5, decimal_places=4)
    placed_at = models.DateTimeField(_("placed at"), auto_now=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("placed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Scope:
        region = "plan__enterprise__township"
        enterprise = "plan__enterprise"
        cell = "plan__enterprise__grid_cell"
        change = ("manage_risk_points",)
        owners = {"manage_risk_points": ("enterprise", "plan__enterprise_id")}

    class Meta:
        verbose_name = _("point on a floor plan")
        verbose_name_plural = _("points on floor plans")
        ordering = ["plan", "point__area", "point__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "point"], name="point_placement_once_per_plan",
                                    violation_error_message=_("This point is already on this floor plan.")),
            models.CheckConstraint(condition=Q(x__gte=Decimal(0), x__lte=Decimal(1), y__gte=Decimal(0),
                                               y__lte=Decimal(1)),
                                   name="point_placement_inside_plan"),
        ]
        indexes = [
            # the plans a point stands on (a point stands on one live plan: services.maps checks it)
            models.Index(fields=["point"], name="point_placement_point"),
        ]

    def __str__(self):
        return f"{self.point} @ {self.plan}"

    @property
    def left(self):
        """x as a percentage (the page and the PDF draw the marker there)."""
        return float(self.x) * 100

    @property
    def top(self):
        return float(self.y) * 100
