"""Overdue, defined once (issue 9 item 6; RULES.md §6): due and done check cycles of risk points.

A point's **due cycles** in a period are the calendar cycles of its kind (``risk_reports.cycles``)
that lie wholly inside the period and inside the point's life, on days its enterprise was
producing, and that have already ended (before ``timezone.now()``). A due cycle is **done** when it
had at least one scan — a ``ScanCycle`` row, written once by the first scan. Overdue = due − done;
the overdue rate of a unit is its overdue cycles ÷ its due cycles, summed over its points (never a
mean of the enterprises' rates).

Conventions, decided here once:

- A point's life is ``created_on`` up to, not including, ``retired_on``: a point retired on the
  10th owes nothing for the 10th.
- The enterprise is producing on a day when its latest roster state change (registered, status,
  transfer) effective by that day says ``producing``; before its registration it is not on the
  roster. A cycle touching a suspended day is not due (and a scan in it does not count).
- A shift belongs to the day it starts on (as ``cycle_of`` names it): it is inside the period and
  the life when that day is, so the night shift of a quarter's last day is due in that quarter
  once it has ended. Weeks, months and quarters must lie wholly inside (an ISO week crossing the
  quarter's boundary is due in neither quarter).
- The point's *current* check cycle and its enterprise's current shift schedule apply to the whole
  period; done cycles of another kind (the cycle changed), or of a shift the enterprise no longer
  works, do not count.
- A city has thousands of enterprises producing on no day of a period: their ids go to SQL as
  one array parameter (``AmongIds``), which Django does not prepare one by one and PostgreSQL
  hashes.
- A point is counted under its enterprise's *current* township (and village below a township), its
  done cycles too, so both sides of the rate always meet; a transferred enterprise takes its
  record with it. (Scans themselves, for the other figures, stay under the township at the time.)

Cost (the seeds' scale: 480 000 points, 6 000 000 scans a quarter): a fixed number of queries
whatever the number of townships — the status history of the few enterprises not producing
throughout, the points grouped by clipped life, the done cycles counted — with the due cycles of
each group counted arithmetically in Python. A city's townships (``_rates_by_township``) read only
roll-ups for that: the points' lives (``PointLife``, kept by triggers) grouped by (township, cycle,
clipped life), and the done cycles of a period's whole months by month (``DoneCycleMonth``), grouped
by township; ``ScanCycle`` is read only for the days outside whole months, the cycles ending in the
month of now, the enterprises not producing throughout (held to their one producing span in SQL,
or one by one when they had several) and the shifts of the last two days, in the same statement
(UNION ALL). For the seed-scale city's quarter the done cycles' statement went from 7 s (six
million rows joined to the points) to 0.1 s, the whole rate from 12 s to 0.24 s
(``bench/risk_figures.py``). ``tally`` — one enterprise, a township's villages, the to-do lists —
reads the points themselves; a test holds the two ways to one answer.
"""
import datetime
import json
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import (BooleanField, Case, CharField, Count, DateField, Exists, F, Func, IntegerField, OuterRef,
                              Q, Sum, Value, When)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from enterprises.models import STATE_KINDS, Enterprise, EnterpriseChange, Status
from grid.models import Region
from portal.figures import registry
from portal.figures.queries import child_path
from portal.figures.registry import Rate
from portal.rules.services import threshold

from .cycles import cycle_bounds, cycle_of, next_start, shift_times, tz
from . import rollups
from .models import CheckCycle, DoneCycleMonth, PointLife, RiskPoint, ScanCycle

ONE_DAY = datetime.timedelta(days=1)


@dataclass
class Tally:
    """One enterprise's due and done cycles in a period, and the child region it counts under."""

    child: object = None
    due: int = 0
    done: int = 0

    @property
    def overdue(self):
        return self.due - self.done

    @property
    def rate(self):
        return Rate(self.overdue, self.due)


def _now():
    return timezone.now()


# -- the roster's history ------------------------------------------------------------------------------------------
def producing_spans(changes, start, stop):
    """The spans ``[a, b)`` of ``[start, stop)`` on which an enterprise was producing, from its state
    changes ``[(effective_date, status), ...]`` in order (the latest by a day decides that day)."""
    spans, state, since = [], None, start
    for day, status in changes:
        if day <= start:
            state = status
            continue
        if day >= stop:
            break
        if state == Status.PRODUCING and day > since:
            spans.append((since, day))
        state, since = status, max(day, start)
    if state == Status.PRODUCING and stop > since:
        spans.append((since, stop))
    # consecutive changes that both say producing (a transfer) leave adjacent spans: join them
    joined = []
    for a, b in spans:
        if joined and joined[-1][1] == a:
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    return joined


def _history(enterprises, period):
    """``{enterprise_id: spans}`` for the enterprises of ``enterprises`` *not* producing on every day
    of ``period``; the others are producing throughout. One query: only enterprises not producing
    today or with a state change after the period's start can have been anything else."""
    start, stop = period.start, period.end + ONE_DAY
    moved = EnterpriseChange.objects.filter(enterprise=OuterRef("pk"), kind__in=STATE_KINDS, effective_date__gt=start)
    candidates = enterprises.filter(~Q(status=Status.PRODUCING) | Exists(moved)).values("pk")
    # every state change of the candidates, later ones included: one registered after the period
    # has a history that starts too late, so it was never producing in it
    rows = (EnterpriseChange.objects.filter(enterprise__in=candidates, kind__in=STATE_KINDS)
            .order_by("enterprise_id", "effective_date", "id").values_list("enterprise_id", "effective_date",
                                                                            "to_status"))
    changes = {}
    for enterprise_id, day, status in rows:
        changes.setdefault(enterprise_id, []).append((day, status))
    out = {}
    for enterprise_id, history in changes.items():
        spans = producing_spans(history, start, stop)
        if spans != [(start, stop)]:
            out[enterprise_id] = spans
    return out


# -- counting due cycles ---------------------------------------------------------------------------------------------
def _first_start(kind, day):
    """The start of the first cycle of ``kind`` beginning on or after ``day`` (not for shifts)."""
    start, _shift = cycle_of(kind, datetime.datetime.combine(day, datetime.time(12), tz()))
    return start if start == day else next_start(kind, start)


@lru_cache(maxsize=4096)
def count_due(kind, a, b, now, starts=()):
    """Cycles of ``kind`` wholly inside the days ``[a, b)`` that ended by ``now``; a shift is inside
    when the day it starts on is. Arithmetic for days, weeks and shifts: a quarter of points costs
    a handful of calls, each cached."""
    today = now.astimezone(tz()).date()
    if kind == CheckCycle.SHIFT:
        times = shift_times(starts)
        # every shift of a day before yesterday has ended (the last one by the next morning)
        whole = max(0, (min(b, today - ONE_DAY) - a).days)
        n = whole * len(times)
        for day in (today - ONE_DAY, today):
            if a <= day < b:
                n += sum(1 for i in range(len(times)) if cycle_bounds(kind, day, i, starts)[1] <= now)
        return n
    end = min(b, today)  # a day cycle ends at midnight: ended by now when it ends by today
    if kind == CheckCycle.DAY:
        return max(0, (end - a).days)
    if kind == CheckCycle.WEEK:
        first = a + datetime.timedelta(days=-a.weekday() % 7)
        return max(0, ((end - first).days - 7) // 7 + 1) if (end - first).days >= 7 else 0
    n, start = 0, _first_start(kind, a)
    while next_start(kind, start) <= end:
        n, start = n + 1, next_start(kind, start)
    return n


def _clip(spans, lo, hi):
    for a, b in spans:
        a, b = max(a, lo), min(b, hi)
        if a < b:
            yield a, b


# -- the queries ----------------------------------------------------------------------------------------------------
def _ending(floor, limits, limit):
    """The done cycles ending after ``floor`` and by their kind's limit, as ranges of their starts
    (so that the (township, cycle_start) index finds them): those of a whole month the roll-up
    leaves to ``ScanCycle``. None for a period ended before the month of now."""
    where = None
    for kind in CheckCycle.values:
        top = limits.get(kind, limit)
        if kind in (CheckCycle.SHIFT, CheckCycle.DAY):
            lo, hi = floor, top - ONE_DAY                       # start + 1 in (floor, top]
        elif kind == CheckCycle.WEEK:
            lo, hi = floor - datetime.timedelta(days=6), top - datetime.timedelta(days=7)
        else:
            lo = _first_start(kind, floor - datetime.timedelta(days=92))
            starts = []
            while True:
                stop = next_start(kind, lo)
                if stop > top:
                    break
                if stop > floor:
                    starts.append(lo)
                lo = stop
            if starts:
                where = _or(where, Q(cycle=kind, cycle_start__gte=starts[0], cycle_start__lte=starts[-1]))
            continue
        if lo <= hi:
            where = _or(where, Q(cycle=kind, cycle_start__gte=lo, cycle_start__lte=hi))
    return where


def _or(a, b):
    return b if a is None else a | b


def tally(period, *, region=None, enterprise=None):
    """``{enterprise_id: Tally}`` for the points of the enterprises under ``region`` (by their
    current township), or of one ``enterprise``: due and done cycles in ``period`` as of now, each
    enterprise under its child region of ``region`` (None for one enterprise). Enterprises without a
    point alive in the period are absent. Three queries: what the to-do lists, the rating and a
    township's villages read; a city's townships are ``_rates_by_township``'s."""
    now = _now()
    start, stop = period.start, period.end + ONE_DAY
    if enterprise is not None:
        enterprises = Enterprise.objects.filter(pk=enterprise.pk)
        where = Q(enterprise=enterprise)
        child = Value(None, output_field=CharField())
    else:
        enterprises = Enterprise.objects.filter(township__path__startswith=region.path)
        where = Q(enterprise__township__path__startswith=region.path)
        child = child_path(region, township="enterprise__township", village="enterprise__village")

    spans_of = _history(enterprises, period)                                    # query 1
    never = {e for e, spans in spans_of.items() if not spans}

    # query 2: the points alive at some time in the period, grouped by their clipped life
    points = (RiskPoint.objects.filter(where, created_on__lte=period.end)
              .filter(Q(retired_on__isnull=True) | Q(retired_on__gt=start))
              .exclude(enterprise_id__in=never)
              .annotate(child=child, lo=Greatest("created_on", Value(start)),
                        hi=Least(Coalesce("retired_on", Value(stop)), Value(stop)),
                        starts=Case(When(cycle=CheckCycle.SHIFT, then=F("enterprise__shift_schedule__starts"))))
              .values_list("child", "enterprise_id", "cycle", "lo", "hi", "starts").annotate(n=Count("pk"))
              .order_by())
    out, schedules = {}, {}
    for child, enterprise_id, kind, lo, hi, starts, n in points:
        entry = out.get(enterprise_id)
        if entry is None:
            entry = out[enterprise_id] = Tally(child)
        entry.due += _due(kind, lo, hi, starts, spans_of.get(enterprise_id), now, schedules, enterprise_id) * n

    # query 3: the done cycles that are due, counted per enterprise
    if enterprise is not None:
        mine = rolled = Q(enterprise=enterprise)
    else:
        rolled = Q(enterprise_id__in=enterprises.values("pk"))
        mine = _read_under(region, period) & rolled
    for enterprise_id, n in _done(period, now, F("enterprise_id"), mine, rolled, spans_of, schedules):
        entry = out.get(enterprise_id)
        if entry is not None:
            entry.done += n
    for entry in out.values():
        entry.done = min(entry.done, entry.due)  # a guard: the definitions keep done within due
    return out


def _due(kind, lo, hi, starts, spans, now, schedules, enterprise_id):
    """The due cycles of one point of ``kind`` alive ``[lo, hi)`` in the period: on the producing
    ``spans`` of its enterprise, or on every day (None). Notes a shift point's schedule."""
    starts = tuple(starts) if starts else ()
    if kind == CheckCycle.SHIFT:
        schedules[enterprise_id] = starts
    if spans is None:
        return count_due(kind, lo, hi, now, starts)
    return sum(count_due(kind, a, b, now, starts) for a, b in _clip(spans, lo, hi))


def _read_under(region, period, townships=None):
    """Where the done cycles of ``region``'s enterprises are read. A done cycle carries the township
    at the time; the region's own townships find nearly all of its enterprises' done cycles through
    the (township, cycle_start) index, so a district reads its share of the quarter, not the city's.
    Only an enterprise transferred since the period began (effective or recorded) may have done
    cycles under another township: those by id. ``townships``: the ids of the region's townships,
    when the caller has them."""
    if townships is None:
        townships = Region.objects.filter(path__startswith=region.path, level=Region.Level.TOWNSHIP).values("pk")
    else:
        townships = list(townships)  # the ids
    moved = EnterpriseChange.objects.filter(kind=EnterpriseChange.Kind.TRANSFER,
                                            enterprise__township__path__startswith=region.path).filter(
        Q(effective_date__gt=period.start) | Q(at__gte=datetime.datetime.combine(period.start, datetime.time(), tz())))
    return Q(township__in=townships) | Q(enterprise_id__in=moved.values("enterprise_id"))


def _done(period, now, key, mine, rolled, spans_of, schedules):
    """``(key, n)``: the done cycles of ``period`` that are due (period, life, ended, current kind and
    shifts), grouped by ``key`` (an expression over the enterprise), in one statement of UNION ALL-ed
    parts:

    - the whole months of the period from the roll-up (``risk_reports.rollups``), those of their done
      cycles that ended by the start of the month of the period's end or of yesterday;
    - from ``ScanCycle`` (``mine`` the rows to read), the others: outside a whole month, or ending
      after that month's start;
    - those of the enterprises not producing throughout (``spans_of``; left out of the other two):
      inside their one producing span (``SpanEdge``), or one by one when they had several;
    - one by one, the shifts of the last two days, whose end their enterprise's ``schedules``
      decide.

    ``rolled`` selects the roll-up's rows of the same enterprises."""
    today = now.astimezone(tz()).date()
    start, stop = period.start, period.end + ONE_DAY
    never = {e for e, spans in spans_of.items() if not spans}
    partial = set(spans_of) - never  # the others are left out altogether
    # most of them produced on one span of the period (stopped or started in it): theirs are counted
    # in SQL against it; those of the others one by one
    single = {e: spans[0] for e, spans in spans_of.items() if len(spans) == 1}
    several = partial - set(single)
    limits = {CheckCycle.SHIFT: min(stop, today + ONE_DAY)}
    limit = min(stop, today)
    ended = (Q(cycle=CheckCycle.SHIFT, cycle_stop__lte=limits[CheckCycle.SHIFT])
             | (~Q(cycle=CheckCycle.SHIFT) & Q(cycle_stop__lte=limit)))
    recent = Q(cycle=CheckCycle.SHIFT, cycle_start__gte=today - ONE_DAY)
    in_period = rollups.with_stop(ScanCycle.objects.filter(cycle_start__gte=start, cycle_start__lt=stop))
    valid = in_period.filter(mine).filter(rollups.COUNTS).order_by()
    months = DoneCycleMonth.objects.all()
    if never:
        valid = valid.filter(not_among("enterprise_id", never))
    if never or partial:
        months = months.filter(not_among("enterprise_id", never | partial))
    grouped = dict(one_enterprise=Value(None, output_field=IntegerField()),
                   one_cycle=Value(None, output_field=CharField()), one_start=Value(None, output_field=DateField()),
                   one_shift=Value(None, output_field=IntegerField()))
    one_by_one = dict(one_enterprise=F("enterprise_id"), one_cycle=F("cycle"), one_start=F("cycle_start"),
                      one_shift=F("shift"), n=Count("pk"))
    parts = []
    if today - ONE_DAY < stop:  # a shift of the last two days may lie in the period
        mixed = valid.filter(recent, ended)
        if several:
            mixed = mixed.filter(not_among("enterprise_id", several))
        parts.append(mixed.values(key=key).annotate(**one_by_one))
    # read by their ids (all under the region), the points' side too: the join then reads these
    # enterprises' points through their index instead of hashing every point
    if several:
        parts.append(in_period.filter(ended, AmongIds("enterprise_id", several),
                                      AmongIds("point__enterprise_id", several))
                     .filter(rollups.COUNTS).values(key=key).annotate(**one_by_one))
    if single:
        inside = Q(cycle_start__gte=SpanEdge(single, 0), cycle_stop__lte=SpanEdge(single, 1))
        parts.append(in_period.filter(ended, AmongIds("enterprise_id", single), AmongIds("point__enterprise_id", single))
                     .filter(rollups.COUNTS, inside).exclude(recent).values(key=key)
                     .annotate(**grouped, n=Count("pk")))
    first, last = rollups.whole_months(start, stop)
    if first < last:
        # a done cycle of a whole month whose last month is before ``floor`` has ended by ``limit``
        # (and a shift of the last two days never is: it is looked at one by one)
        floor = min(limit, today - ONE_DAY).replace(day=1)
        parts.append(months.filter(rolled, month__gte=first, month__lt=last, last_month__lt=floor)
                     .order_by().values(key=key)
                     .annotate(**grouped, n=Sum("n")))
        edges = _ending(floor, limits, limit)
        if (first, last) != (start, stop):
            edges = _or(edges, ~Q(cycle_start__gte=first, cycle_start__lt=last))
    else:
        edges = Q()
    if edges is not None:
        rest = valid.filter(edges, ended).exclude(recent)
        if partial:
            rest = rest.filter(not_among("enterprise_id", partial))
        parts.append(rest.values(key=key).annotate(**grouped, n=Count("pk")))
    if not parts:
        return
    for row in parts[0].union(*parts[1:], all=True):
        if row["one_start"] is None or _counts(row, spans_of, schedules, now):
            yield row["key"], row["n"]


class SpanEdge(Func):
    """The first day (0) or the day after the last (1) of the one producing span of the row's
    enterprise, looked up in ``spans`` (``{enterprise_id: (a, b)}``) passed as one JSON parameter:
    hundreds of enterprises' spans in one statement without a condition per enterprise."""

    output_field = DateField()

    def __init__(self, spans, index):
        super().__init__(F("enterprise_id"))
        self.spans = json.dumps({str(e): [a.isoformat(), b.isoformat()] for e, (a, b) in spans.items()})
        self.index = index

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"((%s::jsonb -> ({sql})::text) ->> {self.index})::date", [self.spans, *params]

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"json_extract(%s, '$.\"' || ({sql}) || '\"[{self.index}]')", [self.spans, *params]


class AmongIds(Func):
    """Whether the row's ``field`` is one of ``ids``, the ids passed as one parameter: an array on
    PostgreSQL (which hashes it), a JSON list on SQLite. Django's ``__in`` prepares and binds each
    of thousands of ids on its own."""

    output_field = BooleanField()

    def __init__(self, field, ids, *, among=True):
        super().__init__(F(field))
        self.ids, self.among = sorted(ids), among

    def as_sql(self, compiler, connection, **extra):
        # "<> ALL", not "NOT (= ANY)": only the first form is hashed for a long array
        sql, params = compiler.compile(self.source_expressions[0])
        # cast to the ids' own type: comparing bigint with an integer array is not hashed
        return f"{sql} {'= ANY' if self.among else '<> ALL'}(%s::bigint[])", [*params, self.ids]

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} {'' if self.among else 'NOT '}IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.ids)]


def not_among(field, ids):
    """``AmongIds`` negated (use it in ``filter``, not ``exclude``)."""
    return AmongIds(field, ids, among=False)


def _counts(row, spans_of, schedules, now):
    """Whether a done cycle looked at one by one is due: inside a producing span of its enterprise,
    a shift that exists in its schedule and has ended."""
    kind, day, shift = row["one_cycle"], row["one_start"], row["one_shift"]
    last = day if kind == CheckCycle.SHIFT else next_start(kind, day) - ONE_DAY
    spans = spans_of.get(row["one_enterprise"])
    if spans is not None and not any(a <= day and last < b for a, b in spans):
        return False
    if kind == CheckCycle.SHIFT:
        starts = schedules.get(row["one_enterprise"], ())
        if shift >= len(shift_times(starts)):
            return False
        return cycle_bounds(kind, day, shift, starts)[1] <= now
    return True


@registry.shared(widen=True)
def _rates_by_township(region, period):
    """``{township path: Rate(overdue, due)}`` of the townships under ``region`` (above a township)
    with a due cycle: ``tally``'s counts summed per township without reading a point or a done
    cycle of a whole month one by one. Four queries:

    1. the townships under ``region``: the rows below are grouped by their ids (integers sort and
       hash faster than paths, and no row is joined to the regions);
    2. the history of the enterprises not producing throughout (``_history``);
    3. the points' lives (``PointLife``, kept by triggers) alive in the period, grouped by (township,
       cycle, clipped life) — per enterprise only for the enterprises not producing throughout and
       for shift points, whose enterprise's schedule decides their cycles;
    4. the done cycles (``_done``) grouped by township.

    Widened in a ``registry.batch(over=city)``: one pass for the city serves each district. For the
    seed-scale city's quarter it reads some 150 000 point lives and 270 000 done-cycle months instead
    of 480 000 points and the same months per enterprise (``bench/risk_figures.py``)."""
    now = _now()
    start, stop = period.start, period.end + ONE_DAY
    townships = dict(Region.objects.filter(path__startswith=region.path, level=Region.Level.TOWNSHIP)  # query 1
                     .values_list("pk", "path"))
    here = Q(enterprise__township_id__in=list(townships))
    spans_of = _history(Enterprise.objects.filter(township_id__in=list(townships)), period)           # query 2
    never = {e for e, spans in spans_of.items() if not spans}
    partial = set(spans_of) - never
    own = AmongIds("enterprise_id", partial) | Q(cycle=CheckCycle.SHIFT) if partial else Q(cycle=CheckCycle.SHIFT)
    lives = PointLife.objects.filter(here, created_on__lte=period.end, retired_on__gt=start)               # query 3
    if never:
        lives = lives.filter(not_among("enterprise_id", never))
    lives = (lives
             .annotate(township=F("enterprise__township_id"),
                       one=Case(When(own, then=F("enterprise_id")), default=None, output_field=IntegerField()),
                       lo=Greatest("created_on", Value(start)), hi=Least("retired_on", Value(stop)),
                       starts=Case(When(cycle=CheckCycle.SHIFT, then=F("enterprise__shift_schedule__starts"))))
             .values_list("township", "one", "cycle", "lo", "hi", "starts").annotate(n=Sum("n")).order_by())
    due, schedules = {}, {}
    for township, enterprise_id, kind, lo, hi, starts, n in lives:
        due[township] = due.get(township, 0) + _due(kind, lo, hi, starts, spans_of.get(enterprise_id), now,
                                                    schedules, enterprise_id) * n
    done = {}
    for township, n in _done(period, now, F("enterprise__township_id"), _read_under(region, period, townships)  # query 4
                             & here, here, spans_of, schedules):
        done[township] = done.get(township, 0) + n
    return {townships[t]: Rate(n - done.get(t, 0), n) for t, n in due.items() if n}


def overdue_rates(region, period):
    """``{child: Rate(overdue, due)}`` of ``region``'s children: the unit's overdue cycles over its
    due cycles, summed over its points. Children without a due cycle are absent. Three queries for a
    township's villages, four above (``_rates_by_township``)."""
    out = {}
    if region.level == Region.Level.TOWNSHIP:
        rates = ((entry.child, entry.rate) for entry in tally(period, region=region).values() if entry.due)
    else:
        length = region.child_path_length()
        rates = ((path[:length], rate) for path, rate in _rates_by_township(region, period).items()
                 if path.startswith(region.path))
    for child, rate in rates:
        out[child] = out[child] + rate if child in out else rate
    return out


def enterprise_rate(enterprise, period):
    """The enterprise's ``Rate(overdue, due)`` in ``period`` (None: nothing was due). Three queries."""
    entry = tally(period, enterprise=enterprise).get(enterprise.pk)
    return entry.rate if entry and entry.due else None


ENTERPRISE_MAX = "risk.enterprise_overdue_rate_max"


def rating_eligible(enterprise, period):
    """Whether the enterprise keeps its eligibility for standardization rating (seed 001 (三): 对风险
    逾期率较高的企业一律取消参评资格; RULES.md §8): its overdue rate in ``period`` is not over
    ``risk.enterprise_overdue_rate_max`` for its township on the period's end. ``(eligible, rate,
    limit)``; an enterprise with nothing due is eligible. Four queries."""
    limit = threshold(ENTERPRISE_MAX, region=enterprise.township, on=period.end)
    rate = enterprise_rate(enterprise, period)
    return (rate is None or rate.value <= limit), rate, limit


def enterprise_rates(region, period):
    """``{enterprise_id: Rate}`` for the enterprises under ``region`` with a due cycle. Three queries."""
    return {pk: entry.rate for pk, entry in tally(period, region=region).items() if entry.due}


# -- today ----------------------------------------------------------------------------------------------------------
def last_ended_cycle(kind, now, starts=()):
    """``(start, shift)`` of the last cycle of ``kind`` that ended by ``now``."""
    start, shift = cycle_of(kind, now, starts)
    if kind == CheckCycle.SHIFT:
        return (start, shift - 1) if shift else (start - ONE_DAY, len(shift_times(starts)) - 1)
    return cycle_of(kind, datetime.datetime.combine(start - ONE_DAY, datetime.time(12), tz()))


def overdue_points(enterprise):
    """The enterprise's points alive today whose last ended cycle — wholly in the point's life and on
    producing days — had no scan: what its to-do list and its page show. Three queries."""
    now = _now()
    today = now.astimezone(tz()).date()
    history = list(EnterpriseChange.objects.filter(enterprise=enterprise, kind__in=STATE_KINDS,   # query 1
                                                   effective_date__lte=today)
                   .order_by("effective_date", "id").values_list("effective_date", "to_status"))
    points = list(RiskPoint.objects.filter(enterprise=enterprise, created_on__lte=today)             # query 2
                  .filter(Q(retired_on__isnull=True) | Q(retired_on__gt=today))
                  .annotate(starts=F("enterprise__shift_schedule__starts")).order_by("area", "name"))
    owed = {}
    for point in points:
        starts = tuple(point.starts or ()) if point.cycle == CheckCycle.SHIFT else ()
        start, shift = last_ended_cycle(point.cycle, now, starts)
        last = start if point.cycle == CheckCycle.SHIFT else next_start(point.cycle, start) - ONE_DAY
        if start < point.created_on:
            continue
        spans = producing_spans(history, start, last + ONE_DAY)
        if spans != [(start, last + ONE_DAY)]:
            continue
        owed[(point.pk, start, shift)] = point
    if not owed:
        return []
    first = min(start for _pk, start, _shift in owed)
    done = set(ScanCycle.objects.filter(point__in=[p for p in owed.values()], cycle_start__gte=first)  # query 3
               .values_list("point_id", "cycle_start", "shift"))
    return [point for key, point in owed.items() if key not in done]
