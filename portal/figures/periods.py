"""The one period type of the portal: a quarter, a half-year, a month, a year, a year to date
("1 January to 31 August" for seed 000's "100 % by end of August") or any span of days.

A period has a key (``str(period)``): ``2026Q3``, ``2026H1``, ``2026-08``, ``2026``,
``2026YTD08-31``, ``2026-01-01~2026-03-15``; ``Period.parse`` reads it back, so a page can carry a
period in its query string.
"""
import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

QUARTER, HALF, MONTH, YEAR, YTD, CUSTOM = "quarter", "half", "month", "year", "ytd", "custom"

_PATTERNS = [
    (re.compile(r"(\d{4})Q([1-4])"), lambda m: Period.quarter(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})H([12])"), lambda m: Period.half(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})-(\d{2})"), lambda m: Period.month(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})"), lambda m: Period.year(int(m[1]))),
    (re.compile(r"(\d{4})YTD(\d{2})-(\d{2})"),
     lambda m: Period.year_to_date(datetime.date(int(m[1]), int(m[2]), int(m[3])))),
    (re.compile(r"(\d{4}-\d{2}-\d{2})~(\d{4}-\d{2}-\d{2})"),
     lambda m: Period(datetime.date.fromisoformat(m[1]), datetime.date.fromisoformat(m[2]))),
]


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    """A reporting period: ``start`` to ``end``, both inclusive."""

    start: datetime.date
    end: datetime.date
    kind: str = CUSTOM

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period ends on or after its start")

    # -- the kinds ---------------------------------------------------------------------------------
    @classmethod
    def quarter(cls, year, quarter):
        if quarter not in (1, 2, 3, 4):
            raise ValueError("A quarter is 1 to 4")
        first = 3 * quarter - 2
        return cls(datetime.date(year, first, 1), _month_end(year, first + 2), QUARTER)

    @classmethod
    def half(cls, year, half):
        if half not in (1, 2):
            raise ValueError("A half-year is 1 or 2")
        first = 6 * half - 5
        return cls(datetime.date(year, first, 1), _month_end(year, first + 5), HALF)

    @classmethod
    def month(cls, year, month):
        if not 1 <= month <= 12:
            raise ValueError("A month is 1 to 12")
        return cls(datetime.date(year, month, 1), _month_end(year, month), MONTH)

    @classmethod
    def year(cls, year):
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), YEAR)

    @classmethod
    def year_to_date(cls, day):
        """1 January of ``day``'s year to ``day`` (seed 000: "100 % by end of August" is
        ``year_to_date(date(2022, 8, 31))``)."""
        return cls(datetime.date(day.year, 1, 1), day, YTD)

    @classmethod
    def containing(cls, day, kind=QUARTER):
        """The quarter (half-year, month, year) that contains ``day``; a year to date ends on it."""
        if kind == QUARTER:
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == HALF:
            return cls.half(day.year, 1 if day.month <= 6 else 2)
        if kind == MONTH:
            return cls.month(day.year, day.month)
        if kind == YEAR:
            return cls.year(day.year)
        if kind == YTD:
            return cls.year_to_date(day)
        raise ValueError(f"No period of kind {kind!r} contains a day")

    @classmethod
    def parse(cls, text, kind=None):
        """The period of a key (``str(period)``), or None when ``text`` is not one (or not one of
        ``kind`` when given: a quarterly page reads quarters only)."""
        text = (text or "").strip().upper()
        for pattern, make in _PATTERNS:
            match = pattern.fullmatch(text)
            if match:
                try:
                    period = make(match)
                except ValueError:
                    return None
                return period if kind is None or period.kind == kind else None
        return None

    @classmethod
    def recent(cls, day, n, kind=QUARTER):
        """The ``n`` periods of ``kind`` up to the one containing ``day``, newest first."""
        period = cls.containing(day, kind)
        out = []
        for _i in range(n):
            out.append(period)
            period = period.previous()
        return out

    def previous(self):
        """The period of the same kind just before this one (a year to date: the same span a year earlier)."""
        if self.kind == YTD:
            end = self.end.replace(year=self.end.year - 1) if (self.end.month, self.end.day) != (2, 29) \
                else datetime.date(self.end.year - 1, 2, 28)
            return Period.year_to_date(end)
        if self.kind in (QUARTER, HALF, MONTH, YEAR):
            return Period.containing(self.start - datetime.timedelta(days=1), self.kind)
        length = self.end - self.start
        end = self.start - datetime.timedelta(days=1)
        return Period(end - length, end)

    # -- what it shows -----------------------------------------------------------------------------
    @property
    def number(self):
        """The quarter's (half-year's, month's) number in its year."""
        if self.kind == QUARTER:
            return (self.start.month + 2) // 3
        if self.kind == HALF:
            return 1 if self.start.month == 1 else 2
        return self.start.month

    @property
    def label(self):
        year = self.start.year
        if self.kind == QUARTER:
            return _("%(year)d Q%(quarter)d") % {"year": year, "quarter": self.number}
        if self.kind == HALF:
            return (_("%(year)d first half") if self.number == 1 else _("%(year)d second half")) % {"year": year}
        if self.kind == MONTH:
            return _("%(year)d-%(month)02d") % {"year": year, "month": self.start.month}
        if self.kind == YEAR:
            return _("%(year)d") % {"year": year}
        if self.kind == YTD:
            return _("%(year)d to %(month)d/%(day)d") % {"year": year, "month": self.end.month, "day": self.end.day}
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def __str__(self):
        if self.kind == QUARTER:
            return f"{self.start.year}Q{self.number}"
        if self.kind == HALF:
            return f"{self.start.year}H{self.number}"
        if self.kind == MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == YEAR:
            return str(self.start.year)
        if self.kind == YTD:
            return f"{self.end.year}YTD{self.end.month:02d}-{self.end.day:02d}"
        return f"{self.start.isoformat()}~{self.end.isoformat()}"

    def __contains__(self, day):
        return self.start <= day <= self.end
