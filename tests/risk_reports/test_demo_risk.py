"""The demo's risk points and scans (risk_reports/demo.py): every row is one the services could have
written (a scan's cycle is ``cycle_of``'s, a done cycle once per cycle, a failed item a hazard in
the ledger), and the gaps the issue asks for are there: townships past 30 % overdue, principals
who never scan, enterprises that do not use the code, hazards found by scanning.

One demo of 200 enterprises (the size test_demo.py uses) on the pinned clock, checked in bulk."""
import datetime
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
import pytest
import time_machine

from enterprises.models import Enterprise, EnterpriseMembership, Status
from inspections.models import Hazard, HazardSource, HazardStatus
from portal.accounts.models import User
from portal.figures.periods import Period
from risk_reports.cycles import cycle_bounds, cycle_of, next_start, tz
from risk_reports.models import (ChanganCode, CheckCycle, GradingBasis, PointHazard, RiskPoint, Scan, ScanCycle,
                                 ShiftSchedule)
from risk_reports.services.grading import risk_grade
from tests.conftest import PINNED_NOW


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Built once for the module on the pinned clock (the checks only read), rolled back at the end:
    each test's own transaction is a savepoint inside this one."""
    with django_db_blocker.unblock(), time_machine.travel(PINNED_NOW, tick=True), transaction.atomic():
        call_command("demo_data", enterprises=200, seed=1, stdout=StringIO())
        connection.check_constraints()  # the deferred foreign-key checks once, not again after every test
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("demo")


def _window():
    today = timezone.localdate()
    current = Period.containing(today)
    return [current.previous().previous(), current.previous(), current]


@pytest.mark.django_db
def test_points_for_every_enterprise_from_the_dictionary():
    counts = dict(RiskPoint.objects.values_list("enterprise").annotate(n=Count("id")))
    live = Enterprise.objects.exclude(status=Status.DEREGISTERED)
    assert set(live.values_list("pk", flat=True)) <= set(counts)
    assert all(5 <= counts[pk] <= 25 for pk in live.values_list("pk", flat=True))
    assert not RiskPoint.objects.filter(category__isnull=True).exists()
    # the point keeps the category's copy
    point = RiskPoint.objects.select_related("category").order_by("pk").first()
    assert (point.check_items, point.factors) == (point.category.check_items, point.category.factors)
    # common categories and key-domain ones
    codes = set(RiskPoint.objects.values_list("category__code", flat=True))
    assert {"switch_room", "fire_facilities", "forklift"} <= codes
    dust = RiskPoint.objects.filter(enterprise__key_domains__code="dust", category__domain__code="dust")
    assert dust.exists()
    # a deregistered enterprise's points retired no later than it went
    assert not RiskPoint.objects.filter(enterprise__status=Status.DEREGISTERED, retired_on__isnull=True).exists()


@pytest.mark.django_db
def test_graded_points_agree_with_the_bands_and_the_rest_say_why():
    graded = list(RiskPoint.objects.exclude(basis=GradingBasis.MANUAL))
    assert graded and RiskPoint.objects.filter(basis=GradingBasis.MANUAL).count() > 3 * len(graded)
    for point in graded[:60]:
        values = {k: Decimal(v) for k, v in point.grading_values.items()}
        assert risk_grade(method=point.basis, values=values) == (point.score, point.level), point
    assert not RiskPoint.objects.filter(basis=GradingBasis.MANUAL, level_reason="").exists()
    assert set(RiskPoint.objects.values_list("level", flat=True)) >= {"orange", "yellow", "blue"}


@pytest.mark.django_db
def test_codes_one_live_per_point_and_a_revoked_one_with_its_successor():
    assert RiskPoint.objects.count() == ChanganCode.objects.filter(revoked_at__isnull=True).count()
    assert not RiskPoint.objects.annotate(n=Count("codes")).filter(n=0).exists()
    revoked = list(ChanganCode.objects.filter(revoked_at__isnull=False).select_related("point"))
    assert revoked
    for code in revoked:
        successor = code.point.codes.get(revoked_at__isnull=True)
        assert successor.issued_at == code.revoked_at and code.revoke_reason
        # scans before the revocation carry the old code, after it the new one
        assert not Scan.objects.filter(code=code, done_at__gte=code.revoked_at).exists()
        assert not Scan.objects.filter(code=successor, done_at__lt=code.revoked_at).exists()
    qiye = User.objects.get(username="qiye").enterprise_membership.enterprise
    assert any(code.point.enterprise_id == qiye.pk for code in revoked)
    assert ShiftSchedule.objects.filter(enterprise=qiye).exists()


@pytest.mark.django_db
def test_every_scan_is_a_row_scan_record_would_write():
    schedules = dict(ShiftSchedule.objects.values_list("enterprise_id", "starts"))
    members = {u: (e, p) for u, e, p in EnterpriseMembership.objects.values_list("user_id", "enterprise_id",
                                                                                  "position")}
    # the demo was built on the clock ticking from PINNED_NOW; each test starts from it again
    now, first = PINNED_NOW + datetime.timedelta(minutes=30), _window()[0].start
    scans = Scan.objects.select_related("point", "code")
    assert scans.count() > 5000
    for scan in scans.order_by("?")[:3000]:
        point = scan.point
        assert (scan.cycle_start, scan.shift) == cycle_of(point.cycle, scan.done_at, schedules.get(point.enterprise_id))
        assert scan.cycle == point.cycle and scan.enterprise_id == point.enterprise_id
        assert scan.done_on == scan.done_at.astimezone(tz()).date()
        assert first <= scan.done_on and point.created_on <= scan.done_on
        assert point.retired_on is None or scan.done_on <= point.retired_on
        assert scan.done_at <= scan.received_at <= now
        assert scan.code.point_id == point.pk
        assert members[scan.by_id] == (point.enterprise_id, "principal") if scan.by_principal else \
            members[scan.by_id][0] == point.enterprise_id
        assert scan.failed == sum(1 for r in scan.results if not r["ok"])
        assert [r["item"] for r in scan.results] == point.check_items


@pytest.mark.django_db
def test_scans_only_on_producing_days_in_the_township_of_the_day():
    from enterprises.models import state_on

    checked = 0
    for scan in Scan.objects.filter(enterprise__changes__kind__in=["status", "transfer"]).distinct()[:400]:
        e = Enterprise.objects.annotate(**state_on(scan.done_on)).get(pk=scan.enterprise_id)
        assert e.status_on_date == Status.PRODUCING, scan
        assert e.township_on_date == scan.township_id, scan
        checked += 1
    assert checked


@pytest.mark.django_db
def test_done_cycles_once_per_cycle_of_the_scans():
    distinct = set(Scan.objects.values_list("point", "cycle", "cycle_start", "shift").distinct())
    cycles = list(ScanCycle.objects.values_list("point", "cycle", "cycle_start", "shift"))
    assert len(cycles) == len(set(cycles)) == len(distinct) and set(cycles) == distinct
    assert Scan.objects.count() > len(cycles)  # some cycles were scanned twice
    assert set(ScanCycle.objects.values_list("cycle", flat=True)) == set(CheckCycle.values)
    # the months the figures sum are the months of these scans and done cycles
    call_command("rollups_rebuild", "--check", stdout=StringIO())


@pytest.mark.django_db
def test_two_full_quarters_and_the_current_one_so_far():
    for quarter in _window():
        assert Scan.objects.filter(done_on__range=(quarter.start, quarter.end)).exists(), quarter
    assert not Scan.objects.filter(done_on__lt=_window()[0].start).exists()
    assert not Scan.objects.filter(done_at__gt=PINNED_NOW + datetime.timedelta(minutes=30)).exists()


def _overdue_by_township(quarter):
    """Missed ÷ due week and month cycles wholly inside ``quarter`` and the point's life, of
    enterprises producing all along (a rough version of risk.overdue_rate, enough to see the gaps)."""
    from enterprises.models import EnterpriseChange

    moved = set(EnterpriseChange.objects.filter(kind__in=["status", "transfer"]).values_list("enterprise", flat=True))
    done = set(ScanCycle.objects.filter(cycle_start__range=(quarter.start, quarter.end))
               .values_list("point", "cycle_start"))
    due, missed = {}, {}
    points = (RiskPoint.objects.filter(cycle__in=[CheckCycle.WEEK, CheckCycle.MONTH], retired_on__isnull=True)
              .exclude(enterprise__in=moved).values_list("pk", "enterprise__township", "cycle", "created_on"))
    for pk, township, cycle, created in points:
        start = cycle_of(cycle, cycle_bounds(CheckCycle.DAY, quarter.start)[0])[0]
        while start <= quarter.end:
            end = next_start(cycle, start)
            if start >= max(quarter.start, created) and end <= quarter.end + datetime.timedelta(days=1):
                due[township] = due.get(township, 0) + 1
                missed[township] = missed.get(township, 0) + ((pk, start) not in done)
            start = end
    return {t: missed[t] / due[t] for t in due if due[t]}


@pytest.mark.django_db
def test_realistic_gaps():
    last = _window()[1]
    rates = _overdue_by_township(last)
    assert any(r > .3 for r in rates.values()) and any(r < .3 for r in rates.values()), rates
    # principals: some enterprises that scan never had their principal scan
    scanning = set(Scan.objects.filter(done_on__range=(last.start, last.end)).values_list("enterprise", flat=True))
    principals = set(Scan.objects.filter(done_on__range=(last.start, last.end), by_principal=True)
                     .values_list("enterprise", flat=True))
    assert principals and scanning - principals
    # some enterprises do not use the code at all
    live = set(Enterprise.objects.exclude(status=Status.DEREGISTERED).values_list("pk", flat=True))
    assert live - set(Scan.objects.values_list("enterprise", flat=True).distinct())


@pytest.mark.django_db
def test_failed_items_are_hazards_in_the_ledger():
    failed = sum(Scan.objects.filter(failed__gt=0).values_list("failed", flat=True))
    hazards = Hazard.objects.filter(source=HazardSource.SCAN)
    assert failed == hazards.count() == PointHazard.objects.filter(scan__isnull=False).count() > 20
    for link in PointHazard.objects.select_related("hazard", "scan", "point")[:200]:
        h, scan = link.hazard, link.scan
        assert (h.enterprise_id, h.township_id, h.found_on) == (scan.enterprise_id, scan.township_id, scan.done_on)
        assert link.item in [r["item"] for r in scan.results if not r["ok"]]
        assert h.reported_by_id == scan.by_id
        events = list(h.events.order_by("at", "id"))
        assert events[0].action == "report" and events[-1].to_status == h.status
        assert all(a.at <= b.at for a, b in zip(events, events[1:]))
    assert {HazardStatus.REPORTED, HazardStatus.RECTIFYING, HazardStatus.CLOSED} <= set(
        hazards.values_list("status", flat=True))
    assert not hazards.filter(status=HazardStatus.CLOSED, closed_on__gt=timezone.localdate()).exists()


@pytest.mark.django_db
def test_the_enterprise_account_has_points_codes_and_recent_scans():
    qiye = User.objects.get(username="qiye")
    enterprise = qiye.enterprise_membership.enterprise
    assert RiskPoint.objects.filter(enterprise=enterprise).count() >= 5
    week_ago = timezone.now() - datetime.timedelta(days=7)
    assert Scan.objects.filter(enterprise=enterprise, done_at__gte=week_ago).exists()
    assert Scan.objects.filter(enterprise=enterprise, by=qiye, by_principal=True).exists()
    assert Hazard.objects.filter(enterprise=enterprise, source=HazardSource.SCAN).exclude(
        status=HazardStatus.CLOSED).exists()
    assert ScanCycle.objects.filter(enterprise=enterprise, cycle=CheckCycle.SHIFT).exists()
