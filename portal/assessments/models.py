"""The quarter, frozen (issue 10 item 1): a ``Snapshot`` holds every registered figure for the
units under a region (a city: its districts and their townships; a district: its townships) for
one period, as computed on one day. Published numbers never move: a notice, the statistics of a
closed quarter and the dashboard read snapshots, never live figures.

A snapshot is built in parts (``SnapshotPart``: one per district, each a Celery task) while its
state is "building"; the last part to arrive makes it current in one UPDATE, which also retires the
previous current snapshot of the same region and period — so a run that fails, or a worker killed
half-way, leaves the previous one current, and two runs never leave two current snapshots (a
partial unique constraint says so to the database too).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    class State(models.TextChoices):
        BUILDING = "building", _("Building")
        CURRENT = "current", _("Current")
        REPLACED = "replaced", _("Replaced")
        FAILED = "failed", _("Failed")

    region = models.ForeignKey("grid.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    period = models.CharField(_("period"), max_length=24, help_text=_("The period's key, e.g. 2026Q3."))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.BUILDING)
    parts_expected = models.PositiveSmallIntegerField(_("parts expected"))
    parts_done = models.PositiveSmallIntegerField(_("parts done"), default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    computed_on = models.DateField(_("computed on"), help_text=_("The day the figures were computed as of."))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Scope:
        region = "region"
        change = ("compute_snapshots",)
        owners = {"compute_snapshots": ("region", "region")}

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["region", "period"], condition=models.Q(state="current"),
                                    name="snapshot_one_current_per_region_period"),
        ]
        indexes = [models.Index(fields=["region", "period", "state"], name="snapshot_region_period_state")]

    def __str__(self):
        return f"{self.region} {self.period} ({self.get_state_display()})"

    @property
    def progress(self):
        """Percent of parts arrived."""
        return round(100 * self.parts_done / self.parts_expected) if self.parts_expected else 0


class SnapshotPart(models.Model):
    """One part of a snapshot arrived: the figures of one district's townships and the district's
    own total. Written in the same transaction as its values, so a part is there whole or not at all."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="parts")
    region = models.ForeignKey("grid.Region", on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["snapshot", "region"], name="snapshot_part_once")]


class SnapshotValue(models.Model):
    """One figure for one unit, as it stood: the value shown, its numerator and denominator (a rate
    or an average), its rank among the units of the same parent (ties share a rank; None unranked),
    and the figure's label, unit, direction and threshold in force on the period's last day."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="values")
    region = models.ForeignKey("grid.Region", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("grid.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               help_text="The unit this one ranks among the children of; None for the top.")
    figure = models.CharField(max_length=96)
    label = models.CharField(max_length=200)
    unit = models.CharField(max_length=16, blank=True)
    kind = models.CharField(max_length=16)
    higher_is_better = models.BooleanField(default=True)
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    threshold = models.CharField(max_length=96, blank=True, help_text="The rule's name, e.g. risk.overdue_rate_max.")
    threshold_value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["snapshot", "region", "figure"], name="snapshot_value_once")]
        indexes = [models.Index(fields=["snapshot", "figure", "parent"], name="snapshot_value_table")]
