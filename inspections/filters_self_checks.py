"""The self-check lists' filter set: the list page, its .xlsx export and the API filter the same way.
Querysets are scoped by the caller (``scope.visible``) first."""
import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .filters import _campaigns, _EnterpriseSearch
from .models import SelfCheckList, SelfCheckState


class SelfCheckFilter(_EnterpriseSearch):
    campaign = django_filters.ModelChoiceFilter(queryset=_campaigns, label=_("Campaign"))
    state = django_filters.ChoiceFilter(choices=SelfCheckState.choices, label=_("State"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Past the due date"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))

    class Meta:
        model = SelfCheckList
        fields = ["q", "township", "campaign", "state", "overdue", "enterprise"]

    def filter_overdue(self, queryset, name, value):
        late = {"state": SelfCheckState.SENT, "due_date__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)
