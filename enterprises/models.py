"""The enterprise roster (名录库): enterprises, their key domains, roster changes, chemical storage
sites and the enterprise users' memberships."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from grid.models import GridCell, Region

from .validators import validate_credit_code, validate_phone


class Industry(models.Model):
    """The eight industry-and-trade industries, each with sub-industries (steel under metallurgy)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subindustries",
                               verbose_name=_("industry"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.parent.name} · {self.name}" if self.parent_id else self.name

    @property
    def top(self):
        return self.parent if self.parent_id else self


class KeyDomain(models.Model):
    """A key sector/domain (涉爆粉尘, 金属冶炼, ...). ``counts_as_key_sector``: the city's own list."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32, unique=True)
    counts_as_key_sector = models.BooleanField(_("counts as key sector"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("key domain")
        verbose_name_plural = _("key domains")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    PRODUCING = "producing", _("Producing")
    SUSPENDED = "suspended", _("Suspended")
    DEREGISTERED = "deregistered", _("Deregistered")


class Enterprise(models.Model):
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                                   validators=[validate_credit_code])
    name = models.CharField(_("enterprise name"), max_length=128, db_index=True)  # name search
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Roster filters by township and status together: the composite index serves both.
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT,
                                 related_name="enterprises", limit_choices_to={"level": Region.Level.TOWNSHIP})
    village = models.ForeignKey(Region, verbose_name=_("village"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="village_enterprises", limit_choices_to={"level": Region.Level.VILLAGE})
    grid_cell = models.ForeignKey(GridCell, verbose_name=_("grid cell"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="enterprises")
    industry = models.ForeignKey(Industry, verbose_name=_("industry"), on_delete=models.PROTECT,
                                 related_name="enterprises")
    key_domains = models.ManyToManyField(KeyDomain, verbose_name=_("key domains"), blank=True,
                                         related_name="enterprises")
    is_key_sector = models.BooleanField(_("key sector"), default=False,
                                        help_text=_("Set from the key domains by default; the city may keep its own list."))
    above_scale = models.BooleanField(_("above designated size"), default=False)
    dust_workers_per_shift = models.PositiveIntegerField(_("dust workers per shift"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PRODUCING)
    principal_name = models.CharField(_("principal"), max_length=32, blank=True)
    principal_phone = models.CharField(_("principal's phone"), max_length=32, blank=True, validators=[validate_phone])
    safety_section_established = models.BooleanField(_("safety management section set up"), default=False)
    host = models.ForeignKey("self", verbose_name=_("host enterprise (factory within a factory)"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="tenants")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Scope:
        region = "township"
        enterprise = "pk"
        cell = "grid_cell"
        change = ("manage_roster", "edit_own_enterprise")
        owners = {"edit_own_enterprise": ("enterprise", "pk")}

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["township__order", "name"]
        indexes = [
            # roster filtered by township and status (the default roster view)
            models.Index(fields=["township", "status"], name="enterprise_township_status"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.township_id and self.township.level != Region.Level.TOWNSHIP:
            errors["township"] = _("Pick a township.")
        if self.village_id and (self.village.level != Region.Level.VILLAGE or self.village.parent_id != self.township_id):
            errors["village"] = _("The village must lie in the enterprise's township.")
        if self.grid_cell_id and self.township_id and not self.grid_cell.region.path.startswith(self.township.path):
            errors["grid_cell"] = _("The grid cell must lie in the enterprise's township.")
        if self.host_id and self.host_id == self.pk:
            errors["host"] = _("An enterprise cannot be its own host.")
        if errors:
            raise ValidationError(errors)

    @property
    def principal_user(self):
        return self.memberships.filter(position=EnterpriseMembership.Position.PRINCIPAL).first()


class EnterpriseChange(models.Model):
    """A roster change (变动情况): who, when, why, and the date it takes effect.

    Every enterprise has one ``registered`` change (its entry in the roster), so the state of the
    roster on any past date is the latest change effective by then (see ``on_date``)."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        STATUS = "status", _("Status change")
        TRANSFER = "transfer", _("Transfer to another township")
        TARGETING = "targeting", _("Targeting data change")
        KEY_DOMAINS = "key_domains", _("Key domains changed")

    # The enterprise's own data that enforcement targets by (the dust sets of seed 000 item 3, the
    # safety-section to-do): an enterprise user may change them, so a change is listed for the township.
    TARGETING_FIELDS = ("dust_workers_per_shift", "safety_section_established")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="changes")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(_("status before"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("status after"), max_length=16, choices=Status.choices)
    from_township = models.ForeignKey(Region, verbose_name=_("township before"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    to_township = models.ForeignKey(Region, verbose_name=_("township after"), on_delete=models.PROTECT,
                                    related_name="+")
    effective_date = models.DateField(_("effective date"))
    changed_values = models.JSONField(_("values changed"), default=dict, blank=True,
                                      help_text=_("A targeting data change: {field: [before, after]}."))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # what changed when neither the status nor the township did, e.g. the key domains before → after
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Scope:
        region = "to_township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ("manage_roster",)  # history: the supervisors record it, the enterprise reads it

    class Meta:
        verbose_name = _("roster change")
        verbose_name_plural = _("roster changes")
        ordering = ["-effective_date", "-id"]
        indexes = [
            # "latest change effective by date D" per enterprise (roster on a past date)
            models.Index(fields=["enterprise", "effective_date", "id"], name="change_enterprise_effective"),
            # a township's quarterly change report
            models.Index(fields=["effective_date"], name="change_effective"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.get_kind_display()} {self.effective_date}"

    @property
    def changed_values_display(self):
        """``单班作业涉粉人数：12 → 35；安全生产管理科已挂牌：否 → 是`` for a targeting data change."""
        def shown(value):
            return (_("Yes") if value else _("No")) if isinstance(value, bool) else value

        return "；".join(f"{Enterprise._meta.get_field(name).verbose_name}：{shown(before)} → {shown(after)}"
                        for name, (before, after) in (self.changed_values or {}).items())


# The changes that move an enterprise on or off the roster or between townships: they alone decide
# its state on a date. Other roster changes (targeting data, key domains) are reported but carry no
# state, neither setting nor bounding the roster's history: a status change may be back-dated before them.
STATE_KINDS = (EnterpriseChange.Kind.REGISTERED, EnterpriseChange.Kind.STATUS, EnterpriseChange.Kind.TRANSFER)


def state_on(date):
    """Annotations giving each enterprise's township and status as of ``date`` (None: not yet on the roster)."""
    latest = EnterpriseChange.objects.filter(enterprise=OuterRef("pk"), effective_date__lte=date,
                                             kind__in=STATE_KINDS).order_by("-effective_date", "-id")
    return {
        "township_on_date": Subquery(latest.values("to_township")[:1]),
        "status_on_date": Subquery(latest.values("to_status")[:1]),
    }


def enterprises_on(queryset, *, township, date, statuses=(Status.PRODUCING, Status.SUSPENDED)):
    """The enterprises of ``township`` on ``date`` (by default those not deregistered then)."""
    return queryset.annotate(**state_on(date)).filter(township_on_date=township.pk, status_on_date__in=statuses)


class ChemicalStorageSite(models.Model):
    """A hazardous-chemical storage site (危险化学品储存场所)."""

    class Kind(models.TextChoices):
        TANK = "tank", _("Storage tank")
        WAREHOUSE = "warehouse", _("Dedicated warehouse")
        INTERMEDIATE_A = "intermediate_a", _("Class A intermediate store")
        INTERMEDIATE_B = "intermediate_b", _("Class B intermediate store")
        INTERMEDIATE_C = "intermediate_c", _("Class C intermediate store")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="chemical_sites")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name or location"), max_length=100)
    chemicals = models.CharField(_("chemicals stored"), max_length=200, blank=True)
    capacity = models.CharField(_("capacity"), max_length=50, blank=True)

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ("manage_roster", "edit_own_enterprise")
        owners = {"edit_own_enterprise": ("enterprise", "enterprise_id")}

    class Meta:
        verbose_name = _("hazardous-chemical storage site")
        verbose_name_plural = _("hazardous-chemical storage sites")
        ordering = ["enterprise", "kind", "name"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.name}"


class EnterpriseMembership(models.Model):
    """Binds an enterprise user to one enterprise with a position; at most one principal each."""

    class Position(models.TextChoices):
        PRINCIPAL = "principal", _("Principal")
        SAFETY_MANAGER = "safety_manager", _("Safety manager")
        STAFF = "staff", _("Staff")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="enterprise_membership", verbose_name=_("user"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships",
                                   verbose_name=_("enterprise"))
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, default=Position.STAFF)

    class Scope:
        region = "enterprise__township"
        enterprise = "enterprise"
        cell = "enterprise__grid_cell"
        change = ("manage_roster",)

    class Meta:
        verbose_name = _("enterprise membership")
        verbose_name_plural = _("enterprise memberships")
        constraints = [
            models.UniqueConstraint(fields=["enterprise"], condition=Q(position="principal"),
                                    name="one_principal_per_enterprise",
                                    violation_error_message=_("This enterprise already has a principal account.")),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_position_display()}"


class RosterSet(models.Model):
    """A named set of enterprises the bureau defines by roster filters and edits (重点行业, 涉粉单班
    ≥ 30 人, ...): the numbers are the set's filters, data rather than code. A figure takes a set's
    ``code`` as its parameter (``inspections.coverage:dust_30``). Members: ``roster_sets.members``."""

    code = models.SlugField(_("code"), max_length=32, unique=True,
                            help_text=_("Letters, digits and underscores; figures name the set by it, e.g. dust_30."))
    name = models.CharField(_("name"), max_length=64, unique=True)
    filters = models.JSONField(_("roster filters"), default=dict, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("roster set")
        verbose_name_plural = _("roster sets")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name
