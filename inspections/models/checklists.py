"""Checklist templates (检查表模板).

What an inspector checks; an inspection records the version it was filled from.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grid.models import Region

# ---------------------------------------------------------------------------------------------
# Checklist templates (检查表模板)
#
# Rules are data: the bureau edits templates, the deployment ships four (checklist_catalogue.py).
# A template is versioned by (code, region, version); an inspection (later) records the version it
# was filled from, so once a version is used it never changes — a change is a new version, made by
# ``services.checklist_new_version``. Item codes are stable across versions, so "the same item
# failing twice" matches findings made under different versions.
# ---------------------------------------------------------------------------------------------

USED_MESSAGE = _("This checklist version has been used by inspections: it can no longer change. "
                 "Make a new version.")


class ChecklistTemplateQuerySet(models.QuerySet):
    """Bulk writes would skip ``save()``/``delete()``: they refuse to touch a used version too."""

    def update(self, **kwargs):
        # Retiring a used version is its life cycle, not a change of its content; nor is forgetting
        # a deleted creator (the delete collector's SET_NULL comes through here).
        allowed = {"status": ChecklistTemplate.Status.RETIRED, "created_by": None}
        lifecycle_only = all(k in allowed and v == allowed[k] for k, v in kwargs.items())
        if not lifecycle_only and self.filter(used_at__isnull=False).exists():
            raise ValidationError(USED_MESSAGE, code="checklist_used")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(used_at__isnull=False).exists():
            raise ValidationError(USED_MESSAGE, code="checklist_used")
        return super().delete()


class ChecklistTemplate(models.Model):
    """One version of a checklist (检查表) or, later, a patrol form (巡查表单)."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("Inspection checklist")
        PATROL = "patrol", _("Patrol form")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    code = models.SlugField(_("code"), max_length=40,
                            help_text=_("Stable across versions, e.g. dust or confined_space."))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INSPECTION)
    version = models.PositiveIntegerField(_("version"), default=1, validators=[MinValueValidator(1)])
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="checklist_templates",
                               help_text=_("Empty: used across the deployment. A region's own version "
                                           "replaces the deployment's there."))
    based_on = models.ForeignKey("self", verbose_name=_("based on"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="extensions",
                                 help_text=_("The base form a township's own form extends (patrol forms)."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    description = models.TextField(_("description"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    used_at = models.DateTimeField(_("first used at"), null=True, blank=True, editable=False,
                                   help_text=_("Set when an inspection first uses this version; it is frozen from then on."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ChecklistTemplateQuerySet.as_manager()

    class Scope:
        region = "region"

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["code", "region__path", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "region", "version"], name="checklist_unique_version_per_region"),
            # NULLs are distinct in a unique index: the deployment-wide versions need their own.
            models.UniqueConstraint(fields=["code", "version"], condition=Q(region__isnull=True),
                                    name="checklist_unique_default_version"),
            # At most one published version per code and region; these also serve checklist_current().
            models.UniqueConstraint(fields=["code", "region"], condition=Q(status="published"),
                                    name="checklist_one_published_per_region"),
            models.UniqueConstraint(fields=["code"], condition=Q(status="published", region__isnull=True),
                                    name="checklist_one_published_default"),
        ]

    def __str__(self):
        where = f" · {self.region.name}" if self.region_id else ""
        return f"{self.name} v{self.version}{where}"

    @property
    def used(self):
        return self.used_at is not None

    @property
    def editable(self):
        return self.used_at is None

    def clean(self):
        if self.based_on_id and self.pk and self.based_on_id == self.pk:
            raise ValidationError({"based_on": _("A checklist cannot be based on itself.")})

    def _stored(self):
        return type(self).objects.filter(pk=self.pk).first() if self.pk else None

    def save(self, *args, **kwargs):
        stored = self._stored()
        if stored is not None and stored.used_at is not None:
            changed = {f.attname for f in self._meta.concrete_fields
                       if getattr(self, f.attname) != getattr(stored, f.attname)}
            # The one change a used version may see: being retired when a newer one is published.
            if changed - {"status"} or (changed and self.status != self.Status.RETIRED):
                raise ValidationError(USED_MESSAGE, code="checklist_used")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = self._stored()
        if stored is not None and stored.used_at is not None:
            raise ValidationError(USED_MESSAGE, code="checklist_used")
        return super().delete(*args, **kwargs)


class ChecklistItemQuerySet(models.QuerySet):
    def _touches_used(self):
        return self.filter(template__used_at__isnull=False).exists()

    def update(self, **kwargs):
        if self._touches_used():
            raise ValidationError(USED_MESSAGE, code="checklist_used")
        return super().update(**kwargs)

    def delete(self):
        if self._touches_used():
            raise ValidationError(USED_MESSAGE, code="checklist_used")
        return super().delete()


class ChecklistItem(models.Model):
    """One question of a checklist version. ``code`` is kept by every later version of the template."""

    template = models.ForeignKey(ChecklistTemplate, verbose_name=_("checklist template"), on_delete=models.CASCADE,
                                 related_name="items")
    code = models.CharField(_("item code"), max_length=20,
                            validators=[RegexValidator(r"^[A-Z][A-Z0-9]*-[0-9A-Z]+$",
                                                       _("An item code is capitals, a dash and digits, e.g. DUST-03."))],
                            help_text=_("Stable across versions: a finding is matched to earlier ones by it."))
    section = models.CharField(_("section"), max_length=64)
    text = models.TextField(_("check item"))
    basis = models.TextField(_("basis"), blank=True, help_text=_("The regulation or standard the item rests on."))
    major_criterion = models.TextField(
        _("major-hazard criterion"), blank=True,
        help_text=_("When failing this item may be a major hazard: the criterion of the determination standard."))
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = ChecklistItemQuerySet.as_manager()

    class Scope:
        region = "template__region"

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="checklist_item_unique_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:40]}"

    def _frozen(self):
        """True if this item sits (or sat, before this save) on a used version."""
        ids = {self.template_id}
        if self.pk:
            ids |= set(type(self).objects.filter(pk=self.pk).values_list("template_id", flat=True))
        return ChecklistTemplate.objects.filter(pk__in=ids, used_at__isnull=False).exists()

    def save(self, *args, **kwargs):
        if self._frozen():
            raise ValidationError(USED_MESSAGE, code="checklist_used")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._frozen():
            raise ValidationError(USED_MESSAGE, code="checklist_used")
        return super().delete(*args, **kwargs)
