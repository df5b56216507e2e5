"""Key tasks (重点工作任务考核细则; issue 12 item 3; seed 000, RULES.md §4): a region's yearly task list
for its child units (a district's for its townships, a city's for its districts).

Each task has a number, a title, a deadline and a target, which is one of

- **a registered figure** (``kind = figure``) held to a target with a comparison: "Changan code
  usage rate at least 100 % by 30 June" (``risk.usage_rate``), "at least 2 model enterprises by
  31 May" (``risk.model_enterprises`` against the threshold ``risk.model_enterprises_min``), "100 %
  enforcement coverage of the dust ≥ 30 set by 31 August" (``inspections.coverage:dust_30``). The
  target is a unit's own value (``KeyTaskTarget``: seed 000 item 12's per-township numbers), else the
  task's ``target_value``, else the ``portal.rules`` threshold named in ``threshold`` in force for
  the unit on the deadline;
- **evidence** (``kind = evidence``) the unit uploads (``KeyTaskEvidence`` with its files in
  ``portal.attachments``) for the list's region to accept or return. A unit may report a number
  with it (``reported_value``: how many enterprises it created against its target), which is what
  the bonus points of seed 000 item 12 look at.

A target whose figure is not registered yet (the standardization and agency figures of §4) is
shipped as an evidence task with a ``note`` that says so; a figure task naming a figure nobody
registered is refused (``clean``). Statuses are computed, never stored (``services_key_tasks``).
"""
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.rules.services import threshold_names

from .snapshots import figure_error

# the capabilities (portal.accounts.capabilities), named here for the Scope classes
MANAGE = "manage_key_tasks"
EVIDENCE = "submit_key_task_evidence"

# figures of this prefix are computed from the key tasks themselves: a task may not be held to one
OWN_FIGURES = "assessments.key_tasks_"


class KeyTaskList(models.Model):
    """The key tasks ``region`` sets its child units for ``year`` (one list per region and year)."""

    region = models.ForeignKey("grid.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+",
                               help_text=_("The assessing unit; its child units are assessed."))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    copied_from = models.ForeignKey("self", verbose_name=_("copied from"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Scope:
        region = "region"  # the units below read their parents' lists: services_key_tasks.key_tasks_grant
        change = (MANAGE,)
        owners = {MANAGE: ("region", "region")}

    class Meta:
        verbose_name = _("key task list")
        verbose_name_plural = _("key task lists")
        ordering = ["-year", "region__path"]
        constraints = [models.UniqueConstraint(
            fields=["region", "year"], name="key_task_list_once_a_year",
            violation_error_message=_("This region already has a key task list for that year."))]

    def __str__(self):
        return f"{self.year} {self.title}"


class KeyTask(models.Model):
    class Kind(models.TextChoices):
        FIGURE = "figure", _("Registered figure")
        EVIDENCE = "evidence", _("Evidence uploaded")

    class Comparison(models.TextChoices):
        AT_LEAST = "at_least", _("At least (≥)")
        AT_MOST = "at_most", _("At most (≤)")

    task_list = models.ForeignKey(KeyTaskList, verbose_name=_("key task list"), on_delete=models.CASCADE,
                                  related_name="tasks")
    number = models.CharField(_("number"), max_length=16, help_text=_("e.g. 2.3, as the list numbers it."))
    title = models.CharField(_("title"), max_length=200)
    requirement = models.TextField(_("requirement"), blank=True, help_text=_("What the list asks, as written."))
    deadline = models.DateField(_("deadline"))
    kind = models.CharField(_("target kind"), max_length=16, choices=Kind.choices)
    figure = models.CharField(_("figure"), max_length=96, blank=True, help_text=_(
        "A registered figure, e.g. risk.usage_rate; a parameter after a colon, e.g. inspections.coverage:dust_30."))
    comparison = models.CharField(_("comparison"), max_length=16, choices=Comparison.choices, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=4, null=True, blank=True,
                                       help_text=_("For every unit without its own target."))
    threshold = models.CharField(_("threshold"), max_length=64, blank=True, help_text=_(
        "Instead of a target value: a threshold, e.g. risk.model_enterprises_min, in force on the deadline."))
    note = models.TextField(_("note"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Scope:
        region = "task_list__region"
        change = (MANAGE,)
        owners = {MANAGE: ("region", "task_list__region")}

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["task_list", "number"], name="key_task_number_once",
            violation_error_message=_("This list already has a task of that number."))]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_figure(self):
        return self.kind == self.Kind.FIGURE

    def clean(self):
        """Every mistake at once, on its field, in Chinese: a figure task's figure nobody
        registered, its missing comparison or target, a threshold that does not exist; an evidence
        task carrying a figure's fields."""
        errors = {}
        if self.kind == self.Kind.FIGURE:
            if not self.figure:
                errors["figure"] = gettext("Pick the figure the task is held to.")
            elif self.figure.startswith(OWN_FIGURES):
                errors["figure"] = gettext("A key task cannot be held to the key tasks' own figures.")
            else:
                message = figure_error(self.figure)
                if message:
                    errors["figure"] = message
            if not self.comparison:
                errors["comparison"] = gettext("Say whether the figure must be at least or at most the target.")
            if self.target_value is None and not self.threshold:
                errors["target_value"] = gettext("Give a target value or a threshold.")
            if self.target_value is not None and self.threshold:
                errors["threshold"] = gettext("Give a target value or a threshold, not both.")
            elif self.threshold and self.threshold not in threshold_names():
                errors["threshold"] = gettext("Unknown threshold “%(name)s”.") % {"name": self.threshold}
        elif self.kind == self.Kind.EVIDENCE:
            for name in ("figure", "comparison", "threshold"):
                if getattr(self, name):
                    errors[name] = gettext("An evidence task is held to no figure; leave this empty.")
            if self.target_value is not None:
                errors["target_value"] = gettext(
                    "An evidence task has no common target value; give the units their own targets.")
        if self.target_value is not None and self.target_value < 0:
            errors["target_value"] = gettext("A target cannot be negative.")
        if errors:
            raise ValidationError(errors)


class KeyTaskTarget(models.Model):
    """A unit's own target for a task (seed 000 item 12: 湖塘镇 5 key-sector enterprises, ...)."""

    task = models.ForeignKey(KeyTask, verbose_name=_("key task"), on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("grid.Region", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("target value"), max_digits=14, decimal_places=4)

    class Scope:
        region = "unit"
        change = (MANAGE,)
        owners = {MANAGE: ("region", "task__task_list__region")}

    class Meta:
        verbose_name = _("unit target")
        verbose_name_plural = _("unit targets")
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="key_task_target_once")]

    def __str__(self):
        return f"{self.task} {self.unit}: {self.value}"


class KeyTaskEvidence(models.Model):
    """One submission of evidence by a unit for a task, with its files (``portal.attachments``):
    submitted, then accepted or returned with a reason by the list's region. A returned submission
    stays as the record of it; the unit submits again. Once one is accepted the unit's task is done
    and further evidence is refused."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for acceptance")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    task = models.ForeignKey(KeyTask, verbose_name=_("key task"), on_delete=models.CASCADE, related_name="evidence")
    unit = models.ForeignKey("grid.Region", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SUBMITTED)
    note = models.TextField(_("note"), blank=True)
    reported_value = models.DecimalField(_("reported value"), max_digits=14, decimal_places=4, null=True, blank=True,
                                         help_text=_("What the unit reached, e.g. enterprises created."))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_on = models.DateField(_("submitted on"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    reason = models.TextField(_("reason for returning"), blank=True)
    files = GenericRelation("attachments.Attachment")  # the evidence's photos and PDFs

    class Scope:
        region = "unit"
        change = (EVIDENCE, MANAGE)
        owners = {EVIDENCE: ("region", "unit"), MANAGE: ("region", "task__task_list__region")}

    class Meta:
        verbose_name = _("key task evidence")
        verbose_name_plural = _("key task evidence")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # at most one accepted submission per unit and task: after acceptance evidence is refused
            models.UniqueConstraint(fields=["task", "unit"], condition=models.Q(state="accepted"),
                                    name="key_task_evidence_accepted_once"),
        ]
        indexes = [
            # the board: the accepted evidence of every task of a list (WHERE task IN ... AND state = ...)
            models.Index(fields=["task", "state"], name="key_task_evidence_task_state"),
        ]

    def __str__(self):
        return f"{self.task} {self.unit} ({self.get_state_display()})"


class KeyTaskBonus(models.Model):
    """Bonus points a list's region gives a unit at year end, with the reason (seed 000 item 12:
    年度创建完成数量较多的板块，在年终考评中将酌情加分)."""

    task_list = models.ForeignKey(KeyTaskList, verbose_name=_("key task list"), on_delete=models.CASCADE,
                                  related_name="bonuses")
    task = models.ForeignKey(KeyTask, verbose_name=_("key task"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="bonuses", help_text=_("The task whose target the unit exceeded."))
    unit = models.ForeignKey("grid.Region", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Scope:
        region = "unit"
        change = (MANAGE,)
        owners = {MANAGE: ("region", "task_list__region")}

    class Meta:
        verbose_name = _("bonus points")
        verbose_name_plural = _("bonus points")
        ordering = ["task_list", "unit__order", "unit__code", "pk"]

    def __str__(self):
        return f"{self.unit} +{self.points}"
