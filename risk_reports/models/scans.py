"""Scan self-checks (扫码自查) and the check cycles they fill.

A scan is an employee of the point's enterprise checking the point's items on the spot, found by
scanning its Changan code. Its item results are stored on the scan itself (``results``), so a
quarter of six million scans is six million rows, not thirty million. Scans are records in their
own right and are not written to the audit trail one by one.

Overdue (RULES.md §6; issue 9 item 6): a cycle of a point is *done* when it had at least one scan.
When a scan is written it records its (point, cycle) once in ``ScanCycle`` — an insert that
ignores a conflict — so the figures count done cycles without reading the scans; the due cycles
are worked out from the points' lives and cycles (``risk_reports.cycles``).

A failed item raises a hazard in the ledger with source "scan"; ``PointHazard`` links it to its
point (the ledger, to the left, knows no risk point).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from grid.models import Region
from inspections.models import Hazard

from .dictionary import CheckCycle
from .points import ChanganCode, RiskPoint


class Scan(models.Model):
    point = models.ForeignKey(RiskPoint, verbose_name=_("risk point"), on_delete=models.PROTECT,
                              related_name="scans")
    code = models.ForeignKey(ChanganCode, verbose_name=_("Changan code"), on_delete=models.PROTECT,
                             related_name="scans")
    # copied from the point as written: the figures group scans without joining the points
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="+")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+",
                                 help_text=_("The enterprise's township when the scan was made."))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT,
                           related_name="+")
    by_principal = models.BooleanField(_("by the principal"), default=False)
    # when the check was done on the floor (sent later from the outbox) and when it arrived
    done_at = models.DateTimeField(_("checked at"))
    done_on = models.DateField(_("checked on"))  # done_at's day in Asia/Shanghai, for grouping
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    # the cycle the scan falls in (risk_reports.cycles.cycle_of)
    cycle = models.CharField(_("check cycle"), max_length=8, choices=CheckCycle.choices)
    cycle_start = models.DateField(_("cycle start"))
    shift = models.PositiveSmallIntegerField(_("shift"), default=0)
    # [{"item": "…", "ok": true, "note": ""}, ...] in the point's order of check items
    results = models.JSONField(_("results"), default=list)
    failed = models.PositiveSmallIntegerField(_("items failed"), default=0)
    photos = models.PositiveSmallIntegerField(_("photos"), default=0)
    # the submission's client key (the outbox's), once per scan; the payload's hash detects a replay
    # of the key with another payload (409)
    client_key = models.CharField(_("client key"), max_length=64, unique=True)
    payload_hash = models.CharField(_("payload hash"), max_length=64)

    class Scope:
        region = "township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ()

    class Meta:
        verbose_name = _("scan self-check")
        verbose_name_plural = _("scan self-checks")
        ordering = ["-done_at", "-id"]
        indexes = [
            # figures: scans per township and period (principal participation, enterprises scanning)
            models.Index(fields=["township", "done_on"], name="scan_township_done"),
            # a point's recent scans (the point's page, the enterprise page's section)
            models.Index(fields=["point", "-done_at"], name="scan_point_recent"),
            # an enterprise's scans in a period (participation, its own page)
            models.Index(fields=["enterprise", "done_on"], name="scan_enterprise_done"),
        ]

    def __str__(self):
        return f"{self.point} {self.done_at:%Y-%m-%d %H:%M}"


class ScanCycle(models.Model):
    """A done cycle: (point, cycle) written once, by the first scan in it."""

    point = models.ForeignKey(RiskPoint, verbose_name=_("risk point"), on_delete=models.CASCADE,
                              related_name="done_cycles")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="+")
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    cycle = models.CharField(_("check cycle"), max_length=8, choices=CheckCycle.choices)
    cycle_start = models.DateField(_("cycle start"))
    shift = models.PositiveSmallIntegerField(_("shift"), default=0)

    class Scope:
        region = "township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ()

    class Meta:
        verbose_name = _("done check cycle")
        verbose_name_plural = _("done check cycles")
        constraints = [
            models.UniqueConstraint(fields=["point", "cycle", "cycle_start", "shift"], name="scan_cycle_once"),
        ]
        indexes = [
            # figures: done cycles per township in a period
            models.Index(fields=["township", "cycle_start"], name="scan_cycle_township_start"),
        ]


class DoneCycleMonth(models.Model):
    """The done cycles of an enterprise's points counted by (check cycle, month of the cycle's start,
    last month it touches):
    the roll-up the overdue rate reads instead of six million ``ScanCycle`` rows a quarter
    (``risk_reports.rollups``). Only cycles that count are in it — of the point's current cycle,
    wholly inside its life — so a change of a point's cycle or life rebuilds its enterprise's rows."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="+")
    cycle = models.CharField(_("check cycle"), max_length=8, choices=CheckCycle.choices)
    month = models.DateField(_("month"))  # the first day of the month the cycles start in
    last_month = models.DateField(_("last month"))  # the first day of the last month they touch (LastMonth)
    n = models.PositiveIntegerField(_("done cycles"), default=0)

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ()

    class Meta:
        verbose_name = _("done check cycles of a month")
        verbose_name_plural = _("done check cycles of months")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "cycle", "month", "last_month"],
                                    name="done_cycle_month_once"),
        ]
        indexes = [models.Index(fields=["month", "enterprise"], name="done_cycle_month_period")]


class ScanMonth(models.Model):
    """The scans of an enterprise under a township (at the time) in a month, and how many its
    principal made: the roll-up that enterprises using the code, the usage rate and principal
    participation read instead of six million scans a quarter (``risk_reports.rollups``)."""

    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="+")
    month = models.DateField(_("month"))  # the first day of the month of the scans' day (done_on)
    n = models.PositiveIntegerField(_("scans"), default=0)
    principal = models.PositiveIntegerField(_("scans by the principal"), default=0)

    class Scope:
        region = "township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ()

    class Meta:
        verbose_name = _("scans of a month")
        verbose_name_plural = _("scans of months")
        constraints = [
            models.UniqueConstraint(fields=["township", "enterprise", "month"], name="scan_month_once"),
        ]
        indexes = [models.Index(fields=["enterprise", "month"], name="scan_month_enterprise")]


class PointHazard(models.Model):
    """A hazard raised on a point by a failed item of a scan (or linked to it later)."""

    point = models.ForeignKey(RiskPoint, verbose_name=_("risk point"), on_delete=models.PROTECT,
                              related_name="hazard_links")
    # a foreign key held unique by a constraint rather than a one-to-one field: the ledger's audit
    # trail reads every one-to-one accessor of a hazard it saves, an extra query on each hazard step
    hazard = models.ForeignKey(Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE,
                               related_name="risk_point_links")
    scan = models.ForeignKey(Scan, verbose_name=_("scan self-check"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="hazard_links")
    item = models.CharField(_("check item"), max_length=200, blank=True)

    class Scope:
        region = "point__enterprise__township"
        enterprise = "point__enterprise"
        cell = "point__enterprise__grid_cell"
        change = ()

    class Meta:
        verbose_name = _("hazard of a risk point")
        verbose_name_plural = _("hazards of risk points")
        constraints = [models.UniqueConstraint(fields=["hazard"], name="point_hazard_one_point")]
