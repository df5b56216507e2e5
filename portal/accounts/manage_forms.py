"""Forms of the administrator's and the auditor's pages.

The administrator binds users to regions and cells by name: these pickers list the territory
itself (``grid.models``), not a user's scope, because binding is not reading business data."""
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from grid.models import GridCell, Region
from portal.ui import BootstrapFormMixin

from .models import AccessLog, Role, User

BINDABLE_LEVELS = (Region.Level.CITY, Region.Level.DISTRICT, Region.Level.TOWNSHIP)
# Accounts that watch or run the system: only a superuser creates or changes them, so an
# administrator can neither grant themselves the audit trail nor silence the auditor.
PRIVILEGED_ROLES = (Role.ADMIN, Role.AUDITOR)


def assignable_roles(by):
    """Roles ``by`` may give on the user pages. Enterprise accounts are made on the enterprise
    accounts page, which also records the enterprise and position."""
    roles = [r for r in Role if r != Role.ENTERPRISE]
    if not by.is_superuser:
        roles = [r for r in roles if r not in PRIVILEGED_ROLES]
    return roles


class GroupedModelChoiceIterator(ModelChoiceIterator):
    """Options in ``<optgroup>``s named by ``field.group_of(obj)``, groups in order of first appearance."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups = {}
        for obj in self.queryset:
            groups.setdefault(self.field.group_of(obj), []).append(self.choice(obj))
        yield from groups.items()


class RegionChoiceField(forms.ModelChoiceField):
    """City, districts and townships in one select, townships grouped under their district."""

    iterator = GroupedModelChoiceIterator

    def __init__(self, levels=BINDABLE_LEVELS, **kwargs):
        queryset = Region.objects.filter(level__in=levels).select_related("parent").order_by("path")
        kwargs.setdefault("empty_label", _("— none —"))
        super().__init__(queryset=queryset, **kwargs)

    @staticmethod
    def group_of(region):
        if region.level in (Region.Level.TOWNSHIP, Region.Level.VILLAGE) and region.parent_id:
            return region.parent.name
        return str(_("City and districts"))

    def label_from_instance(self, obj):
        return obj.name


class TownshipChoiceField(RegionChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", _("— pick a township —"))
        super().__init__(levels=(Region.Level.TOWNSHIP,), **kwargs)


class GridCellsField(forms.ModelMultipleChoiceField):
    """Grid cells grouped by district and township."""

    iterator = GroupedModelChoiceIterator

    def __init__(self, **kwargs):
        queryset = GridCell.objects.select_related("region__parent__parent").order_by("region__path", "code")
        super().__init__(queryset=queryset, **kwargs)

    @staticmethod
    def group_of(cell):
        township = cell.region if cell.region.level == Region.Level.TOWNSHIP else cell.region.parent
        district = township.parent if township is not None else None
        return " · ".join(r.name for r in (district, township) if r is not None)


class UserForm(BootstrapFormMixin, forms.ModelForm):
    """Create a user (username and bindings) or change one's name, phone and bindings.

    ``User.clean`` holds the region rule (a township inspector on a township, bureau staff on a
    city or district); the grid-cell rule is here because cells are a many-to-many field."""

    region = RegionChoiceField(label=_("Bound region"), required=False,
                               help_text=_("Bureau staff: the city or a district. Township inspectors: a township."))
    grid_cells = GridCellsField(label=_("Bound grid cells"), required=False,
                                help_text=_("Grid members only: one or more cells (Ctrl or Shift to pick several)."))

    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "role", "region", "grid_cells"]

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_cells"].widget.attrs["size"] = 12
        if self.instance.pk:
            del self.fields["username"]
        if self.instance.pk and self.instance.role == Role.ENTERPRISE:
            # The enterprise and position are changed on the enterprise accounts page.
            for name in ("role", "region", "grid_cells"):
                del self.fields[name]
        else:
            self.fields["role"].choices = [(r.value, r.label) for r in assignable_roles(by)]

    def clean(self):
        data = super().clean()
        if "grid_cells" in self.fields:
            role, cells = data.get("role"), data.get("grid_cells")
            if role == Role.GRID_MEMBER and not cells:
                self.add_error("grid_cells", _("A grid member must be bound to at least one grid cell."))
            elif role and role != Role.GRID_MEMBER and cells:
                self.add_error("grid_cells", _("Only grid members are bound to grid cells: clear the selection."))
        return data


class UserFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Username, name or phone"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False)
    region = RegionChoiceField(label=_("Region"), required=False, empty_label=_("All regions"))
    active = forms.ChoiceField(label=_("State"), required=False, choices=[
        ("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))])

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        roles = [r for r in Role if by.is_superuser or r not in PRIVILEGED_ROLES]
        self.fields["role"].choices = [("", _("All roles"))] + [(r.value, r.label) for r in roles]

    def filter(self, queryset):
        data = self.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            queryset = queryset.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(phone__icontains=q))
        if data["role"]:
            queryset = queryset.filter(role=data["role"])
        if data["region"]:
            path = data["region"].path
            in_cells = User.grid_cells.through.objects.filter(gridcell__region__path__startswith=path)
            queryset = queryset.filter(
                Q(region__path__startswith=path)
                | Q(pk__in=in_cells.values("user_id"))
                # read through the reverse accessor, as ``scope`` does: this app imports no enterprises
                | Q(enterprise_membership__enterprise__township__path__startswith=path))
        if data["active"]:
            queryset = queryset.filter(is_active=data["active"] == "1")
        return queryset


class DateRangeMixin:
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def _date_field(label):
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ContentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        model = obj.model_class()
        return capfirst(model._meta.verbose_name) if model else obj.model


class AuditFilterForm(DateRangeMixin, BootstrapFormMixin, forms.Form):
    content_type = ContentTypeChoiceField(label=_("Record type"), required=False, queryset=ContentType.objects.none(),
                                          empty_label=_("All record types"))
    action = forms.TypedChoiceField(label=_("Action"), required=False, coerce=int, empty_value=None,
                                    choices=[("", _("All actions"))] + list(LogEntry.Action.choices))
    actor = forms.CharField(label=_("Changed by (username or name)"), required=False)
    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))
    q = forms.CharField(label=_("Record (name or id)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = ContentType.objects.get_for_models(*auditlog.get_models()).values()
        self.fields["content_type"].queryset = ContentType.objects.filter(pk__in=[ct.pk for ct in types])

    def filter(self, queryset):
        data = self.cleaned_data
        if data["content_type"]:
            queryset = queryset.filter(content_type=data["content_type"])
        if data["action"] is not None:
            queryset = queryset.filter(action=data["action"])
        if data["actor"]:
            actor = data["actor"].strip()
            queryset = queryset.filter(Q(actor__username__icontains=actor) | Q(actor__full_name__icontains=actor))
        if data["date_from"]:
            queryset = queryset.filter(timestamp__date__gte=data["date_from"])
        if data["date_to"]:
            queryset = queryset.filter(timestamp__date__lte=data["date_to"])
        if data["q"]:
            q = data["q"].strip()
            queryset = queryset.filter(Q(object_repr__icontains=q) | Q(object_pk=q))
        return queryset


class AccessLogFilterForm(DateRangeMixin, BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds"))] + list(AccessLog.Kind.choices))
    username = forms.CharField(label=_("Username"), required=False)
    ip = forms.GenericIPAddressField(label=_("Address"), required=False)
    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))

    def filter(self, queryset):
        data = self.cleaned_data
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["username"]:
            queryset = queryset.filter(username__icontains=data["username"].strip())
        if data["ip"]:
            queryset = queryset.filter(ip=data["ip"])
        if data["date_from"]:
            queryset = queryset.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            queryset = queryset.filter(at__date__lte=data["date_to"])
        return queryset

