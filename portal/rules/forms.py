from django import forms
from django.utils.translation import gettext_lazy as _

from grid.models import Region
from portal.accounts import scope
from portal.ui import BootstrapFormMixin

from .services import threshold_names


class ThresholdVersionForm(BootstrapFormMixin, forms.Form):
    name = forms.ChoiceField(label=_("Threshold"))
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=4, min_value=0)
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    source = forms.CharField(label=_("Basis"), required=False, max_length=500,
                             help_text=_("The notice or decision that sets this value."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [(n, f"{row['label']} ({n}, {row['unit']})")
                                       for n, row in threshold_names().items()]
        # Bureau staff set versions for their bound region or below; villages have no thresholds.
        self.fields["region"].queryset = scope.regions(user).exclude(level=Region.Level.VILLAGE).order_by("path")
        if user.is_superuser:
            self.fields["region"].required = False
            self.fields["region"].empty_label = _("Deployment default")
