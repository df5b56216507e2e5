"""The risk control dictionary (风险报告管控辞典) and the grading methods (RULES.md §8).

The dictionary is the bureau's list of common risk points: each category with its hazardous
factors, the accident types of GB 6441 it could cause, control measures of the four kinds, a
default check cycle and the items an employee checks on the spot. Shipped from
``dictionary_catalogue`` by a data migration; the bureau edits it, and a risk point (to come) keeps
its own copy, so an edit never rewrites a point already recorded.

Grading: a point's class is assessed with LEC (D = L × E × C) or the LS matrix (R = L × S). The
values each factor may take (``GradingScale``) and the score bands of the four classes
(``GradingBand``) are rows the bureau can change, shipped with the common defaults.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import KeyDomain

from ..dictionary_catalogue import ACCIDENT_TYPES, MEASURE_KINDS


class RiskLevel(models.TextChoices):
    """The four classes (GLOSSARY: 重大/较大/一般/低 = red/orange/yellow/blue)."""

    RED = "red", _("Major risk (red)")
    ORANGE = "orange", _("Significant risk (orange)")
    YELLOW = "yellow", _("General risk (yellow)")
    BLUE = "blue", _("Low risk (blue)")


class CheckCycle(models.TextChoices):
    SHIFT = "shift", _("Every shift")
    DAY = "day", _("Every day")
    WEEK = "week", _("Every week")
    MONTH = "month", _("Every month")
    QUARTER = "quarter", _("Every quarter")


class GradingMethod(models.TextChoices):
    LEC = "lec", _("LEC (D = L × E × C)")
    LS = "ls", _("Risk matrix (R = L × S)")


# The factors each method multiplies, in order.
METHOD_FACTORS = {GradingMethod.LEC: ("L", "E", "C"), GradingMethod.LS: ("L", "S")}
ACCIDENT_TYPE_CODES = [code for code, _name in ACCIDENT_TYPES]
MEASURE_KIND_CODES = [code for code, _name in MEASURE_KINDS]


def plain(number: Decimal):
    """``Decimal("10.00")`` as ``10``, ``Decimal("0.50")`` as ``0.5`` (never ``1E+1``)."""
    return format(number.normalize(), "f")


def _texts(value):
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


class RiskCategory(models.Model):
    """A category of the dictionary: what a point of this kind is exposed to and how it is checked."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    domain = models.ForeignKey(KeyDomain, verbose_name=_("key domain"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="risk_categories")
    typical_level = models.CharField(_("typical class"), max_length=8, choices=RiskLevel.choices)
    factors = models.JSONField(_("hazardous factors"), default=list)
    accident_types = models.JSONField(_("accident types"), default=list)  # codes of GB 6441 (ACCIDENT_TYPES)
    measures = models.JSONField(_("control measures"), default=dict)  # {kind: [measure, ...]} for the four kinds
    cycle = models.CharField(_("default check cycle"), max_length=8, choices=CheckCycle.choices)
    check_items = models.JSONField(_("check items"), default=list)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Scope:
        public = True  # deployment-wide reference data: every signed-in user reads it
        change = ("manage_risk_dictionary",)

    class Meta:
        verbose_name = _("risk category")
        verbose_name_plural = _("risk control dictionary")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        """The standard every category is held to (issue 9 item 1): at least three hazardous
        factors and three check items, accident types of GB 6441, measures of all four kinds."""
        errors = {}
        if not _texts(self.factors) or len(self.factors) < 3:
            errors["factors"] = _("Name at least three hazardous factors.")
        if not _texts(self.check_items) or len(self.check_items) < 3:
            errors["check_items"] = _("Name at least three check items.")
        if (not isinstance(self.accident_types, list) or not self.accident_types
                or any(code not in ACCIDENT_TYPE_CODES for code in self.accident_types)):
            errors["accident_types"] = _("Pick the accident types from the 20 of GB 6441.")
        measures = self.measures if isinstance(self.measures, dict) else {}
        if set(measures) != set(MEASURE_KIND_CODES) or not all(_texts(v) and v for v in measures.values()):
            errors["measures"] = _("Give control measures of all four kinds: engineering, management, "
                                   "personal protection and emergency.")
        if errors:
            raise ValidationError(errors)


class GradingScale(models.Model):
    """One value a factor of a method may take, with its meaning (e.g. LEC's E = 6: 每天工作时间内暴露)."""

    method = models.CharField(_("method"), max_length=8, choices=GradingMethod.choices)
    factor = models.CharField(_("factor"), max_length=2)
    value = models.DecimalField(_("value"), max_digits=6, decimal_places=2)
    meaning = models.CharField(_("meaning"), max_length=100)

    class Scope:
        public = True  # deployment-wide reference data: every signed-in user reads it
        change = ("manage_risk_dictionary",)

    class Meta:
        verbose_name = _("grading scale value")
        verbose_name_plural = _("grading scales")
        ordering = ["method", "factor", "-value"]
        constraints = [models.UniqueConstraint(fields=["method", "factor", "value"], name="grading_scale_unique_value")]

    def __str__(self):
        return f"{self.get_method_display()} {self.factor} = {plain(self.value)}"


class GradingBand(models.Model):
    """The class a score falls in: scores above ``lower`` (or equal to it when ``inclusive``) and
    under the next band up. RULES.md §8: LEC D > 320 red, 160–320 orange, 70–159 yellow, below 70
    blue (the bureau may rate D < 20 as acceptable instead; the default keeps it blue)."""

    method = models.CharField(_("method"), max_length=8, choices=GradingMethod.choices)
    level = models.CharField(_("class"), max_length=8, choices=RiskLevel.choices)
    lower = models.DecimalField(_("lower bound"), max_digits=10, decimal_places=2)
    inclusive = models.BooleanField(_("lower bound included"), default=True)

    class Scope:
        public = True  # deployment-wide reference data: every signed-in user reads it
        change = ("manage_risk_dictionary",)

    class Meta:
        verbose_name = _("grading band")
        verbose_name_plural = _("grading bands")
        ordering = ["method", "-lower"]
        constraints = [models.UniqueConstraint(fields=["method", "level"], name="grading_band_one_per_class")]

    def __str__(self):
        sign = "≥" if self.inclusive else ">"
        return f"{self.get_method_display()} {sign} {plain(self.lower)}: {self.get_level_display()}"

    def admits(self, score: Decimal):
        return score > self.lower or (self.inclusive and score == self.lower)
