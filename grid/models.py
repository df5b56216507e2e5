"""Territory: the region tree (city → district → township → village) and grid cells.

Each region carries a fixed-width materialized ``path`` (one segment of ``PATH_STEP`` characters
per level, the zero-padded surrogate key), so "everything under this region" is one indexed prefix
query and "per child region" is one GROUP BY on a prefix of the path (see ``child_path_expr``).
"""
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

PATH_STEP = 7  # digits per level: room for 9 999 999 regions


class Region(models.Model):
    class Level(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        TOWNSHIP = "township", _("Township")
        VILLAGE = "village", _("Village")

    LEVEL_DEPTH = {Level.CITY: 1, Level.DISTRICT: 2, Level.TOWNSHIP: 3, Level.VILLAGE: 4}
    CHILD_LEVEL = {Level.CITY: Level.DISTRICT, Level.DISTRICT: Level.TOWNSHIP, Level.TOWNSHIP: Level.VILLAGE}

    name = models.CharField(_("name"), max_length=64)
    short_name = models.CharField(_("short name"), max_length=32, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent region"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # RULES.md §1: GB/T 2260 code where one exists, otherwise a local code marked as such.
    code = models.CharField(
        _("division code"), max_length=20, unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z-]{2,20}$", _("A division code is 2–20 letters, digits or dashes."))],
    )
    code_is_local = models.BooleanField(_("local code"), default=False,
                                        help_text=_("Not an official GB/T 2260 code; replace it when one is issued."))
    order = models.PositiveIntegerField(_("order"), default=0, help_text=_("The bureau's order, not the code's."))
    # Indexed with a pattern-ops index on PostgreSQL (Django adds *_like for CharField db_index):
    # needed by every "under this region" prefix filter.
    path = models.CharField(max_length=PATH_STEP * 4, unique=True, null=True, editable=False)

    class Scope:
        region = ""  # a region reaches the territory as itself
        # regions and cells are added below a region by users bound within it; a region itself is
        # changed by whoever manages its parent (so nobody but a superuser edits their own region)
        change = ("manage_regions",)
        owners = {"manage_regions": ("region", "")}

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_per_parent"),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self):
        return len(self.path) // PATH_STEP

    def clean(self):
        if not self.level:
            return
        expected_parent = {
            self.Level.CITY: None, self.Level.DISTRICT: self.Level.CITY,
            self.Level.TOWNSHIP: self.Level.DISTRICT, self.Level.VILLAGE: self.Level.TOWNSHIP,
        }.get(self.level)
        if self.level != self.Level.CITY and (self.parent is None or self.parent.level != expected_parent):
            raise ValidationError({"parent": _("A %(level)s must sit under a %(parent)s.") % {
                "level": self.get_level_display(), "parent": self.Level(expected_parent).label}})
        if self.level == self.Level.CITY and self.parent is not None:
            raise ValidationError({"parent": _("A city has no parent region.")})

    def save(self, *args, **kwargs):
        creating = self.pk is None
        super().save(*args, **kwargs)
        if creating or not self.path:
            prefix = self.parent.path if self.parent_id else ""
            self.path = prefix + str(self.pk).zfill(PATH_STEP)
            type(self).objects.filter(pk=self.pk).update(path=self.path)

    def under(self):
        """This region and everything below it (one indexed prefix query)."""
        return Region.objects.filter(path__startswith=self.path)

    def ancestors(self):
        paths = [self.path[:i] for i in range(PATH_STEP, len(self.path), PATH_STEP)]
        return Region.objects.filter(path__in=paths).order_by("path")

    def child_regions(self):
        return self.children.order_by("order", "code")

    @property
    def district(self):
        return self._ancestor_at(Region.Level.DISTRICT)

    def _ancestor_at(self, level):
        if self.level == level:
            return self
        return self.ancestors().filter(level=level).first()

    def child_path_length(self):
        return len(self.path) + PATH_STEP


def child_path_expr(region, path_field):
    """The expression giving, for a row reaching a region by ``path_field`` (e.g. "township__path"),
    the path of the child of ``region`` it lies under: GROUP BY it for per-child figures."""
    return Substr(path_field, 1, region.child_path_length())


class GridCell(models.Model):
    """A grid cell (网格) under a village or a township; members and patrols come later."""

    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(_("cell code"), max_length=32, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("village or township"), on_delete=models.PROTECT,
                               related_name="grid_cells")
    is_dedicated = models.BooleanField(_("dedicated grid cell"), default=False)

    class Scope:
        region = "region"
        cell = "pk"
        change = ("manage_regions",)
        owners = {"manage_regions": ("region", "region")}

    class Meta:
        verbose_name = _("grid cell")
        verbose_name_plural = _("grid cells")
        ordering = ["region__path", "code"]

    def __str__(self):
        return f"{self.region.name} · {self.name}"

    def clean(self):
        if self.region_id and self.region.level not in (Region.Level.TOWNSHIP, Region.Level.VILLAGE):
            raise ValidationError({"region": _("A grid cell sits under a village or a township.")})

    @property
    def township(self):
        return self.region if self.region.level == Region.Level.TOWNSHIP else self.region.parent
