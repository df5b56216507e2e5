"""The key task's and the bonus points' forms. They only shape input; what a valid task is (a
registered figure, a comparison and a target for a figure task; none of those for evidence) lives
in ``KeyTask.clean`` and comes back from ``services_key_tasks`` as the form's errors."""
from django import forms
from django.utils.translation import gettext_lazy as _

from grid.models import Region
from portal.rules.services import threshold_names
from portal.ui import BootstrapFormMixin

from .models import KeyTask

FIELDS = ("number", "title", "requirement", "deadline", "kind", "figure", "comparison", "target_value", "threshold",
          "note", "order")


class KeyTaskForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label=_("Number"), max_length=16)
    title = forms.CharField(label=_("Title"), max_length=200)
    requirement = forms.CharField(label=_("Requirement"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Target kind"), choices=KeyTask.Kind.choices)
    figure = forms.CharField(label=_("Figure"), max_length=96, required=False,
                             widget=forms.TextInput(attrs={"list": "figure-names"}), help_text=_(
                                 "A registered figure, e.g. risk.usage_rate; a parameter after a colon, e.g. "
                                 "inspections.coverage:dust_30."))
    comparison = forms.ChoiceField(label=_("Comparison"), required=False,
                                   choices=[("", "---------")] + list(KeyTask.Comparison.choices))
    target_value = forms.DecimalField(label=_("Target value"), required=False, max_digits=14, decimal_places=4)
    threshold = forms.ChoiceField(label=_("Threshold"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=2147483647, required=False)

    def __init__(self, *args, task=None, units=(), **kwargs):
        if task is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(task, name) for name in FIELDS}
            for target in task.targets.all():
                kwargs["initial"][f"target_{target.unit_id}"] = target.value
        super().__init__(*args, **kwargs)
        self.fields["threshold"].choices = [("", "---------")] + [
            (name, f"{row['label']}（{name}，{row['unit']}）") for name, row in threshold_names().items()]
        self.units = list(units)
        for unit in self.units:
            self.fields[f"target_{unit.pk}"] = forms.DecimalField(
                label=unit.name, required=False, max_digits=14, decimal_places=4, min_value=0,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"}))

    def service_fields(self):
        data = {name: self.cleaned_data.get(name) for name in FIELDS}
        data["order"] = data["order"] or 0
        for name in ("figure", "comparison", "threshold", "requirement", "note"):
            data[name] = data[name] or ""
        return data

    def targets(self):
        return {unit.pk: self.cleaned_data.get(f"target_{unit.pk}") for unit in self.units}


class BonusForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Region.objects.none())
    task = forms.ModelChoiceField(label=_("Task"), queryset=KeyTask.objects.none(), required=False)
    points = forms.DecimalField(label=_("Points awarded"), max_digits=6, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, task_list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = task_list.region.children.order_by("order", "code")
        self.fields["task"].queryset = task_list.tasks.order_by("order", "pk")
