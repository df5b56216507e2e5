"""The city at the seeds' scale (issue 9, "Speed"): 33 000 enterprises, 480 000 risk points and
6 000 000 scans in one quarter, written with COPY in minutes on PostgreSQL (``manage.py demo_city``).

Seed 001 counts 32 742 enterprises with 475 404 risk points in 常州市; at one scan a week or so per
point a quarter is six million scans. The roster comes from the demo's own generators (territory,
users, ``enterprises/demo.py``); then this module writes, for the quarter:

- the points (the dictionary categories ``risk_reports/demo.py`` would pick for each enterprise,
  about 14.5 per enterprise) and a live code for each, recorded before the quarter;
- a principal and a safety-manager account for every enterprise that uses the code;
- the scans: each point checked on its cycle (mostly weekly, some daily, monthly or quarterly),
  the share of cycles done set by township and enterprise (a quarter of the townships miss over
  30 %) and scaled so the quarter holds ``scans`` of them; results stored on the scan row (one row
  a scan, not one per item); each done cycle once in ``ScanCycle`` — the rows ``scan_record``
  writes, with ``cycle_of``'s cycle;
- a failed item in about one scan in 120 (seed 001: 49 326 hazards found by scanning in the city),
  each a hazard in the ledger with source "scan" and its ``PointHazard``.

Lives next to the demo rather than under ``bench/``: it is the demo generator at another scale
(the issue asks for the city "built by the demo generator"), a management command must import it
from an app, and the import contract then checks it like the rest of the app; ``bench/`` holds the
scripts that time what it builds.

Speed: the scans and done cycles go in with COPY from pre-formatted lines (no model instance per
row), into tables whose foreign keys and secondary indexes are dropped for the load and re-created
after (one sort per index instead of six million index insertions and deferred FK checks); ids are
assigned here and the sequences moved past them.
"""
import datetime
import io
import json
import random
import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from enterprises.models import EnterpriseMembership, Status
from inspections.models import Hazard, HazardEvent, HazardSeverity, HazardSource, HazardStatus
from portal.accounts.models import Role
from portal.demo import _copy_text, bulk_insert
from portal.figures.periods import Period

from . import rollups
from .cycles import cycle_of, next_start
from .demo import _Risk, _short
from .models import CheckCycle, PointHazard

DAY = datetime.timedelta(days=1)
# the points' own cycles in the city: mostly weekly (about 15 due cycles a point a quarter)
CYCLE_MIX = [(CheckCycle.DAY, .05), (CheckCycle.WEEK, .80), (CheckCycle.MONTH, .12), (CheckCycle.QUARTER, .03)]
FAIL_SHARE = 1 / 120
LINES = 200_000  # rows per COPY


def _timer(log):
    started = [time.perf_counter()]

    def lap(what):
        now = time.perf_counter()
        log(f"  {what} ({now - started[0]:.1f} s)")
        started[0] = now
    return lap


class _Unconstrained:
    """Drop ``tables``' foreign keys, unique constraints and secondary indexes for a bulk load and
    re-create them after (each index built once from sorted data; the constraints checked once)."""

    def __init__(self, cursor, tables):
        self.cursor, self.tables, self.saved = cursor, tables, []

    def __enter__(self):
        cur = self.cursor
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check what is pending: the referenced tables may be altered
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in self.tables:
            cur.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')", [table])
            constraints = cur.fetchall()
            cur.execute("SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                        "JOIN pg_class i ON i.oid = x.indexrelid "
                        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT EXISTS "
                        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)", [table])
            indexes = cur.fetchall()
            for name, _definition in constraints:
                cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                cur.execute(f'DROP INDEX "{name}"')
            self.saved.append((table, constraints, indexes))
        return self

    def __exit__(self, kind, value, traceback):
        if kind is not None:
            return False
        cur = self.cursor
        for table, constraints, indexes in self.saved:
            for _name, definition in indexes:
                cur.execute(definition)
            for name, definition in sorted(constraints, key=lambda c: "FOREIGN" in c[1]):
                cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        return False


def _copy(cursor, table, columns, lines):
    if lines:
        cursor.copy_expert(f"COPY {table} ({','.join(columns)}) FROM STDIN", io.StringIO("\n".join(lines) + "\n"))


def _next_ids(cursor, table):
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def _set_sequence(cursor, table):
    cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))",
                   [table])


class City(_Risk):
    """``build(points=…, scans=…, quarter=…)`` after the roster is in (``ctx`` as the demo's)."""

    def __init__(self, ctx, *, quarter):
        super().__init__(ctx)
        self.rng = random.Random(f"risk-city-{ctx.seed}")
        self.quarter = quarter
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.window_start = quarter.start

    def build(self, *, points, scans):
        if connection.vendor != "postgresql":
            raise RuntimeError("The city generator writes with COPY: it needs PostgreSQL.")
        lap = _timer(self.ctx.log)
        enterprises = [e for e in self.load() if e["status"] != Status.DEREGISTERED]
        from grid.models import Region

        townships = list(Region.objects.filter(pk__in={e["township"] for e in enterprises}))
        self.habits_by_township = self.habits(townships)
        for e in enterprises:
            habit = self.habits_by_township[e["township"]]
            e["uses"] = self.rng.random() < .995  # seed 001: 99.77 % use the code
            e["done"] = min(1.0, habit["done"] * self.rng.uniform(.9, 1.1))
            e["principal_scans"] = self.rng.random() < habit["principals"]
            life = e["life"]
            days = [self.quarter.start + i * DAY for i in range((self.quarter.end - self.quarter.start).days + 1)]
            e["producing"] = 1.0 if life.always else sum(map(life.producing, days)) / len(days)
        lap(f"{len(enterprises)} enterprises read")
        self.city_accounts(enterprises)
        lap(f"{self.counts['accounts']} enterprise accounts")
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with _Unconstrained(raw, ["risk_reports_riskpoint", "risk_reports_changancode"]):
                specs = self.city_points(raw, enterprises, points)
            lap(f"{len(specs)} risk points and their codes")
            with _Unconstrained(raw, ["risk_reports_scan", "risk_reports_scancycle"]):
                failing = self.city_scans(raw, specs, scans, lap)
            lap("indexes and constraints of the scans and done cycles re-created")
            rollups.rebuild_done_cycles()
            rollups.rebuild_scan_months()
            lap("done cycles and scans rolled up by month")
            self.city_hazards(failing)
            lap(f"{self.counts['hazards']} hazards found by scanning")
            for table in ("risk_reports_riskpoint", "risk_reports_changancode", "risk_reports_scan",
                          "risk_reports_scancycle"):
                _set_sequence(raw, table)
        return self.counts

    # -- accounts ---------------------------------------------------------------------------------
    def city_accounts(self, enterprises):
        User = get_user_model()
        taken = set(User.objects.values_list("username", flat=True))
        existing = dict(EnterpriseMembership.objects.filter(position=EnterpriseMembership.Position.PRINCIPAL)
                        .values_list("enterprise_id", "user_id"))
        users, owners = [], []
        joined = datetime.datetime.combine(self.quarter.start - 90 * DAY, datetime.time(9), self.zone)
        unusable = "!" + self.token()  # these accounts exist to have scanned; none signs in
        for e in enterprises:
            e["principal_user"] = existing.get(e["pk"])
            if not e["uses"]:
                continue
            wanted = [] if e["principal_user"] else [(e["code"], "principal", e["principal"])]
            wanted.append((f"{e['code']}-02", "safety_manager", "安全员"))
            for username, position, name in wanted:
                if username not in taken:
                    taken.add(username)
                    user = User(username=username, role=Role.ENTERPRISE, full_name=name, password=unusable,
                                date_joined=joined)
                    users.append(user)
                    owners.append((e, position, user))
        bulk_insert(User, users)
        bulk_insert(EnterpriseMembership, [EnterpriseMembership(user_id=u.pk, enterprise_id=e["pk"], position=p)
                                           for e, p, u in owners])
        for e, position, user in owners:
            e["principal_user" if position == "principal" else "manager_user"] = user.pk
        self.counts["accounts"] = len(users)

    # -- points and codes -------------------------------------------------------------------------
    def city_points(self, cursor, enterprises, total):
        rng = self.rng
        weights = [rng.uniform(.4, 1.6) for _e in enterprises]
        scale = total / sum(weights)
        counts = [max(1, int(w * scale)) for w in weights]
        for i in rng.sample(range(len(enterprises)), min(len(enterprises), max(0, total - sum(counts)))):
            counts[i] += 1
        json_of = {}
        for code, c in self.categories.items():
            json_of[code] = "\t".join(_copy_text(json.dumps(v, ensure_ascii=False)) for v in
                                      (c.factors, c.accident_types, c.measures, c.check_items))
        kinds, kind_weights = [k for k, _w in CYCLE_MIX], [w for _k, w in CYCLE_MIX]
        point_id, code_id = _next_ids(cursor, "risk_reports_riskpoint"), _next_ids(cursor, "risk_reports_changancode")
        earliest = self.quarter.start - 60 * DAY
        point_lines, code_lines, specs = [], [], []
        self.names = {}  # point id -> (area, name), for the hazards' descriptions
        point_columns = ["id", "enterprise_id", "name", "area", "category_id", "factors", "accident_types", "measures",
                         "check_items", "cycle", "responsible_person", "responsible_phone", "basis",
                         "grading_values", "score", "level", "level_reason", "graded_on", "graded_by_id",
                         "created_on", "retired_on", "created_at", "updated_at"]
        code_columns = ["id", "point_id", "token", "issued_at", "issued_by_id", "revoked_at", "revoked_by_id",
                        "revoke_reason"]
        for e, n in zip(enterprises, counts):
            created = e["created"] = max(earliest, e["life"].registered + 10 * DAY)
            created_s = created.isoformat()
            stamp = datetime.datetime.combine(created, datetime.time(9, 30), self.zone).isoformat()
            names = set()
            responsible = self.person()
            for code in self.choose_categories(e, n):
                c = self.categories[code]
                area, name = self.area_for(c), _short(c.name)
                k = 1
                while (area, name) in names:
                    k += 1
                    name = f"{_short(c.name)}{k}#"
                names.add((area, name))
                cycle = rng.choices(kinds, kind_weights)[0]
                point_lines.append(
                    f"{point_id}\t{e['pk']}\t{_copy_text(name)}\t{_copy_text(area)}\t{c.pk}\t{json_of[code]}\t{cycle}\t"
                    f"{responsible}\t\tmanual\t{{}}\t\\N\t{c.typical_level}\t按行业风险辨识清单确定\t{created_s}\t\\N\t"
                    f"{created_s}\t\\N\t{stamp}\t{stamp}")
                code_lines.append(f"{code_id}\t{point_id}\t{self.token()}\t{stamp}\t\\N\t\\N\t\\N\t")
                specs.append((point_id, code_id, e, cycle, len(c.check_items), c.check_items))
                self.names[point_id] = (area, name)
                point_id += 1
                code_id += 1
            if len(point_lines) >= LINES:
                _copy(cursor, "risk_reports_riskpoint", point_columns, point_lines)
                _copy(cursor, "risk_reports_changancode", code_columns, code_lines)
                point_lines, code_lines = [], []
        _copy(cursor, "risk_reports_riskpoint", point_columns, point_lines)
        _copy(cursor, "risk_reports_changancode", code_columns, code_lines)
        self.counts["points"] = self.counts["codes"] = len(specs)
        return specs

    # -- scans and done cycles --------------------------------------------------------------------
    def cycles_of_quarter(self, kind):
        """``[(cycle_start, [day, ...])]``: the cycles of ``kind`` that begin in the quarter, with
        their days inside it (a week running over the quarter's end keeps its days inside)."""
        q, out = self.quarter, []
        last = min(q.end, self.today - DAY)
        start = cycle_of(kind, datetime.datetime.combine(q.start, datetime.time(12), self.zone))[0]
        while start <= last:
            end = next_start(kind, start) - DAY
            days = []
            day = max(start, q.start)
            while day <= min(end, last):
                days.append(day)
                day += DAY
            if days:
                out.append((start, days))
            start = end + DAY
        return out

    @staticmethod
    def boost(specs, cycles, target):
        """The factor on every enterprise's share of cycles done that gives ``target`` scans in
        expectation (a share is at most 1: found by bisection)."""
        per_enterprise = {}
        for _p, _c, e, cycle, _n, _i in specs:
            if e["uses"]:
                cycles_due = len(cycles[cycle]) * e["producing"]  # a suspended enterprise scans nothing
                per_enterprise[id(e)] = (e["done"], per_enterprise.get(id(e), (0, 0))[1] + cycles_due)

        def expected(b):
            return sum(n * min(1.0, done * b) for done, n in per_enterprise.values())

        low, high = 0.0, 20.0
        for _i in range(30):
            middle = (low + high) / 2
            low, high = (middle, high) if expected(middle) < target else (low, middle)
        return high

    def city_scans(self, cursor, specs, target, lap):
        rng = self.rng
        cycles = {kind: self.cycles_of_quarter(kind) for kind, _w in CYCLE_MIX}
        boost = self.boost(specs, cycles, target)
        # pre-formatted pieces: a day's date and its UTC offset, times of day in office hours
        day_text = {}
        for kind_cycles in cycles.values():
            for start, days in kind_cycles:
                for day in days:
                    day_text[day] = day.isoformat()
        clock = [f"{h:02d}:{m:02d}:{s:02d}+08" for h in range(8, 18) for m in range(0, 60, 7) for s in (5, 23, 41)]
        scan_id, cycle_id = _next_ids(cursor, "risk_reports_scan"), _next_ids(cursor, "risk_reports_scancycle")
        scan_columns = ["id", "point_id", "code_id", "enterprise_id", "township_id", "by_id", "by_principal", "done_at",
                        "done_on", "received_at", "cycle", "cycle_start", "shift", "results", "failed", "photos",
                        "client_key", "payload_hash"]
        cycle_columns = ["id", "point_id", "enterprise_id", "township_id", "cycle", "cycle_start", "shift"]
        scan_lines, cycle_lines, failing = [], [], []
        name_of = self.names
        random_ = rng.random
        choice = rng.choice
        for point_id, code_id, e, cycle, n_items, items in specs:
            if not e["uses"]:
                continue
            done = min(1.0, e["done"] * boost)
            principal, manager = e.get("principal_user"), e.get("manager_user") or e.get("principal_user")
            by_principal_share = .1 if (e["principal_scans"] and principal) else 0.0
            ok_results = _copy_text(json.dumps([{"item": i, "ok": True, "note": ""} for i in items],
                                               ensure_ascii=False))
            head = f"{point_id}\t{code_id}\t{e['pk']}\t{e['township']}\t"
            moved = not e["life"].always or not e["life"].township_fixed
            for start, days in cycles[cycle]:
                if random_() >= done:
                    continue
                day = days[int(random_() * len(days))]
                if day < e["created"]:
                    continue
                if moved:  # status changes or a transfer: scans on producing days, in the day's township
                    if not e["life"].producing(day):
                        continue
                    head = f"{point_id}\t{code_id}\t{e['pk']}\t{e['life'].township(day, e['township'])}\t"
                when = f"{day_text[day]} {choice(clock)}"
                principal_scan = random_() < by_principal_share
                by = principal if principal_scan else manager
                start_text = start.isoformat()
                results, failed = ok_results, 0
                if random_() < FAIL_SHARE:
                    bad = int(random_() * n_items)
                    results = _copy_text(json.dumps(
                        [{"item": i, "ok": j != bad, "note": "" if j != bad else "现场检查不符合要求"}
                         for j, i in enumerate(items)], ensure_ascii=False))
                    failed = 1
                    failing.append((scan_id, point_id, e, day, items[bad], by, name_of[point_id]))
                scan_lines.append(f"{scan_id}\t{head}{by}\t{'t' if principal_scan else 'f'}\t{when}\t{day_text[day]}\t"
                                  f"{when}\t{cycle}\t{start_text}\t0\t{results}\t{failed}\t0\tcity{scan_id}\t")
                cycle_lines.append(f"{cycle_id}\t{point_id}\t{e['pk']}\t{e['township']}\t{cycle}\t{start_text}\t0")
                scan_id += 1
                cycle_id += 1
            if len(scan_lines) >= LINES:
                _copy(cursor, "risk_reports_scan", scan_columns, scan_lines)
                _copy(cursor, "risk_reports_scancycle", cycle_columns, cycle_lines)
                self.counts["scans"] += len(scan_lines)
                self.counts["cycles"] += len(cycle_lines)
                if self.counts["scans"] // 1_000_000 != (self.counts["scans"] - len(scan_lines)) // 1_000_000:
                    lap(f"{self.counts['scans']:,} scans")
                scan_lines, cycle_lines = [], []
        _copy(cursor, "risk_reports_scan", scan_columns, scan_lines)
        _copy(cursor, "risk_reports_scancycle", cycle_columns, cycle_lines)
        self.counts["scans"] += len(scan_lines)
        self.counts["cycles"] += len(cycle_lines)
        lap(f"{self.counts['scans']:,} scans, {self.counts['cycles']:,} done cycles (COPY)")
        return failing

    def city_hazards(self, failing):
        """Each failed item a hazard with source "scan", reported when scanned; those older than a
        month mostly closed (one report event each, and a verify event for the closed)."""
        rng, rows, events, links = self.rng, [], [], []
        for scan_id, point_id, e, day, item, by, (area, name) in failing:
            closed = (self.today - day).days > 30 and rng.random() < .85
            at = datetime.datetime.combine(day, datetime.time(15), self.zone)
            h = Hazard(enterprise_id=e["pk"], township_id=e["township"], source=HazardSource.SCAN,
                       severity=HazardSeverity.GENERAL, description=f"{name}：{item}——现场检查不符合要求",
                       location=f"{area} · {name}"[:200], found_on=day, deadline=day + 7 * DAY, reported_by_id=by,
                       created_at=at, updated_at=at,
                       status=HazardStatus.CLOSED if closed else HazardStatus.REPORTED,
                       closed_on=min(day + 10 * DAY, self.today - DAY) if closed else None)
            rows.append(h)
            links.append((h, point_id, scan_id, item, at, closed, by))
        bulk_insert(Hazard, rows)
        for h, point_id, scan_id, item, at, closed, by in links:
            events.append(HazardEvent(hazard_id=h.pk, action=HazardEvent.Action.REPORT, from_status="",
                                      to_status=HazardStatus.REPORTED, by_id=by, at=at))
            if closed:  # planned and submitted by the enterprise the next days, verified on closing
                steps = [(HazardEvent.Action.PLAN, HazardStatus.REPORTED, HazardStatus.RECTIFYING, 1, by),
                         (HazardEvent.Action.SUBMIT, HazardStatus.RECTIFYING, HazardStatus.SUBMITTED, 2, by),
                         (HazardEvent.Action.VERIFY, HazardStatus.SUBMITTED, HazardStatus.CLOSED, 0,
                          self.bureau.pk if self.bureau else None)]
                for action, frm, to, offset, who in steps:
                    day = min(h.found_on + offset * DAY, h.closed_on) if offset else h.closed_on
                    hour = {1: 10, 2: 11, 0: 16}[offset]
                    events.append(HazardEvent(hazard_id=h.pk, action=action, from_status=frm, to_status=to, by_id=who,
                                              at=datetime.datetime.combine(day, datetime.time(hour), self.zone)))
        bulk_insert(HazardEvent, events)
        bulk_insert(PointHazard, [PointHazard(point_id=p, hazard_id=h.pk, scan_id=s, item=i)
                                  for h, p, s, i, _a, _c, _b in links])
        self.counts["hazards"] = len(rows)
        self.counts["events"] = len(events)


def city_build(ctx, *, points, scans, quarter=None):
    """The risk part of the city for ``quarter`` (default: the last complete one)."""
    quarter = quarter or Period.containing(ctx.today).previous()
    return City(ctx, quarter=quarter).build(points=points, scans=scans)

