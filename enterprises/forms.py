from django import forms
from django.utils.translation import gettext_lazy as _

from grid.models import GridCell, Region
from portal.accounts import scope
from portal.ui import BootstrapFormMixin

from .models import ChemicalStorageSite, Enterprise, Industry, KeyDomain
from .services import SELF_FILED_FIELDS as ENTERPRISE_SELF_FIELDS  # noqa: F401  (the service decides)
from .validators import normalize_credit_code, normalize_phone, normalize_text


class IndustryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} / {obj.name}" if obj.parent_id else obj.name


class KeySectorSelect(forms.NullBooleanSelect):
    """Yes / no / from the key domains. A NullBooleanSelect, so the stored value is shown selected
    (a plain Select would render True as "True", match no option and fall back to "from the key
    domains": every edit would then reset a flag the city set by hand)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("From the key domains")), ("true", _("Yes")), ("false", _("No"))]


class EnterpriseForm(BootstrapFormMixin, forms.ModelForm):
    """Create or edit an enterprise. A change of status or township also needs the date it takes
    effect and a reason: it becomes a roster change."""

    effective_date = forms.DateField(label=_("Effective date"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                     help_text=_("Required when the status or the township changes."))
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)
    is_key_sector = forms.NullBooleanField(
        label=_("Key sector"), required=False,
        widget=KeySectorSelect)
    industry = IndustryChoiceField(queryset=Industry.objects.select_related("parent").order_by("order", "code"),
                                   label=_("Industry"))

    class Meta:
        model = Enterprise
        fields = ["credit_code", "name", "address", "township", "village", "grid_cell", "industry", "key_domains",
                  "is_key_sector", "above_scale", "dust_workers_per_shift", "status", "principal_name",
                  "principal_phone", "safety_section_established", "host"]
        widgets = {"key_domains": forms.CheckboxSelectMultiple, "host": forms.NumberInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        regions = scope.regions(user)
        self.fields["township"].queryset = scope.townships(user)
        self.fields["village"].queryset = regions.filter(level=Region.Level.VILLAGE).order_by("parent__order", "order")
        self.fields["grid_cell"].queryset = scope.grid_cells(user)
        self.fields["key_domains"].queryset = KeyDomain.objects.all()
        self.fields["host"] = forms.ModelChoiceField(
            queryset=scope.visible(user, Enterprise.objects.all()), required=False,
            label=_("Host enterprise (factory within a factory)"), widget=forms.TextInput,
            help_text=_("The host's credit code, when this enterprise is a tenant on its premises."),
            to_field_name="credit_code")
        if self.instance.pk:
            self.fields["credit_code"].disabled = True
            if self.instance.host_id:
                self.initial["host"] = self.instance.host.credit_code
            self.initial["is_key_sector"] = self.instance.is_key_sector
        else:
            self.fields["status"].initial = "producing"

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data.get("credit_code"))

    def clean_name(self):
        return normalize_text(self.cleaned_data.get("name"))

    def clean_principal_phone(self):
        return normalize_phone(self.cleaned_data.get("principal_phone"))

    def clean_host(self):
        host = self.cleaned_data.get("host")
        if host and self.instance.pk and host.pk == self.instance.pk:
            raise forms.ValidationError(_("An enterprise cannot be its own host."))
        return host

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("credit_code", None) if self.instance.pk else None
        return data


class EnterpriseSelfForm(BootstrapFormMixin, forms.ModelForm):
    """What an enterprise's principal or safety manager files for their own enterprise."""

    class Meta:
        model = Enterprise
        fields = ENTERPRISE_SELF_FIELDS

    def clean_principal_phone(self):
        return normalize_phone(self.cleaned_data.get("principal_phone"))


class ChemicalStorageSiteForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ChemicalStorageSite
        fields = ["kind", "name", "chemicals", "capacity"]


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Roster file (.xlsx)"))
