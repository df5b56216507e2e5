"""Forms of the plan and campaign pages. They only shape input: the rules (a due date within the
plan's period, a cross-inspector from another township, a campaign ending after it starts) live
in ``services`` and come back as the form's errors."""
import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.filters import EnterpriseFilter
from enterprises.models import Status
from enterprises.validators import normalize_text
from grid.models import Region
from portal.accounts import scope
from portal.ui import BootstrapFormMixin

from .models import Campaign, InspectionPlan, PlanItem


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def planning_regions(user, regions):
    """The units a user may plan for: their own district or township; a city's staff and the
    superuser pick one (``regions`` is the scoped region queryset)."""
    own = scope.bound_region(user)
    if not user.is_superuser and own is not None and own.level in (Region.Level.DISTRICT, Region.Level.TOWNSHIP):
        return None
    return regions.filter(level__in=(Region.Level.DISTRICT, Region.Level.TOWNSHIP)).order_by("path")


class _RegionPickMixin:
    def _region_field(self, regions):
        if regions is None:
            del self.fields["region"]
        else:
            self.fields["region"].queryset = regions


class PlanForm(_RegionPickMixin, BootstrapFormMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("Planning unit"), queryset=Region.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionPlan.Kind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    start = forms.DateField(label=_("Start"), required=False, widget=DateInput(),
                            help_text=_("Empty: 1 January of the year."))
    end = forms.DateField(label=_("End"), required=False, widget=DateInput(),
                          help_text=_("Empty: 31 December of the year."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._region_field(regions)
        self.fields["year"].initial = timezone.localdate().year


class CampaignForm(_RegionPickMixin, BootstrapFormMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("Organising unit"), queryset=Region.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Campaign.Kind.choices)
    start = forms.DateField(label=_("Start"), widget=DateInput())
    end = forms.DateField(label=_("End"), widget=DateInput())
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._region_field(regions)


def cross_inspectors(plan):
    """Township inspectors of the plan's district a cross-inspection may be assigned to (the
    service refuses one whose own township holds the enterprise)."""
    district = plan.region if plan.region.level == Region.Level.DISTRICT else plan.region.district
    users = scope.cross_inspectors(get_user_model().objects)
    if district is not None:
        users = users.filter(region__path__startswith=district.path)
    return users.select_related("region").order_by("region__path", "full_name", "username")


class _AssigneeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.region.name} · {obj.display_name}"


class _PlanItemsForm(BootstrapFormMixin, forms.Form):
    """The due date and, for a cross-inspection, the inspector assigned."""

    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    assignee = _AssigneeChoice(label=_("Assigned inspector"), queryset=get_user_model().objects.none(),
                               required=False,
                               help_text=_("Cross-inspection: a township inspector of another township."))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        if plan.kind == InspectionPlan.Kind.CROSS:
            self.fields["assignee"].queryset = cross_inspectors(plan)
        else:
            del self.fields["assignee"]
        if not self.is_bound:
            self.fields["due_date"].initial = plan.end


class ManualItemsForm(_PlanItemsForm):
    enterprises = forms.ModelMultipleChoiceField(
        label=_("Enterprises"), queryset=PlanItem.enterprise.field.related_model.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one enterprise.")})

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprises"].queryset = enterprises


class FilterItemsForm(_PlanItemsForm):
    pass


class SampleItemsForm(_PlanItemsForm):
    n = forms.IntegerField(label=_("Number to draw"), required=False, min_value=1)
    percent = forms.IntegerField(label=_("Or percentage to draw"), required=False, min_value=1, max_value=100,
                                 help_text=_("Rounded up: 20 percent of 17 enterprises draws 4."))


class PlanRosterFilter(EnterpriseFilter):
    """The roster filter of a plan's add-by-filter and sampling pages, with one more choice:
    deregistered enterprises are left out unless asked for, for the verification checks of seed
    000 item 2 (对已销号企业开展核查工作（全年）)."""

    INCLUDE = "include"
    deregistered = django_filters.ChoiceFilter(
        choices=[(INCLUDE, _("Included (verification checks)"))], empty_label=_("Left out"),
        method="filter_deregistered", label=_("Deregistered enterprises"))

    @property
    def include_deregistered(self):
        return self.is_valid() and self.form.cleaned_data.get("deregistered") == self.INCLUDE

    def filter_deregistered(self, queryset, name, value):
        return queryset  # applied in filter_queryset, where "left out" (no value) is seen too

    def filter_queryset(self, queryset):
        if not self.include_deregistered:
            queryset = queryset.exclude(status=Status.DEREGISTERED)
        return super().filter_queryset(queryset)


class PlanItemFilter(django_filters.FilterSet):
    """The items of one plan: by enterprise name, township at the time, state, how picked."""

    class State:
        DONE, NOT_DONE, OVERDUE = "done", "todo", "overdue"

    q = django_filters.CharFilter(method="filter_q", label=_("Enterprise name"))
    township = django_filters.ModelChoiceFilter(queryset=Region.objects.none(), label=_("Township"))
    state = django_filters.ChoiceFilter(
        method="filter_state", label=_("Status"),
        choices=[(State.DONE, _("Inspected")), (State.NOT_DONE, _("Not inspected yet")),
                 (State.OVERDUE, _("Past due"))])
    source = django_filters.ChoiceFilter(choices=PlanItem.Source.choices, label=_("Picked"))

    class Meta:
        model = PlanItem
        fields = ["q", "township", "state", "source"]

    def __init__(self, *args, townships=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        if townships is not None:
            self.filters["township"].queryset = townships

    def filter_q(self, queryset, name, value):
        value = normalize_text(value)
        return queryset.filter(enterprise__name__icontains=value) if value else queryset

    def filter_state(self, queryset, name, value):
        # ``queryset`` is annotated with ``done`` (services.done_items)
        if value == self.State.DONE:
            return queryset.filter(done=True)
        if value == self.State.NOT_DONE:
            return queryset.filter(done=False)
        if value == self.State.OVERDUE:
            return queryset.filter(done=False, due_date__lt=self.today)
        return queryset


class CampaignFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Name"))
    kind = django_filters.ChoiceFilter(choices=Campaign.Kind.choices, label=_("Kind"))
    year = django_filters.NumberFilter(method="filter_year", label=_("Year"))

    class Meta:
        model = Campaign
        fields = ["q", "kind", "year"]

    def filter_q(self, queryset, name, value):
        value = normalize_text(value)
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_year(self, queryset, name, value):
        # a campaign belongs to every year its period touches
        return queryset.filter(start__year__lte=value, end__year__gte=value) if value is not None else queryset


class TargetFilter(django_filters.FilterSet):
    """A campaign's targets on its page."""

    q = django_filters.CharFilter(method="filter_q", label=_("Enterprise name"))

    class Meta:
        model = PlanItem.enterprise.field.related_model
        fields = ["q"]

    def filter_q(self, queryset, name, value):
        value = normalize_text(value)
        return queryset.filter(Q(name__icontains=value)) if value else queryset
