"""Forms of the risk point pages. They only parse input (lines of a textarea into lists, the grading
selects into values); the rules live in ``services.points``, whose messages the views put on them."""
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.ui import BootstrapFormMixin

from .dictionary_catalogue import ACCIDENT_TYPES, MEASURE_KINDS
from .models import (METHOD_FACTORS, CheckCycle, GradingBasis, GradingMethod, GradingScale, RiskCategory, RiskLevel,
                     plain)

MEASURE_FIELDS = [(f"measures_{code}", code, name) for code, name in MEASURE_KINDS]


def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _lines_field(label, required=False, rows=4, help_text=_("One per line.")):
    return forms.CharField(label=label, required=required, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


class PointForm(BootstrapFormMixin, forms.Form):
    """The point's own copy: what it is, where, what could go wrong, how it is controlled and checked."""

    name = forms.CharField(label=_("Risk point"), max_length=100)
    area = forms.CharField(label=_("Workshop or area"), max_length=60)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=32)
    responsible_phone = forms.CharField(label=_("Responsible person's phone"), max_length=32, required=False)
    cycle = forms.ChoiceField(label=_("Check cycle"), choices=CheckCycle.choices)
    check_items = _lines_field(_("Check items"), required=True, rows=5)
    factors = _lines_field(_("Hazardous factors"))
    accident_types = forms.MultipleChoiceField(label=_("Accident types"), choices=ACCIDENT_TYPES, required=False,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, _code, name in MEASURE_FIELDS:
            self.fields[field] = _lines_field(name, rows=2)

    @classmethod
    def initial_from(cls, source):
        """Initial values from a point or a dictionary category (its copy, one item per line)."""
        initial = {"factors": "\n".join(source.factors), "check_items": "\n".join(source.check_items),
                   "accident_types": list(source.accident_types), "cycle": source.cycle}
        for field, code, _name in MEASURE_FIELDS:
            initial[field] = "\n".join(source.measures.get(code, []))
        for name in ("name", "area", "responsible_person", "responsible_phone"):
            if hasattr(source, name):
                initial[name] = getattr(source, name)
        return initial

    def copy(self):
        """The cleaned data as the services' keyword arguments for the point's copy."""
        data = self.cleaned_data
        measures = {code: lines(data.get(field)) for field, code, _name in MEASURE_FIELDS if lines(data.get(field))}
        return {"name": data["name"], "area": data["area"], "responsible_person": data["responsible_person"],
                "responsible_phone": data.get("responsible_phone", ""), "cycle": data["cycle"],
                "check_items": lines(data["check_items"]), "factors": lines(data.get("factors")),
                "accident_types": list(data.get("accident_types") or []), "measures": measures}


def scale_choices(method, factor):
    """The values a factor may take, with their meanings (``GradingScale``), highest first."""
    return [("", "---------")] + [(plain(s.value), f"{plain(s.value)} — {s.meaning}")
                                  for s in GradingScale.objects.filter(method=method, factor=factor)
                                  .order_by("-value")]


class GradeForm(BootstrapFormMixin, forms.Form):
    """A grading: a method's factor values picked from its scale, or a class by hand with a reason."""

    basis = forms.ChoiceField(label=_("Grading basis"), choices=GradingBasis.choices, widget=forms.RadioSelect)
    level = forms.ChoiceField(label=_("Class (set by hand)"), choices=[("", "---------"), *RiskLevel.choices],
                              required=False)
    level_reason = forms.CharField(label=_("Reason for the class"), max_length=300, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for method in GradingMethod:
            for factor in METHOD_FACTORS[method]:
                self.fields[f"{method.value}_{factor}"] = forms.ChoiceField(
                    label=f"{method.label} · {factor}", choices=scale_choices(method.value, factor), required=False)

    def method_fields(self):
        """``[(method label, [bound field, ...])]`` for the template's groups."""
        return [(method.label, [self[f"{method.value}_{factor}"] for factor in METHOD_FACTORS[method]])
                for method in GradingMethod]

    def grading(self):
        data = self.cleaned_data
        basis = data["basis"]
        values = {}
        if basis in GradingMethod.values:
            values = {factor: data.get(f"{basis}_{factor}") or None for factor in METHOD_FACTORS[GradingMethod(basis)]}
        return {"basis": basis, "values": values, "level": data.get("level") or None,
                "level_reason": data.get("level_reason") or ""}

    def add_service_errors(self, exc):
        """A grading error names the factor (L, E, C, S): shown on the chosen method's select."""
        basis = self.data.get(self.add_prefix("basis"))
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                name = f"{basis}_{field}" if f"{basis}_{field}" in self.fields else field
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)

    @staticmethod
    def initial_from(point):
        initial = {"basis": point.basis, "level": point.level if point.basis == GradingBasis.MANUAL else "",
                   "level_reason": point.level_reason}
        for factor, value in (point.grading_values or {}).items():
            initial[f"{point.basis}_{factor}"] = value
        return initial


class PointCreateForm(PointForm, GradeForm):
    """A new point: its copy (prefilled from a dictionary category) and its first grading."""

    category = forms.ModelChoiceField(label=_("Dictionary category"), queryset=RiskCategory.objects.filter(active=True),
                                      required=False)


class BulkForm(BootstrapFormMixin, forms.Form):
    area = forms.CharField(label=_("Workshop or area"), max_length=60)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=32)
    responsible_phone = forms.CharField(label=_("Responsible person's phone"), max_length=32, required=False)
    cycle = forms.ChoiceField(label=_("Check cycle"), required=False,
                              choices=[("", _("Each category's default")), *CheckCycle.choices])
    categories = forms.ModelMultipleChoiceField(label=_("Dictionary categories"),
                                                queryset=RiskCategory.objects.filter(active=True)
                                                .select_related("domain"),
                                                widget=forms.CheckboxSelectMultiple)

    def groups(self):
        """The categories grouped by key domain, in the dictionary's order: ``[(domain name, [category])]``."""
        groups = {}
        for category in self.fields["categories"].queryset.order_by("domain__order", "order", "code"):
            label = category.domain.name if category.domain_id else _("General")
            groups.setdefault(str(label), []).append(category)
        return list(groups.items())

    def checked(self):
        if self.is_bound:
            return {str(v) for v in self.data.getlist(self.add_prefix("categories"))}
        return set()


class CopyForm(BootstrapFormMixin, forms.Form):
    from_area = forms.ChoiceField(label=_("Copy the points of"))
    to_area = forms.CharField(label=_("To the workshop or area"), max_length=60)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_area"].choices = [(a, a) for a in areas]


class ImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("Risk points file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class ShiftsForm(BootstrapFormMixin, forms.Form):
    """Up to four shifts by their start times (an <input type=time> sends HH:MM)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, 5):
            self.fields[f"shift_{n}"] = forms.CharField(
                label=_("Shift %(n)d starts at") % {"n": n}, required=False, max_length=5,
                widget=forms.TimeInput(attrs={"type": "time"}))

    @staticmethod
    def initial_from(starts):
        return {f"shift_{n}": start for n, start in enumerate(starts, start=1)}

    def starts(self):
        return [self.cleaned_data[f"shift_{n}"] for n in range(1, 5) if self.cleaned_data.get(f"shift_{n}")]


class RetireForm(BootstrapFormMixin, forms.Form):
    retired_on = forms.DateField(label=_("Retired on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
