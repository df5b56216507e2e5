"""Users, their roles and their bindings to the territory.

A user's region (bureau staff, township inspector) and cells (grid member) are held here; an
enterprise user's enterprise and position are held in ``enterprises`` (``EnterpriseMembership``),
which this app never imports: ``scope`` reads it through the reverse accessor.
"""
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from grid.models import GridCell, Region


class Role(models.TextChoices):
    BUREAU_STAFF = "bureau_staff", _("Bureau staff")
    TOWNSHIP_INSPECTOR = "township_inspector", _("Township inspector")
    GRID_MEMBER = "grid_member", _("Grid member")
    ENTERPRISE = "enterprise", _("Enterprise user")
    AGENCY = "agency", _("Agency user")
    EXPERT = "expert", _("Expert")
    TRAINING = "training", _("Training-institution user")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


# Which region level each region-bound role is bound to.
ROLE_REGION_LEVELS = {
    Role.BUREAU_STAFF: (Region.Level.CITY, Region.Level.DISTRICT),
    Role.TOWNSHIP_INSPECTOR: (Region.Level.TOWNSHIP,),
}


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.BUREAU_STAFF)
    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("bound region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="users")
    grid_cells = models.ManyToManyField(GridCell, verbose_name=_("bound grid cells"), blank=True, related_name="members")
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        levels = ROLE_REGION_LEVELS.get(self.role)
        if levels:
            if self.region_id is None:
                raise ValidationError({"region": _("This role must be bound to a region.")})
            if self.region.level not in levels:
                raise ValidationError({"region": _("This role must be bound to a %(levels)s.") % {
                    "levels": " / ".join(str(Region.Level(level).label) for level in levels)}})
        elif self.region_id and self.role not in (Role.GRID_MEMBER, Role.AUDITOR):
            raise ValidationError({"region": _("This role is not bound to a region.")})


class AccessLog(models.Model):
    """Sign-ins, exports and audit reads: kept ``ACCESS_LOG_RETENTION_DAYS`` (≥ 6 months)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOGOUT = "logout", _("Signed out")
        EXPORT = "export", _("Export")
        AUDIT_READ = "audit_read", _("Audit trail read")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_logs")
    username = models.CharField(_("username"), max_length=150, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)  # retention purge scans by time
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("access log")
        verbose_name_plural = _("access logs")
        ordering = ["-at"]
