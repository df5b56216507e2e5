"""A township's quarterly roster-change report (RULES.md §1: townships report roster changes
quarterly; seed 000 item 1)."""
from dataclasses import dataclass
import datetime
import re

from django.db.models import Q
from django.utils.translation import gettext as _, gettext_lazy

from .models import Enterprise, EnterpriseChange, Status, enterprises_on


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def containing(cls, date):
        return cls(date.year, (date.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text):
        match = re.fullmatch(r"(\d{4})Q([1-4])", (text or "").strip().upper())
        return cls(int(match[1]), int(match[2])) if match else None

    @classmethod
    def recent(cls, date, n):
        q = cls.containing(date)
        out = []
        for _i in range(n):
            out.append(q)
            q = q.previous()
        return out

    def previous(self):
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)

    @property
    def start(self):
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self):
        nxt = datetime.date(self.year + (self.number == 4), 1 if self.number == 4 else 3 * self.number + 1, 1)
        return nxt - datetime.timedelta(days=1)

    @property
    def label(self):
        return _("%(year)d Q%(n)d") % {"year": self.year, "n": self.number}

    def __str__(self):
        return f"{self.year}Q{self.number}"


CATEGORIES = [
    ("registered", gettext_lazy("Newly registered")),
    ("transferred_in", gettext_lazy("Transferred in")),
    ("transferred_out", gettext_lazy("Transferred out")),
    ("suspended", gettext_lazy("Suspended")),
    ("resumed", gettext_lazy("Resumed production")),
    ("deregistered", gettext_lazy("Deregistered")),
    ("targeting", gettext_lazy("Dust workers or safety section changed")),
]


def _category(change, township_id):
    if change.kind == EnterpriseChange.Kind.REGISTERED:
        return "registered"
    if change.kind == EnterpriseChange.Kind.TARGETING:
        return "targeting"
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
    ``quarter``: counts at the start and the end, and every change by category. Three queries."""
    # An enterprise is in the township on some date only if a change ever brought it there
    # (registered or transferred in): counting among those avoids scanning the whole city.
    base = Enterprise.objects.filter(
        pk__in=EnterpriseChange.objects.filter(to_township=township).values("enterprise"))
    day_before = quarter.start - datetime.timedelta(days=1)
    at_start = enterprises_on(base, township=township, date=day_before).count()
    at_end = enterprises_on(base, township=township, date=quarter.end).count()
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
        "counts": [(key, label, counts[key]) for key, label in CATEGORIES], "rows": rows,
    }
