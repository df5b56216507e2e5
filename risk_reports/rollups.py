"""What a scan leaves besides itself: its done cycle, and two roll-ups by month (issue 9 item 6 and
"Speed").

``ScanCycle`` holds each done cycle once — (point, cycle, start, shift) — written by the first scan
in it. At the seeds' scale that is six million rows a quarter, and the overdue rate counted them
joined to the 480 000 points for each point's life and current cycle: seconds for a city. So a
done cycle that *counts* is also added, as it is written, to ``DoneCycleMonth``: per enterprise,
check cycle, month of the cycle's start and last month it touches (a week may end in the next
month, a quarter two months on), a few hundred thousand rows a quarter that need no join.
``risk_reports.overdue`` sums the whole months of a period from it and reads ``ScanCycle`` only at
the edges (a period starting or ending inside a month, cycles ending in the month of now, shifts of
the last two days, enterprises not producing throughout).

A done cycle counts when it is of the point's current check cycle and wholly inside the point's
life, and a shift when its enterprise still declares that many shifts (``COUNTS``): that is the
point's and the enterprise's state, not the scan's, so whatever changes a point's cycle or life, or
the enterprise's shifts, calls ``rebuild_done_cycles`` for the enterprise (``services.points``).

Likewise each scan adds one to ``ScanMonth`` — per township at the time, enterprise and month, with
the principal's scans — which the figures of enterprises using the code, the usage rate and
principal participation sum for the whole months of a period, reading ``Scan`` only for the days
outside them.

The demo's bulk writers rebuild both once after loading; ``manage.py rollups_rebuild`` recomputes
everything from ``ScanCycle`` and ``Scan`` (``--check`` only compares).

The points have their roll-up too, ``PointLife`` — per enterprise, check cycle, class, day recorded
and day retired — which the widened figures (points by class, the overdue rate's due cycles) read
instead of the 480 000 points of a city. Database triggers keep it (migration
``0012_point_lives``), so no writer of points can forget it; ``point_lives`` says what it should
hold, and ``manage.py rollups_rebuild`` compares and rebuilds it with the others.
"""
import datetime

from django.db import connection
from django.db.models import Count, DateField, ExpressionWrapper, F, Func, IntegerField, Q, Value
from django.db.models.functions import Coalesce, TruncMonth

from .cycles import next_start
from .models import CheckCycle, DoneCycleMonth, PointLife, RiskPoint, Scan, ScanCycle, ScanMonth

ONE_DAY = datetime.timedelta(days=1)


class CycleStop(Func):
    """The first day after a done cycle (a shift: the day after the one it starts on), in SQL: date
    arithmetic is the one thing PostgreSQL and SQLite (the embedded default) spell differently."""

    output_field = DateField()
    _T = ScanCycle._meta.db_table

    def as_sql(self, compiler, connection, **extra):
        t = self._T
        return (f"CASE {t}.cycle WHEN 'month' THEN ({t}.cycle_start + interval '1 month')::date"
                f" WHEN 'quarter' THEN ({t}.cycle_start + interval '3 months')::date"
                f" WHEN 'week' THEN {t}.cycle_start + 7 ELSE {t}.cycle_start + 1 END"), []

    def as_sqlite(self, compiler, connection, **extra):
        t = self._T
        return (f"CASE {t}.cycle WHEN 'month' THEN date({t}.cycle_start, '+1 month')"
                f" WHEN 'quarter' THEN date({t}.cycle_start, '+3 months')"
                f" WHEN 'week' THEN date({t}.cycle_start, '+7 days') ELSE date({t}.cycle_start, '+1 day') END"), []


class LastMonth(Func):
    """The first day of the last month a done cycle touches: its start's month, the month of a week's
    Sunday, the third month of a quarter. A month's roll-up keeps it so that the overdue rate knows,
    without reading ``ScanCycle``, which of the month's done cycles have ended by a month's start."""

    output_field = DateField()
    _T = ScanCycle._meta.db_table

    def as_sql(self, compiler, connection, **extra):
        t = self._T
        return (f"date_trunc('month', CASE {t}.cycle WHEN 'week' THEN {t}.cycle_start + 6"
                f" WHEN 'quarter' THEN ({t}.cycle_start + interval '2 months')::date ELSE {t}.cycle_start END)::date"), []

    def as_sqlite(self, compiler, connection, **extra):
        t = self._T
        return (f"CASE {t}.cycle WHEN 'week' THEN date({t}.cycle_start, '+6 days', 'start of month')"
                f" WHEN 'quarter' THEN date({t}.cycle_start, '+2 months', 'start of month')"
                f" ELSE date({t}.cycle_start, 'start of month') END"), []


class ShiftCount(Func):
    """The number of shifts in a day of a JSON list of start times: one when none are declared
    (``cycles.shift_times``). Per database, as JSON arrays are measured differently."""

    arity = 1
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        return self.as_sql_of(compiler, connection, "jsonb_array_length")

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql_of(compiler, connection, "json_array_length")

    def as_sql_of(self, compiler, connection, length):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"COALESCE(NULLIF({length}({sql}), 0), 1)", params


def with_stop(qs):
    """``ScanCycle`` rows annotated with ``cycle_stop`` (``CycleStop``)."""
    return qs.annotate(cycle_stop=ExpressionWrapper(CycleStop(), output_field=DateField()))


# a done cycle that counts: of the point's current cycle, wholly inside its life, and a shift one of
# those its enterprise declares now (on rows with_stop)
COUNTS = (Q(cycle=F("point__cycle")) & Q(cycle_start__gte=F("point__created_on"))
          & (Q(point__retired_on__isnull=True) | Q(cycle_stop__lte=F("point__retired_on")))
          & (~Q(cycle=CheckCycle.SHIFT) | Q(shift__lt=ShiftCount("enterprise__shift_schedule__starts"))))


def cycle_stop(kind, start):
    """``CycleStop`` in Python."""
    return start + ONE_DAY if kind in (CheckCycle.SHIFT, CheckCycle.DAY) else next_start(kind, start)


def last_month(kind, start):
    """``LastMonth`` in Python."""
    day = start if kind in (CheckCycle.SHIFT, CheckCycle.DAY) else cycle_stop(kind, start) - ONE_DAY
    return day.replace(day=1)


def whole_months(start, stop):
    """``(first, last)``: the whole months of the days ``[start, stop)`` as the days ``[first, last)``
    (``first >= last`` when there is none)."""
    first = start if start.day == 1 else next_start(CheckCycle.MONTH, start.replace(day=1))
    return first, stop.replace(day=1)


def record(*, point, township_id, kind, start, shift, done_on, by_principal):
    """Write the done cycle (point, kind, start, shift) once and add it to its enterprise's month when
    it is new and counts (read from the point's row, not from ``point`` as the caller holds it); add
    the scan to its month. One statement on PostgreSQL (the inserts in a ``WITH``), three on SQLite."""
    cycles, months, points = ScanCycle._meta.db_table, DoneCycleMonth._meta.db_table, RiskPoint._meta.db_table
    scans = ScanMonth._meta.db_table
    insert = (f"INSERT INTO {cycles} (point_id, enterprise_id, township_id, cycle, cycle_start, shift) "
              f"VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING point_id")
    seen = (f"INSERT INTO {scans} (township_id, enterprise_id, month, n, principal) VALUES (%s, %s, %s, 1, %s) "
            f"ON CONFLICT (township_id, enterprise_id, month) DO UPDATE "
            f"SET n = {scans}.n + 1, principal = {scans}.principal + excluded.principal")
    add = (f"INSERT INTO {months} (enterprise_id, cycle, month, last_month, n) "
           f"SELECT p.enterprise_id, %s, %s, %s, 1 FROM {points} p WHERE p.id = {{point}} AND p.cycle = %s "
           f"AND p.created_on <= %s AND (p.retired_on IS NULL OR p.retired_on >= %s) "
           f"ON CONFLICT (enterprise_id, cycle, month, last_month) DO UPDATE SET n = {months}.n + 1")
    values = [point.pk, point.enterprise_id, township_id, kind, start, shift]
    scanned = [township_id, point.enterprise_id, done_on.replace(day=1), int(by_principal)]
    counting = [kind, start.replace(day=1), last_month(kind, start), kind, start, cycle_stop(kind, start)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"WITH done AS ({insert}), seen AS ({seen} RETURNING 1) "
                           + add.format(point="(SELECT point_id FROM done)"), values + scanned + counting)
            return
        cursor.execute(insert, values)
        new = cursor.fetchone() is not None
        cursor.execute(seen, scanned)
        if new:
            cursor.execute(add.format(point="%s"), counting[:3] + [point.pk] + counting[3:])


def _insert_select(model, columns, key, qs):
    """INSERT the rows of ``qs`` (grouped, ``columns`` in order) into ``model``'s table. A row a scan
    wrote meanwhile under the same ``key`` (its first scan of the month, committed after the DELETE
    looked) takes the recomputed values, which count that scan: the rebuild never fails on it."""
    sql, params = qs.query.sql_with_params()
    table = model._meta.db_table
    values = [c for c in columns if c not in key]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {sql} ON CONFLICT ({', '.join(key)}) DO UPDATE "
                       f"SET {', '.join(f'{c} = excluded.{c}' for c in values)}", params)


def done_cycle_months(cycles):
    """``DoneCycleMonth`` rows as ``ScanCycle`` rows ``cycles`` make them: (enterprise, cycle, month,
    last month, n) of those that count."""
    return (with_stop(cycles).filter(COUNTS)
            .annotate(month=TruncMonth("cycle_start", output_field=DateField()), last_month=LastMonth())
            .values_list("enterprise_id", "cycle", "month", "last_month").annotate(n=Count("pk")).order_by())


def scan_months(scans):
    """``ScanMonth`` rows as ``Scan`` rows ``scans`` make them: (township, enterprise, month, n, principal)."""
    return (scans.annotate(month=TruncMonth("done_on", output_field=DateField()))
            .values_list("township_id", "enterprise_id", "month")
            .annotate(n=Count("pk"), principal=Count("pk", filter=Q(by_principal=True))).order_by())


def rebuild_done_cycles(enterprise_ids=None):
    """Recompute the done-cycle months of ``enterprise_ids`` (all enterprises when None) from
    ``ScanCycle``: delete them and insert them grouped, two statements whatever the number of rows."""
    months, cycles = DoneCycleMonth.objects.all(), ScanCycle.objects.all()
    if enterprise_ids is not None:
        enterprise_ids = list(enterprise_ids)
        months, cycles = months.filter(enterprise_id__in=enterprise_ids), cycles.filter(enterprise_id__in=enterprise_ids)
    months.delete()
    _insert_select(DoneCycleMonth, ["enterprise_id", "cycle", "month", "last_month", "n"],
                   ["enterprise_id", "cycle", "month", "last_month"], done_cycle_months(cycles))


def rebuild_scan_months(enterprise_ids=None):
    """Recompute the scan months of ``enterprise_ids`` (all when None) from ``Scan``, two statements."""
    # a WHERE in the SELECT even for all scans: SQLite parses INSERT ... SELECT ... ON CONFLICT only so
    months, scans = ScanMonth.objects.all(), Scan.objects.filter(pk__isnull=False)
    if enterprise_ids is not None:
        enterprise_ids = list(enterprise_ids)
        months, scans = months.filter(enterprise_id__in=enterprise_ids), scans.filter(enterprise_id__in=enterprise_ids)
    months.delete()
    _insert_select(ScanMonth, ["township_id", "enterprise_id", "month", "n", "principal"],
                   ["township_id", "enterprise_id", "month"], scan_months(scans))


def point_lives(points):
    """``PointLife`` rows as the points ``points`` make them: (enterprise, cycle, class, recorded,
    retired or ``ALIVE``, n)."""
    return (points.annotate(until=Coalesce("retired_on", Value(PointLife.ALIVE), output_field=DateField()))
            .values_list("enterprise_id", "cycle", "level", "created_on", "until").annotate(n=Count("pk")).order_by())


def rebuild_point_lives():
    """Recompute ``PointLife`` from the points (the triggers keep it; this mends a table restored in
    part), two statements."""
    PointLife.objects.all().delete()
    _insert_select(PointLife, ["enterprise_id", "cycle", "level", "created_on", "retired_on", "n"],
                   ["enterprise_id", "cycle", "level", "created_on", "retired_on"],
                   point_lives(RiskPoint.objects.filter(pk__isnull=False)))
