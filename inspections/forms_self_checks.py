"""Forms of the self-check pages: the campaign's send form and the enterprise's fill form. They only
shape input; the rules (a published checklist, a due date not past, every item answered, a note
for a failed item) live in ``services.self_checks`` and come back as the form's errors."""
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.submissions.pages import ClientKeyFormMixin
from portal.ui import BootstrapFormMixin

from .forms_plans import DateInput
from .models import ChecklistTemplate, SelfCheckAnswer
from .services.self_checks import NOTE_MAX


class SelfCheckSendForm(BootstrapFormMixin, forms.Form):
    checklist = forms.ModelChoiceField(label=_("Checklist"), queryset=ChecklistTemplate.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(),
                               help_text=_("The enterprises submit their self-check by this day."))

    def __init__(self, *args, checklists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].queryset = checklists


class SelfCheckFillForm(ClientKeyFormMixin, forms.Form):
    """One result, note and photo per item of the list: ``result_<code>``, ``note_<code>``,
    ``photo_<code>``. Nothing is required here: the service says what is missing, in Chinese."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"result_{item.code}"] = forms.ChoiceField(
                label=item.text, required=False, choices=SelfCheckAnswer.Result.choices, widget=forms.RadioSelect)
            self.fields[f"note_{item.code}"] = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX,
                                                               widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"photo_{item.code}"] = forms.FileField(label=_("Photo"), required=False)

    def rows(self):
        """``[(item, result field, note field, photo field)]`` for the template."""
        return [(item, self[f"result_{item.code}"], self[f"note_{item.code}"], self[f"photo_{item.code}"])
                for item in self.items]

    def answers(self):
        data = self.cleaned_data
        return [{"item": item.code, "result": data.get(f"result_{item.code}") or "",
                 "note": data.get(f"note_{item.code}") or ""} for item in self.items]

    def photos(self):
        return {item.code: self.cleaned_data[f"photo_{item.code}"] for item in self.items
                if self.cleaned_data.get(f"photo_{item.code}")}
