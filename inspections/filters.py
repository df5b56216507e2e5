"""One filter set per list: the page, the API and the .xlsx export filter the same way. Querysets
are scoped by the caller (``scope.visible``) before they are filtered."""
import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.validators import normalize_text
from portal.accounts import scope

from .models import (Campaign, CheckingLevel, Hazard, HazardExtension, HazardSeverity, HazardSource, HazardStatus,
                     Inspection, InspectionKind, InspectionPlan, Penalty)


def _townships(request):
    if request is None:
        return Hazard.township.field.related_model.objects.none()
    return scope.townships(request.user)


def _campaigns(request):
    if request is None:
        return Campaign.objects.none()
    return scope.visible(request.user, Campaign.objects.all())


class _EnterpriseSearch(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Enterprise name"))
    township = django_filters.ModelChoiceFilter(queryset=_townships, method="filter_township", label=_("Township"))

    def filter_q(self, queryset, name, value):
        value = normalize_text(value)
        return queryset.filter(enterprise__name__icontains=value) if value else queryset

    def filter_township(self, queryset, name, value):
        # the township at the time (a transfer does not move old records)
        return queryset.filter(township=value)


class HazardFilter(_EnterpriseSearch):
    status = django_filters.ChoiceFilter(choices=HazardStatus.choices, label=_("Status"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Open"))
    severity = django_filters.ChoiceFilter(choices=HazardSeverity.choices, label=_("Severity"))
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=_("Source"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    due_within = django_filters.NumberFilter(method="filter_due_within", min_value=0, max_value=366,
                                             label=_("Due within (days)"))
    extension_pending = django_filters.BooleanFilter(method="filter_extension_pending",
                                                     label=_("Extension request pending"))
    district_supervised = django_filters.BooleanFilter(label=_("Supervised by the district"))
    found_after = django_filters.DateFilter(field_name="found_on", lookup_expr="gte", label=_("Found from"))
    found_before = django_filters.DateFilter(field_name="found_on", lookup_expr="lte", label=_("Found until"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    inspection = django_filters.NumberFilter(field_name="inspection_id", label=_("Inspection"))
    item_code = django_filters.CharFilter(field_name="item_code", label=_("Check item code"))

    class Meta:
        model = Hazard
        fields = ["q", "township", "status", "open", "severity", "source", "overdue", "due_within", "extension_pending",
                  "district_supervised", "found_after", "found_before", "enterprise", "inspection", "item_code"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(status=HazardStatus.CLOSED) if value else queryset.filter(status=HazardStatus.CLOSED)

    def filter_due_within(self, queryset, name, value):
        """Open hazards whose deadline is today or within ``value`` days (not yet passed)."""
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.exclude(status=HazardStatus.CLOSED).filter(
            deadline__gte=today, deadline__lte=today + datetime.timedelta(days=int(value)))

    def filter_extension_pending(self, queryset, name, value):
        if value is None:
            return queryset
        pending = Q(pk__in=HazardExtension.objects.filter(status=HazardExtension.Status.PENDING).values("hazard_id"))
        return queryset.filter(pending) if value else queryset.exclude(pending)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = ~Q(status=HazardStatus.CLOSED) & Q(deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class InspectionFilter(_EnterpriseSearch):
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("Kind"))
    checking_level = django_filters.ChoiceFilter(choices=CheckingLevel.choices, label=_("Checking level"))
    after = django_filters.DateFilter(field_name="inspected_on", lookup_expr="gte", label=_("From"))
    before = django_filters.DateFilter(field_name="inspected_on", lookup_expr="lte", label=_("Until"))
    campaign = django_filters.ModelChoiceFilter(queryset=_campaigns, label=_("Campaign"))
    plan = django_filters.NumberFilter(field_name="plan_item__plan_id", label=_("Enforcement plan"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    with_hazards = django_filters.BooleanFilter(method="filter_with_hazards", label=_("Found hazards"))

    class Meta:
        model = Inspection
        fields = ["q", "township", "kind", "after", "before", "campaign", "plan", "enterprise", "with_hazards"]

    def filter_with_hazards(self, queryset, name, value):
        if value is None:
            return queryset
        has = Q(pk__in=Hazard.objects.filter(inspection__isnull=False).values("inspection_id"))
        return queryset.filter(has) if value else queryset.exclude(has)


class PenaltyFilter(_EnterpriseSearch):
    status = django_filters.ChoiceFilter(choices=Penalty.Status.choices, label=_("Status"))
    after = django_filters.DateFilter(field_name="decided_on", lookup_expr="gte", label=_("From"))
    before = django_filters.DateFilter(field_name="decided_on", lookup_expr="lte", label=_("Until"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))

    class Meta:
        model = Penalty
        fields = ["q", "township", "status", "after", "before", "enterprise"]


class PlanFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    kind = django_filters.ChoiceFilter(choices=InspectionPlan.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=InspectionPlan.Status.choices, label=_("Status"))

    class Meta:
        model = InspectionPlan
        fields = ["year", "kind", "status"]
