"""Forms of the hazard ledger pages. They only parse input; the rules (order of the life cycle,
who verifies, dates) live in ``inspections.services``, whose messages the views put on these forms."""
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.ui import BootstrapFormMixin

from .models import MajorHazardCriterion

DATE = {"type": "date"}


def _date_input():
    # <input type="date"> reads and writes ISO dates whatever the language
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
EVIDENCE_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (photos taken on a phone); cleans to a list."""

    def __init__(self, *args, accept=PHOTO_ACCEPT, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            files = [single(item, initial) for item in data if item]
            if not files and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return files
        cleaned = single(data, initial)
        return [cleaned] if cleaned else []


class _ActionForm(BootstrapFormMixin, forms.Form):
    """One of several forms on the hazard page: its own element ids (the field names stay plain)."""

    key = "action"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.key}_%s")
        super().__init__(*args, **kwargs)


class HazardPlanForm(_ActionForm):
    """The five in place (五落实); the deadline is the fifth, moved only by an extension."""

    key = "plan"
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=32)
    measures = forms.CharField(label=_("Rectification measures"), widget=forms.Textarea(attrs={"rows": 3}))
    funds = forms.DecimalField(label=_("Funds (yuan)"), min_value=0, max_digits=12, decimal_places=2,
                               widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))
    emergency_plan = forms.CharField(label=_("Interim safety and emergency measures"),
                                     widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def for_hazard(cls, hazard):
        return cls(initial={"responsible_person": hazard.responsible_person, "measures": hazard.measures,
                            "funds": hazard.funds, "emergency_plan": hazard.emergency_plan})


class HazardSubmitForm(_ActionForm):
    key = "submit"
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = MultipleFileField(label=_("Evidence (photos or PDF)"), accept=EVIDENCE_ACCEPT,
                                 help_text=_("One or more photos of the result, or a PDF."))


class HazardVerifyForm(_ActionForm):
    key = "verify"
    note = forms.CharField(label=_("Verification note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HazardSendBackForm(_ActionForm):
    key = "send_back"
    reason = forms.CharField(label=_("Reason for sending back"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionRequestForm(_ActionForm):
    key = "extension_request"
    new_deadline = forms.DateField(label=_("Deadline asked for"), widget=_date_input())
    reason = forms.CharField(label=_("Why more time is needed"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecideForm(_ActionForm):
    """Granted or refused by the button pressed (``decision``); a refusal says why."""

    key = "extension_decide"
    decision = forms.ChoiceField(choices=[("grant", _("Grant the extension")), ("refuse", _("Refuse the extension"))],
                                 widget=forms.HiddenInput)
    note = forms.CharField(label=_("Decision note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when refusing."))


class HazardSuspendForm(_ActionForm):
    key = "suspend"
    reason = forms.CharField(label=_("Reason for the suspension order"), widget=forms.Textarea(attrs={"rows": 2}))
    effective_date = forms.DateField(label=_("Effective date"), required=False, widget=_date_input(),
                                     help_text=_("Empty: today."))


class CriterionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.text}"


class HazardReportForm(BootstrapFormMixin, forms.Form):
    """A hazard entered without an inspection: an enterprise's self-check or an inspector's report."""

    description = forms.CharField(label=_("Hazard description"), widget=forms.Textarea(attrs={"rows": 3}))
    location = forms.CharField(label=_("Hazard location"), max_length=200, required=False)
    found_on = forms.DateField(label=_("Date found"), widget=_date_input())
    deadline = forms.DateField(label=_("Rectification deadline"), widget=_date_input())
    major_criterion = CriterionChoiceField(
        label=_("Major-hazard criterion"), required=False, queryset=MajorHazardCriterion.objects.none(),
        empty_label=_("— none: a general hazard —"),
        help_text=_("Picking a criterion makes the hazard major: it is then supervised by the district."))
    photos = MultipleFileField(label=_("Hazard photos"), required=False)

    def __init__(self, *args, enterprise, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("found_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        # the criteria that apply to every enterprise, and those of the enterprise's key domains
        self.fields["major_criterion"].queryset = MajorHazardCriterion.objects.filter(active=True).filter(
            Q(key_domain__isnull=True) | Q(key_domain__in=enterprise.key_domains.all())).order_by("order", "code")
