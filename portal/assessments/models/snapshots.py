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
import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.figures import registry
from portal.rules.services import threshold_names


def figure_error(name):
    """None when ``name`` (with a parameter after a colon, e.g. ``inspections.coverage:dust_30``)
    is a registered figure, else the Chinese reason A problem rule and a key task check their figure
    with it."""
    base, _sep, param = (name or "").partition(":")
    try:
        registry.get(base)
    except LookupError:
        return gettext("No figure “%(name)s” is registered.") % {"name": base}
    if param:
        try:
            registry.get(name)
        except LookupError:
            return gettext("The figure “%(name)s” has no parameter “%(param)s”.") % {"name": base, "param": param}
    return None


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


class ProblemRule(models.Model):
    """A problem the quarterly notice names (issue 10 item 2; RULES.md §7), as data: a figure, a
    comparison and a sentence. ``lowest``/``highest`` name the ``n`` units with the lowest/highest
    value (seed 001 problem (二): 钟楼区 9.23, the lowest risks per enterprise); ``above``/``below``
    name the units whose value is over/under the ``portal.rules`` threshold ``threshold`` in force for
    each unit on the period's last day (风险逾期超过 30%). A rule of no region applies everywhere; a
    bureau adds rules for its own region, which apply to the tables of that region and below.

    The sentence is a template; its placeholders (``{{`` and ``}}`` write a brace):

    - ``{units}``     the units named, joined with 、 (钟楼区、金坛区)
    - ``{values}``    each unit's value with the figure's unit, in the same order, joined with 、 (0.59条/家、0.66条/家)
    - ``{each}``      each unit followed by its value (金坛区0.59条/家、新北区0.66条/家)
    - ``{threshold}`` the threshold in force (30); where the named units have different ones, each, joined with 、
      (above/below only)
    - ``{figure}``    the figure's label (常安码逾期率)
    - ``{count}``     how many units are named
    """

    class Comparison(models.TextChoices):
        ABOVE = "above", _("Above the threshold")
        BELOW = "below", _("Below the threshold")
        LOWEST = "lowest", _("The lowest n units")
        HIGHEST = "highest", _("The highest n units")

    RANKED = (Comparison.LOWEST, Comparison.HIGHEST)
    AGAINST_THRESHOLD = (Comparison.ABOVE, Comparison.BELOW)
    PLACEHOLDERS = ("units", "values", "each", "threshold", "figure", "count")

    title = models.CharField(_("title"), max_length=100, help_text=_("A short name, e.g. 企业平均辨识风险数最低."))
    figure = models.CharField(_("figure"), max_length=96, help_text=_(
        "A registered figure, e.g. risk.points_per_enterprise; a parameter after a colon, e.g. "
        "inspections.coverage:dust_30."))
    comparison = models.CharField(_("comparison"), max_length=16, choices=Comparison.choices)
    n = models.PositiveSmallIntegerField(
        _("units named"), null=True, blank=True,
        validators=[MinValueValidator(1, message=_("Name at least one unit."))],
        help_text=_("For the lowest or highest: how many units are named (ties at the cut are all named)."))
    threshold = models.CharField(_("threshold"), max_length=64, blank=True, help_text=_(
        "For above or below: the threshold compared with, e.g. risk.overdue_rate_max; each unit's own value "
        "in force on the period's last day."))
    sentence = models.TextField(_("sentence"), help_text=_(
        "What the notice says, with placeholders: {units} the units named, {values} their values, {each} each "
        "unit with its value, {threshold} the threshold, {figure} the figure's name, {count} how many units."))
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    region = models.ForeignKey("grid.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               help_text=_("Empty: every region of the deployment."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Scope:
        region = "region"  # deployment-wide rules and those of the regions above: services.problem_rules_grant
        change = ("issue_notices",)
        owners = {"issue_notices": ("region", "region")}

    class Meta:
        verbose_name = _("problem rule")
        verbose_name_plural = _("problem rules")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        """Every mistake at once, each on its field, in Chinese: a figure nobody registered, a threshold
        that does not exist, a comparison without its n or threshold, a sentence with an unknown
        placeholder."""
        errors = {}
        message = figure_error(self.figure) if self.figure else None
        if message:
            errors["figure"] = message
        if self.comparison in self.RANKED:
            if self.n is None:
                errors["n"] = gettext("Say how many units the lowest or highest names.")
            if self.threshold:
                errors["threshold"] = gettext("The lowest or highest is compared with no threshold; leave it empty.")
        elif self.comparison in self.AGAINST_THRESHOLD:
            if self.n is not None:
                errors["n"] = gettext("Above or below names every unit past the threshold; leave the number empty.")
            if not self.threshold:
                errors["threshold"] = gettext("Pick the threshold that above or below is compared with.")
            elif self.threshold not in threshold_names():
                errors["threshold"] = gettext("Unknown threshold “%(name)s”.") % {"name": self.threshold}
        message = self._sentence_error()
        if message:
            errors["sentence"] = message
        if errors:
            raise ValidationError(errors)

    def placeholders(self):
        """The placeholders the sentence uses, in order; ValueError for a malformed brace."""
        return [field for _text, field, _spec, _conv in string.Formatter().parse(self.sentence or "")
                if field is not None]

    def _sentence_error(self):
        if not self.sentence:
            return None
        try:
            used = self.placeholders()
        except ValueError:
            return gettext("A brace in the sentence is not closed; write {{ and }} for a brace itself.")
        unknown = [p for p in used if p not in self.PLACEHOLDERS]
        if unknown:
            return gettext("Unknown placeholder %(names)s in the sentence; use %(known)s.") % {
                "names": "、".join("{%s}" % p for p in unknown),
                "known": "、".join("{%s}" % p for p in self.PLACEHOLDERS)}
        if "units" not in used and "each" not in used:
            return gettext("The sentence must name the units: put {units} or {each} in it.")
        if "threshold" in used and self.comparison in self.RANKED:
            return gettext("The lowest or highest has no threshold: take {threshold} out of the sentence.")
        return None
