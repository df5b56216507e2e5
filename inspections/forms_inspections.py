"""Forms of the inspection pages: the field form (phone first), the correction, the penalty.

The forms check only the shape of the input (a date is a date); every rule — two officers, every
item answered, a finding per non-compliant item, a deadline after the visit — is the service's,
whose ``ValidationError`` the view puts back on the form (``add_service_errors``)."""
from django import forms
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.submissions.pages import ClientKeyFormMixin
from portal.ui import BootstrapFormMixin

from .models import Campaign, CheckingLevel, InspectionAnswer, Penalty, PlanItem
from .models.inspections import OFFICER_KINDS
from .services import CORRECTABLE

Result = InspectionAnswer.Result
DATE = {"type": "date"}
# The service's keys that are not fields of the form: shown above the part of the form they concern.
GROUPS = ("officers", "answers", "findings", "checklist", "plan_item", "campaign")


def date_input():
    """A native date picker: its value must be ISO (YYYY-MM-DD) whatever the language's format."""
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one input; cleans to a list (empty when none is picked)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(d, initial) for d in data if d]
        return [one(data, initial)] if data else []


class InspectionForm(ClientKeyFormMixin, BootstrapFormMixin, forms.Form):
    """The checklist form: the inspection's own fields, then per item an answer and, for a
    non-compliant answer, the finding (``f<item>_...``) that becomes a hazard."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in OFFICER_KINDS])
    checking_level = forms.ChoiceField(label=_("Checking level"), choices=CheckingLevel.choices, required=False,
                                       help_text=_("The level of the unit that checks (provincial, city, district "
                                                   "or township checks are counted apart)."))
    inspected_on = forms.DateField(label=_("Inspection date"), widget=date_input())
    officer_1_name = forms.CharField(label=_("First officer"), max_length=32, required=False)
    officer_1_certificate = forms.CharField(label=_("Certificate no."), max_length=32, required=False)
    officer_2_name = forms.CharField(label=_("Second officer"), max_length=32, required=False)
    officer_2_certificate = forms.CharField(label=_("Certificate no."), max_length=32, required=False)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("Photos of the inspection"))

    def __init__(self, *args, items, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.group_errors = {}
        self.finding_errors = {}
        choices = [("", _("General hazard (no major-hazard criterion met)"))] + [
            (c.pk, f"{c.code} {Truncator(c.text).chars(40)}") for c in criteria]
        for item in self.items:
            p = f"f{item.pk}_"
            self.fields[f"answer_{item.pk}"] = forms.ChoiceField(
                label=item.text, choices=Result.choices, required=False, widget=forms.RadioSelect)
            self.fields[p + "description"] = forms.CharField(
                label=_("Hazard found"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[p + "location"] = forms.CharField(label=_("Location"), max_length=200, required=False)
            self.fields[p + "deadline"] = forms.DateField(
                label=_("Rectification deadline"), required=False, widget=date_input())
            self.fields[p + "criterion"] = forms.TypedChoiceField(
                label=_("Major-hazard criterion"), choices=choices, coerce=int, empty_value=None, required=False)
            self.fields[p + "on_the_spot"] = forms.BooleanField(label=_("Rectified on the spot"), required=False)
            self.fields[p + "photos"] = MultipleFileField(label=_("Photos"))
        # BootstrapFormMixin styled the fields it saw; the item fields came after it.
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.HiddenInput)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if css not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    # -- what the service gets ----------------------------------------------------------------------
    def service_arguments(self):
        data = self.cleaned_data
        answers, findings = [], []
        for item in self.items:
            result = data.get(f"answer_{item.pk}")
            if not result:
                continue  # the service names every unanswered item
            answers.append({"item": item.pk, "result": result})
            if result == Result.FAIL:
                p = f"f{item.pk}_"
                findings.append({
                    "item_code": item.code, "description": data.get(p + "description") or "",
                    "location": data.get(p + "location") or "", "deadline": data.get(p + "deadline"),
                    "major_criterion": data.get(p + "criterion"), "on_the_spot": data.get(p + "on_the_spot"),
                    "photos": data.get(p + "photos") or [],
                })
        return {
            "kind": data["kind"], "checking_level": data.get("checking_level") or None,
            "inspected_on": data["inspected_on"],
            "summary": data.get("summary") or "",
            "officers": [(data.get("officer_1_name"), data.get("officer_1_certificate")),
                         (data.get("officer_2_name"), data.get("officer_2_certificate"))],
            "answers": answers, "findings": findings, "photos": data.get("photos") or [],
        }

    def _failed_items(self):
        """The items answered non-compliant, in the order their findings reach the service."""
        source = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return [item for item in self.items if source.get(f"answer_{item.pk}") == Result.FAIL]

    def add_service_errors(self, exc):
        """Put the service's messages where they belong: a field, a group (officers, answers,
        findings) or the finding block of the item a "Finding n:" message is about."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        failed = self._failed_items()
        for key, messages in exc.message_dict.items():
            if key in self.fields:
                self.add_error(key, messages)
                continue
            if key == "findings":
                for message in messages:
                    item = next((item for n, item in enumerate(failed, start=1)
                                 if message.startswith(gettext("Finding %(n)d: %(message)s") % {"n": n, "message": ""})),
                                None)
                    if item is not None:
                        self.finding_errors.setdefault(item.pk, []).append(message)
                    self.group_errors.setdefault(key, []).append(message)
                continue
            self.group_errors.setdefault(key if key in GROUPS else "other", []).extend(messages)

    def all_messages(self):
        """Every error as the user reads it, for the summary at the top of the form."""
        out = list(self.non_field_errors())
        for name, errors in self.errors.items():
            if name != "__all__":
                out.extend(f"{self.fields[name].label}：{e}" for e in errors)
        for errors in self.group_errors.values():
            out.extend(errors)
        return out

    def sections(self):
        """``[(section, [row])]`` in checklist order; a row holds the item, its answer field and
        its finding fields, and whether it is unanswered after a submit."""
        out = []
        for item in self.items:
            p = f"f{item.pk}_"
            answer = self[f"answer_{item.pk}"]
            row = {
                "item": item, "answer": answer, "value": answer.value() or "",
                "missing": self.is_bound and bool(self.group_errors.get("answers")) and not answer.value(),
                "finding": [self[p + n] for n in ("description", "location", "deadline", "criterion")],
                "on_the_spot": self[p + "on_the_spot"], "photos": self[p + "photos"],
                "errors": self.finding_errors.get(item.pk, []),
            }
            if out and out[-1][0] == item.section:
                out[-1][1].append(row)
            else:
                out.append((item.section, [row]))
        return out


class CorrectionForm(BootstrapFormMixin, forms.Form):
    """The fields a submitted inspection may change (``services.CORRECTABLE``), and why."""

    inspected_on = forms.DateField(label=_("Inspection date"), widget=date_input())
    checking_level = forms.ChoiceField(label=_("Checking level"), choices=CheckingLevel.choices, required=False)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    officer_1_name = forms.CharField(label=_("First officer"), max_length=32, required=False)
    officer_1_certificate = forms.CharField(label=_("First officer's certificate no."), max_length=32, required=False)
    officer_2_name = forms.CharField(label=_("Second officer"), max_length=32, required=False)
    officer_2_certificate = forms.CharField(label=_("Second officer's certificate no."), max_length=32,
                                            required=False)
    plan_item = forms.ModelChoiceField(label=_("Plan item"), queryset=PlanItem.objects.none(), required=False)
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), required=False)
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2}),
                             required=False)

    def __init__(self, *args, inspection, plan_items, campaigns, **kwargs):
        kwargs.setdefault("initial", {name: getattr(inspection, name) for name in CORRECTABLE})
        super().__init__(*args, **kwargs)
        self.fields["plan_item"].queryset = plan_items
        self.fields["campaign"].queryset = campaigns
        self.fields["plan_item"].label_from_instance = lambda pi: f"{pi.plan.title} · {pi.due_date:%Y-%m-%d}"

    def changes(self):
        out = {name: self.cleaned_data.get(name) if name in ("plan_item", "campaign", "inspected_on")
               else (self.cleaned_data.get(name) or "").strip() for name in CORRECTABLE}
        out["checking_level"] = out["checking_level"] or self.initial["checking_level"]  # not sent: unchanged
        return out


class PenaltyForm(BootstrapFormMixin, forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    decided_on = forms.DateField(label=_("Decision date"), widget=date_input(),
                                 initial=timezone.localdate)
    violation = forms.CharField(label=_("Violation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # no minimum here: the service says "below zero" in its own words
    fine = forms.DecimalField(label=_("Fine (yuan)"), max_digits=12, decimal_places=2, initial=0)


class PenaltyStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Penalty.Status.choices)
