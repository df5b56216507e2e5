"""The two assessments (两评估, issue 12 items 1 and 2; RULES.md §2 and §3, seed 003) as data.

A **form** (``RubricForm``) is a numbered list of **items** (``RubricItem``): title, points, the day
it is due (month and day), the evidence asked for, and how it is scored — by hand (with evidence
files) or filled from a registered figure by a rule (the figure's value × ``multiplier``, at most
``cap`` or the item's points). Forms are versioned: a form already used by a score is never
changed; editing it makes the next version of its kind, and new scores use the newest one. A form
whose items do not add up to 100, or with an item the bureau still has to fill in, is incomplete
and scores nothing.

A **score** (``Score``) points at the form version it used and holds one ``ScoreItem`` per item;
its ``total`` is the items' sum less the ``Deduction`` rows a random check's findings recorded
against it. Kinds: a township's monthly score of an enterprise (附件1), a unit's monthly
self-score and the level above's quarterly score of each unit below it (附件2).

What the forms check, as records: the enterprise's special-rectification ``RectificationPlan``
(附件1 item 1), reviewed by its township; the assessing level's ``RandomCheck`` (seed 003 二(二)),
drawn by ``portal.sampling`` and recorded with its ``Finding`` rows.
"""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

FULL_MARKS = Decimal("100")


class RubricForm(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise assessment form")
        UNIT = "unit", _("Unit assessment form")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    source = models.TextField(_("source"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Scope:
        public = True  # every signed-in user reads the forms; changing them is manage_rubrics
        change = ("manage_rubrics",)

    class Meta:
        verbose_name = _("assessment form")
        verbose_name_plural = _("assessment forms")
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="rubric_form_kind_version")]

    def __str__(self):
        return f"{self.title}（v{self.version}）"

    def items_list(self):
        cached = getattr(self, "_prefetched_objects_cache", {}).get("items")
        return list(cached) if cached is not None else list(self.items.order_by("number"))

    @property
    def total_points(self):
        return sum((item.points for item in self.items_list()), Decimal("0"))

    def problems(self):
        """Why the form cannot score (Chinese sentences), empty when it can."""
        out = []
        items = self.items_list()
        total = sum((item.points for item in items), Decimal("0"))
        if total != FULL_MARKS:
            out.append(gettext("Its items add up to %(total)s points, not 100.") % {"total": _plain(total)})
        unfilled = [str(item.number) for item in items if item.unfilled]
        if unfilled:
            out.append(gettext("Item %(numbers)s still has to be filled in by the bureau.")
                       % {"numbers": "、".join(unfilled)})
        return out

    @property
    def is_complete(self):
        return not self.problems()


def _plain(value):
    value = Decimal(value)
    return str(value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize())


class RubricItem(models.Model):
    class Method(models.TextChoices):
        HAND = "hand", _("By hand, with evidence")
        FIGURE = "figure", _("From a figure")

    form = models.ForeignKey(RubricForm, verbose_name=_("form"), on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("item"), max_length=200, blank=True)
    requirement = models.TextField(_("requirement and evidence asked for"), blank=True)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1,
                                 validators=[MinValueValidator(Decimal("0")), MaxValueValidator(FULL_MARKS)])
    due_month = models.PositiveSmallIntegerField(_("due month"), null=True, blank=True,
                                                 validators=[MinValueValidator(1), MaxValueValidator(12)])
    due_day = models.PositiveSmallIntegerField(_("due day"), null=True, blank=True,
                                               validators=[MinValueValidator(1), MaxValueValidator(31)])
    unfilled = models.BooleanField(_("to be filled in by the bureau"), default=False, help_text=_(
        "A placeholder the seed leaves open: the form is incomplete until the bureau writes it."))
    method = models.CharField(_("scored"), max_length=8, choices=Method.choices, default=Method.HAND)
    figure = models.CharField(_("figure"), max_length=96, blank=True, help_text=_(
        "A registered figure (risk.usage_rate): the unit's value of it fills the item."))
    multiplier = models.DecimalField(_("points per unit of the figure"), max_digits=8, decimal_places=4, null=True,
                                     blank=True, help_text=_("For a rate in %: 0.1 gives 10 points at 100 %."))
    cap = models.DecimalField(_("at most"), max_digits=5, decimal_places=1, null=True, blank=True,
                              help_text=_("Empty: the item's points."))

    class Meta:
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        ordering = ["form", "number"]
        constraints = [models.UniqueConstraint(fields=["form", "number"], name="rubric_item_form_number")]

    def __str__(self):
        return f"{self.number}. {self.title or gettext('(to be filled in)')}"

    @property
    def due_label(self):
        if not self.due_month:
            return ""
        if not self.due_day:
            return gettext("by end of month %(month)s") % {"month": self.due_month}
        return f"{self.due_month}-{self.due_day:02d}"

    def clean(self):
        from portal.figures import registry

        errors = {}
        if not self.unfilled and not (self.title or "").strip():
            errors["title"] = gettext("Write the item, or mark it as still to be filled in.")
        if self.due_day and not self.due_month:
            errors["due_month"] = gettext("A due day needs its month.")
        if self.method == self.Method.FIGURE:
            if not self.figure:
                errors["figure"] = gettext("Name the figure that fills the item.")
            else:
                try:
                    registry.get(self.figure)
                except LookupError:
                    errors["figure"] = gettext("No figure “%(name)s” is registered.") % {"name": self.figure}
            if self.multiplier is None:
                errors["multiplier"] = gettext("Say how many points one unit of the figure is worth.")
        if self.cap is not None and self.points is not None and self.cap > self.points:
            errors["cap"] = gettext("The cap cannot be more than the item's points.")
        if errors:
            raise ValidationError(errors)

    def points_from(self, value):
        """The points a figure's ``value`` (a number, a Rate or Ratio, or None) gives: value × multiplier,
        at least 0, at most the cap (or the item's points)."""
        if value is None or self.multiplier is None:
            return Decimal("0")
        number = getattr(value, "value", value)
        if number is None:
            return Decimal("0")
        raw = Decimal(str(number)) * self.multiplier
        top = self.cap if self.cap is not None else self.points
        return max(Decimal("0"), min(top, raw)).quantize(Decimal("0.1"))


class Score(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Monthly enterprise score")
        SELF = "self", _("Monthly self-score")
        QUARTERLY = "quarterly", _("Quarterly score by the level above")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    form = models.ForeignKey(RubricForm, verbose_name=_("form version"), on_delete=models.PROTECT,
                             related_name="scores")
    # the unit scored (a unit score), or the enterprise's township when it was scored (an enterprise score)
    region = models.ForeignKey("grid.Region", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="rubric_scores")
    assessor = models.ForeignKey("grid.Region", verbose_name=_("scored by (unit)"), on_delete=models.PROTECT,
                                 related_name="+")
    period = models.CharField(_("period"), max_length=16, help_text=_("2026-10 for a month, 2026Q4 for a quarter."))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    items_total = models.DecimalField(_("items' points"), max_digits=6, decimal_places=1, default=0)
    deducted = models.DecimalField(_("deducted"), max_digits=6, decimal_places=1, default=0)
    total = models.DecimalField(_("score"), max_digits=6, decimal_places=1, default=0)
    flagged = models.BooleanField(_("rectification to start over"), default=False)
    threshold = models.DecimalField(_("pass mark"), max_digits=6, decimal_places=1, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("scored by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    class Scope:
        region = "region"
        enterprise = "enterprise"
        change = ("score_enterprises", "score_units")

    class Meta:
        verbose_name = _("assessment score")
        verbose_name_plural = _("assessment scores")
        ordering = ["-period_start", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "enterprise", "period"], condition=models.Q(enterprise__isnull=False),
                                    name="rubric_score_enterprise_period"),
            models.UniqueConstraint(fields=["kind", "region", "period"], condition=models.Q(enterprise__isnull=True),
                                    name="rubric_score_unit_period"),
        ]
        indexes = [models.Index(fields=["kind", "period_start"], name="rubric_score_kind_start")]

    def __str__(self):
        who = self.enterprise.name if self.enterprise_id else self.region.name
        return f"{who} {self.period} {self.total}"


class ScoreItem(models.Model):
    score = models.ForeignKey(Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(RubricItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points given"), max_digits=5, decimal_places=1)
    from_figure = models.BooleanField(_("filled from a figure"), default=False)
    figure_value = models.DecimalField(_("figure's value"), max_digits=14, decimal_places=4, null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Scope:
        region = "score__region"
        enterprise = "score__enterprise"
        change = ("score_enterprises", "score_units")

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        ordering = ["score", "item__number"]
        constraints = [models.UniqueConstraint(fields=["score", "item"], name="rubric_score_item_once")]


class RectificationPlan(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="rectification_plans")
    township = models.ForeignKey("grid.Region", verbose_name=_("township"), on_delete=models.PROTECT,
                                 related_name="+", help_text=_("The enterprise's township when it filed."))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("targets and measures"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SUBMITTED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    times_returned = models.PositiveSmallIntegerField(_("times returned"), default=0)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("reasons"), blank=True)

    class Scope:
        region = "township"
        enterprise = "enterprise"
        change = ("file_plan", "review_plans")
        owners = {"file_plan": ("enterprise", "enterprise_id"), "review_plans": ("region", "township")}

    class Meta:
        verbose_name = _("special-rectification plan")
        verbose_name_plural = _("special-rectification plans")
        ordering = ["-filed_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="rectification_plan_once_a_year")]

    def __str__(self):
        return f"{self.enterprise.name} {self.year} {self.title}"


class RandomCheck(models.Model):
    """A recorded random check: the assessing level's quarterly visit of enterprises and units
    drawn at random (seed 003 二(二)), or the district's spot-check of its townships' plan reviews
    (附件2 item 5). What was drawn is a ``portal.sampling`` sample, replayable from its seed."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("Quarterly random check")
        PLAN_REVIEWS = "plan_reviews", _("Spot-check of plan reviews")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey("grid.Region", verbose_name=_("checking unit"), on_delete=models.PROTECT,
                               related_name="+")
    period = models.CharField(_("quarter"), max_length=16)
    enterprise_sample = models.ForeignKey("sampling.Sample", verbose_name=_("enterprises drawn"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    unit_sample = models.ForeignKey("sampling.Sample", verbose_name=_("units drawn"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    plan_sample = models.ForeignKey("sampling.Sample", verbose_name=_("plans drawn"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Scope:
        region = "region"
        change = ("random_checks",)
        owners = {"random_checks": ("region", "region")}

    class Meta:
        verbose_name = _("random check")
        verbose_name_plural = _("random checks")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.region.name} {self.period} {self.get_kind_display()}"


class Finding(models.Model):
    random_check = models.ForeignKey(RandomCheck, verbose_name=_("check"), on_delete=models.CASCADE,
                                     related_name="findings")
    unit = models.ForeignKey("grid.Region", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(RectificationPlan, verbose_name=_("plan"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("what was found"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Scope:
        region = "random_check__region"
        change = ("random_checks",)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["random_check", "pk"]


class Deduction(models.Model):
    """Points taken off a unit's quarterly score, against one item, with the reason (a finding)."""

    score = models.ForeignKey(Score, verbose_name=_("score"), on_delete=models.CASCADE, related_name="deductions")
    item = models.ForeignKey(RubricItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points deducted"), max_digits=5, decimal_places=1)
    reason = models.TextField(_("reason"))
    finding = models.ForeignKey(Finding, verbose_name=_("finding"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="deductions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("deducted by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("deducted at"), auto_now_add=True)

    class Scope:
        region = "score__region"
        change = ("random_checks",)

    class Meta:
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")
        ordering = ["score", "pk"]
