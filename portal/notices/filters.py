"""The notices list's filters (page and API): period and state."""
import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.figures.periods import Period

from .models import Notice


def recent_quarters():
    return [(str(p), p.label) for p in Period.recent(timezone.localdate(), 12)]


class NoticeFilter(django_filters.FilterSet):
    period = django_filters.ChoiceFilter(label=_("Quarter"), choices=recent_quarters)
    state = django_filters.ChoiceFilter(label=_("State"), choices=Notice.State.choices)

    class Meta:
        model = Notice
        fields = ["period", "state"]
