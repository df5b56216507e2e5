"""Forms of the dictionary and grading pages. They only shape input (a textarea's lines into a
list, a scale's ``value meaning`` lines into pairs); the rules live in ``services.dictionary`` and
come back as the form's errors."""
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import KeyDomain
from portal.ui import BootstrapFormMixin

from .dictionary_catalogue import ACCIDENT_TYPES, MEASURE_KINDS
from .models import METHOD_FACTORS, CheckCycle, GradingMethod, RiskLevel, plain
from .services.dictionary import BAND_ORDER


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _textarea(label, help_text="", rows=4):
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


ONE_PER_LINE = gettext_lazy("One per line.")


class CategoryForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40, required=False,
                           help_text=gettext_lazy("Letters, digits, - and _; empty: one is made."))
    domain = forms.ModelChoiceField(label=gettext_lazy("Key domain"), required=False,
                                    queryset=KeyDomain.objects.order_by("order", "code"),
                                    empty_label=gettext_lazy("General (no key domain)"))
    typical_level = forms.ChoiceField(label=gettext_lazy("Typical class"), choices=RiskLevel.choices)
    cycle = forms.ChoiceField(label=gettext_lazy("Default check cycle"), choices=CheckCycle.choices)
    factors = _textarea(gettext_lazy("Hazardous factors"), gettext_lazy("At least three, one per line."))
    accident_types = forms.MultipleChoiceField(label=gettext_lazy("Accident types (GB 6441)"),
                                               choices=ACCIDENT_TYPES, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    measures_engineering = _textarea(dict(MEASURE_KINDS)["engineering"], ONE_PER_LINE, rows=3)
    measures_management = _textarea(dict(MEASURE_KINDS)["management"], ONE_PER_LINE, rows=3)
    measures_ppe = _textarea(dict(MEASURE_KINDS)["ppe"], ONE_PER_LINE, rows=3)
    measures_emergency = _textarea(dict(MEASURE_KINDS)["emergency"], ONE_PER_LINE, rows=3)
    check_items = _textarea(gettext_lazy("Check items"), gettext_lazy("At least three, one per line: what an "
                                                                      "employee checks when scanning the code."))
    order = forms.IntegerField(label=gettext_lazy("Order"), min_value=0, max_value=2147483647, required=False)

    def __init__(self, *args, category=None, **kwargs):
        if category is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_of(category)
        super().__init__(*args, **kwargs)
        if category is not None:
            self.fields["code"].disabled = True  # other records name a category by its code

    @staticmethod
    def initial_of(category):
        measures = category.measures if isinstance(category.measures, dict) else {}
        return {
            "name": category.name, "code": category.code, "domain": category.domain_id,
            "typical_level": category.typical_level, "cycle": category.cycle,
            "factors": "\n".join(category.factors), "accident_types": list(category.accident_types),
            **{f"measures_{kind}": "\n".join(measures.get(kind, [])) for kind, _label in MEASURE_KINDS},
            "check_items": "\n".join(category.check_items), "order": category.order,
        }

    def service_fields(self):
        """The cleaned form as the services' keyword arguments."""
        data = self.cleaned_data
        fields = {
            "name": data["name"], "domain": data["domain"], "typical_level": data["typical_level"],
            "cycle": data["cycle"], "factors": _lines(data["factors"]), "accident_types": data["accident_types"],
            "measures": {kind: _lines(data[f"measures_{kind}"]) for kind, _label in MEASURE_KINDS},
            "check_items": _lines(data["check_items"]),
        }
        if data.get("order") is not None:
            fields["order"] = data["order"]
        return fields

    def add_service_errors(self, exc):
        """A service's errors by field: the four kinds of measures share the model's ``measures``."""
        for field, messages in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


# -- grading -----------------------------------------------------------------------------------------
_LINE = re.compile(r"^\s*(\S+)\s+(.*?)\s*$")


def scale_text(rows):
    """One factor's scale for its textarea: ``value meaning`` a line, highest first."""
    return "\n".join(f"{plain(row.value)} {row.meaning}" for row in rows)


def parse_scale(text, factor):
    """``[(value, meaning)]`` from a factor's textarea; a line without both is an error naming it."""
    rows, messages = [], []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match or not match.group(2):
            messages.append(_("%(factor)s, line %(line)s: write the value, a space, then its meaning.") % {
                "factor": factor, "line": n})
            continue
        rows.append((match.group(1), match.group(2)))
    if messages:
        raise ValidationError(messages)
    return rows


class GradingMethodForm(BootstrapFormMixin, forms.Form):
    """A method's whole scale (a textarea per factor) and its four bands (lower bound, included)."""

    def __init__(self, *args, method, scale=None, bands=None, **kwargs):
        self.method = GradingMethod(method)
        initial = {}
        for factor in METHOD_FACTORS[self.method]:
            initial[f"scale_{factor}"] = scale_text((scale or {}).get(factor, []))
        for level in BAND_ORDER:
            band = (bands or {}).get(level)
            if band is not None:
                initial[f"band_{level}"] = plain(band.lower)
                initial[f"band_{level}_inclusive"] = band.inclusive
        kwargs.setdefault("initial", initial)
        kwargs.setdefault("prefix", self.method.value)
        super().__init__(*args, **kwargs)
        for factor in METHOD_FACTORS[self.method]:
            self.fields[f"scale_{factor}"] = forms.CharField(
                label=_("Factor %(factor)s") % {"factor": factor}, required=False,
                help_text=_("One value a line: the value, a space, then what it means."),
                widget=forms.Textarea(attrs={"rows": 7, "class": "form-control font-monospace"}))
        for level in BAND_ORDER:
            self.fields[f"band_{level}"] = forms.CharField(label=RiskLevel(level).label, max_length=20)
            self.fields[f"band_{level}_inclusive"] = forms.BooleanField(
                label=_("The lower bound belongs to the band"), required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def factor_fields(self):
        return [self[f"scale_{factor}"] for factor in METHOD_FACTORS[self.method]]

    def band_rows(self):
        return [(RiskLevel(level), self[f"band_{level}"], self[f"band_{level}_inclusive"]) for level in BAND_ORDER]

    def clean(self):
        data = super().clean()
        scale = {}
        for factor in METHOD_FACTORS[self.method]:
            try:
                scale[factor] = parse_scale(data.get(f"scale_{factor}"), factor)
            except ValidationError as exc:
                self.add_error(f"scale_{factor}", exc)
        data["scale"] = scale
        data["bands"] = {level.value: (data.get(f"band_{level}"), data.get(f"band_{level}_inclusive", False))
                         for level in BAND_ORDER}
        return data


class CalculatorForm(BootstrapFormMixin, forms.Form):
    """The calculator: a method and a value for each of its factors (picked from the scale). The
    fields take any text, so a value off the scale reaches ``risk_grade`` and its message."""

    def __init__(self, *args, method, scale, **kwargs):
        self.method = GradingMethod(method)
        kwargs.setdefault("prefix", f"calc-{self.method.value}")
        super().__init__(*args, **kwargs)
        for factor in METHOD_FACTORS[self.method]:
            choices = [("", "---------")] + [(plain(r.value), f"{plain(r.value)} · {r.meaning}")
                                             for r in scale.get(factor, [])]
            self.fields[factor] = forms.CharField(label=factor, max_length=20, widget=forms.Select(choices=choices))
