from django import forms
from django.utils.translation import gettext_lazy as _

from portal.ui import BootstrapFormMixin

from .kinds import all_kinds


class NotificationFilterForm(BootstrapFormMixin, forms.Form):
    STATES = [("", _("All")), ("unread", _("Unread")), ("read", _("Read"))]

    state = forms.ChoiceField(label=_("State"), choices=STATES, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds"))] + [(k.name, k.label) for k in all_kinds()]

    def filter(self, queryset):
        """The messages matching the valid filters (a bad value shows its error and filters nothing)."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("state") == "unread":
            queryset = queryset.filter(read_at__isnull=True)
        elif data.get("state") == "read":
            queryset = queryset.filter(read_at__isnull=False)
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        return queryset
