"""A township's quarterly roster-change report (RULES.md §1: townships report roster changes
quarterly; seed 000 item 1)."""
import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from portal.figures.periods import Period

from .models import Enterprise, EnterpriseChange, Status, enterprises_on


CATEGORIES = [
    ("registered", gettext_lazy("Newly registered")),
    ("transferred_in", gettext_lazy("Transferred in")),
    ("transferred_out", gettext_lazy("Transferred out")),
    ("suspended", gettext_lazy("Suspended")),
    ("resumed", gettext_lazy("Resumed production")),
    ("deregistered", gettext_lazy("Deregistered")),
    ("targeting", gettext_lazy("Dust workers or safety section changed")),
    # not a change of who is on the roster, but of who is in a key domain (seed 000 item 1)
    ("key_domains", gettext_lazy("Key domains changed")),
]


def _category(change, township_id):
    if change.kind == EnterpriseChange.Kind.REGISTERED:
        return "registered"
    if change.kind == EnterpriseChange.Kind.TARGETING:
        return "targeting"
    if change.kind == EnterpriseChange.Kind.KEY_DOMAINS:
        return "key_domains"
    if change.kind == EnterpriseChange.Kind.TRANSFER:
        return "transferred_in" if change.to_township_id == township_id else "transferred_out"
    if change.from_status == Status.DEREGISTERED and change.to_status != Status.DEREGISTERED:
        return "registered"  # back on the roster: counts like a new registration
    if change.to_status == Status.DEREGISTERED:
        return "deregistered"
    if change.to_status == Status.SUSPENDED:
        return "suspended"
    return "resumed"


def change_report(*, user, township, quarter):
    """The changes of ``township`` (which the caller has already checked the user may see) in
    ``quarter``: the enterprises on the roster and those producing at the start and the end (seed
    000 item 1 reports both), and every change by category. Three queries."""
    # An enterprise is in the township on some date only if a change ever brought it there
    # (registered or transferred in): counting among those avoids scanning the whole city.
    base = Enterprise.objects.filter(
        pk__in=EnterpriseChange.objects.filter(to_township=township).values("enterprise"))
    day_before = quarter.start - datetime.timedelta(days=1)
    # on the roster (producing or suspended) and producing, at each end: one query each
    producing = Count("pk", filter=Q(status_on_date=Status.PRODUCING))
    start = enterprises_on(base, township=township, date=day_before).aggregate(n=Count("pk"), producing=producing)
    end = enterprises_on(base, township=township, date=quarter.end).aggregate(n=Count("pk"), producing=producing)
    at_start, at_end = start["n"], end["n"]
    changes = list(
        EnterpriseChange.objects.filter(effective_date__range=(quarter.start, quarter.end))
        .filter(Q(to_township=township) | Q(from_township=township))
        .select_related("enterprise", "from_township", "to_township", "by", "enterprise__industry")
        .order_by("effective_date", "id")
    )
    rows = []
    counts = {key: 0 for key, _label in CATEGORIES}
    labels = dict(CATEGORIES)
    for change in changes:
        cat = _category(change, township.pk)
        counts[cat] += 1
        rows.append({"change": change, "category": cat, "category_label": labels[cat]})
    return {
        "township": township, "quarter": quarter, "at_start": at_start, "at_end": at_end,
        "producing_at_start": start["producing"], "producing_at_end": end["producing"],
        "counts": [(key, label, counts[key]) for key, label in CATEGORIES], "rows": rows,
    }
