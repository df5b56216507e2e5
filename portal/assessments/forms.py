"""The problem rule's form. It only shapes input; the rules of a rule (a registered figure, an
existing threshold, n or threshold as the comparison needs, known placeholders) live in the model's
``clean`` and come back from ``services.problem_rule_create/update`` as the form's errors."""
from django import forms
from django.utils.translation import gettext_lazy as _

from grid.models import Region
from portal.accounts import scope
from portal.rules.services import threshold_names
from portal.ui import BootstrapFormMixin

from .models import ProblemRule

RULE_LEVELS = (Region.Level.CITY, Region.Level.DISTRICT)


class ProblemRuleForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100,
                            help_text=_("A short name, e.g. 企业平均辨识风险数最低."))
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), help_text=_(
        "The rule applies to the notices of this region and of the regions below it."))
    figure = forms.CharField(label=_("Figure"), max_length=96, widget=forms.TextInput(attrs={"list": "figure-names"}),
                             help_text=_("A registered figure, e.g. risk.overdue_rate; a figure with a parameter "
                                         "after a colon, e.g. inspections.coverage:dust_30."))
    comparison = forms.ChoiceField(label=_("Comparison"), choices=ProblemRule.Comparison.choices)
    n = forms.IntegerField(label=_("Units named"), required=False, help_text=_(
        "For the lowest or highest: how many units are named; units tied with the last one are named too."))
    threshold = forms.ChoiceField(label=_("Threshold"), required=False, help_text=_(
        "For above or below: each unit is compared with its own value in force on the period's last day."))
    sentence = forms.CharField(label=_("Sentence"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_(
        "What the notice says. Placeholders: {units} the units named (joined with 、), {values} their values "
        "with the figure's unit, {each} each unit with its value, {threshold} the threshold, {figure} the "
        "figure's name, {count} how many units."))
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=2147483647, required=False,
                               help_text=_("The notice lists the problems in this order."))
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, user, rule=None, **kwargs):
        if rule is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(rule, name) for name in (
                "title", "figure", "comparison", "n", "threshold", "sentence", "order", "active")}
            kwargs["initial"]["region"] = rule.region_id
        super().__init__(*args, **kwargs)
        regions = scope.regions(user).filter(level__in=RULE_LEVELS).order_by("path")
        self.fields["region"].queryset = regions
        if user.is_superuser:
            self.fields["region"].required = False
            self.fields["region"].empty_label = _("Every region (deployment-wide)")
        self.fields["threshold"].choices = [("", "---------")] + [
            (name, f"{row['label']}（{name}，{row['unit']}）") for name, row in threshold_names().items()]

    def service_fields(self):
        """The cleaned form as the services' keyword arguments."""
        data = dict(self.cleaned_data)
        if data.get("order") is None:
            data["order"] = 0
        return data
