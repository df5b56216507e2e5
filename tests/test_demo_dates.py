"""The demo keeps its promises whatever today is (issue 8 §1).

The README and the demo accounts promise that every account has something to act on: the
enterprise account a hazard at each step it takes (to plan, to rectify, sent back, overdue, due
soon, with a pending extension), the township inspector hazards to follow up and verify, the
bureau a running and an ended campaign. The generator builds its year back from today, so it runs
here on the days that break calendar code: the first and last day of a quarter, 29 February,
31 December and 1 January (and the day a fresh clone's suite once failed on)."""
import datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.utils import timezone, translation
import pytest

from inspections.models import Campaign, Hazard, HazardEvent, HazardExtension, HazardStatus
from inspections.services import campaign_not_cleared
from portal.accounts.models import User
from portal.notifications.models import Notification
from portal.figures.periods import Period
from portal.ui import todos_for
from risk_reports.models import ChanganCode, PointHazard, RiskPoint, Scan, ScanCycle

S = HazardStatus
DAYS = [datetime.date(2026, 3, 31), datetime.date(2026, 4, 1), datetime.date(2028, 2, 29),
        datetime.date(2026, 12, 31), datetime.date(2027, 1, 1), datetime.date(2026, 11, 30)]


def _todos(username):
    with translation.override("en"):
        return {str(t.label): t.count for t in todos_for(User.objects.get(username=username))}


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_demo_keeps_its_promises_on(day, db, settings, clock):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.move_to(datetime.datetime.combine(day, datetime.time(10), tzinfo=ZoneInfo("Asia/Shanghai")))
    assert timezone.localdate() == day
    # the accounts' promises do not depend on the roster's size: a smaller one than test_demo.py's
    # 200 keeps six runs of the whole demo to about ten seconds each
    call_command("demo_data", enterprises=80, seed=1, stdout=StringIO())

    # the enterprise account: a hazard at every step it acts on
    qiye = User.objects.get(username="qiye")
    own = Hazard.objects.filter(enterprise=qiye.enterprise_membership.enterprise)
    assert {S.REPORTED, S.RECTIFYING, S.SUBMITTED, S.CLOSED} <= set(own.values_list("status", flat=True))
    assert HazardExtension.objects.filter(hazard__in=own, status=HazardExtension.Status.PENDING).exists()
    assert own.filter(status=S.RECTIFYING, events__action=HazardEvent.Action.SEND_BACK).exists()
    todos = _todos("qiye")
    for label in ("Hazards waiting for your rectification plan (five in place)",
                  "Hazards to rectify past their deadline", "Hazards sent back: rectify them again"):
        assert todos.get(label), (label, todos)
    assert any(label.startswith("Hazards to rectify due within") for label in todos), todos

    # the township inspector: hazards past and near their deadline, to verify, extensions to decide
    todos = _todos("hutang")
    for label in ("Hazards past their rectification deadline", "General hazards waiting for your verification",
                  "Extension requests waiting for your decision"):
        assert todos.get(label), (label, todos)
    assert any(label.startswith("Hazards due within") for label in todos), todos
    # a new year's plans have nothing overdue on New Year's Day; any other day they do
    assert bool(todos.get("Overdue enforcement plan items")) == (day != datetime.date(day.year, 1, 1)), todos

    # the bureau: an ended 百日清零 with enterprises not cleared, and a campaign running today
    ended = Campaign.objects.get(kind=Campaign.Kind.HUNDRED_DAYS)
    assert ended.end < day and campaign_not_cleared(ended).exists()
    assert Campaign.objects.filter(start__lte=day, end__gte=day).exists()

    # the day's deadline messages wait in the enterprise account's and the inspector's message centre
    assert Notification.objects.filter(user=qiye, read_at__isnull=True).exists()
    assert Notification.objects.filter(user__username="hutang").exists()

    # risk points and scans (risk_reports/demo.py): the enterprise account's points with their live
    # codes to print and its scans of this week; two full quarters and the current one so far; a
    # revoked code; done cycles once per scanned cycle; failed items in the ledger; nothing after now
    own_points = RiskPoint.objects.filter(enterprise=qiye.enterprise_membership.enterprise)
    assert own_points.count() >= 5
    assert ChanganCode.objects.filter(point__in=own_points, revoked_at__isnull=True).count() == own_points.count()
    assert ChanganCode.objects.filter(point__in=own_points, revoked_at__isnull=False).exists()
    now = timezone.now()
    assert Scan.objects.filter(point__in=own_points, done_at__gt=now - datetime.timedelta(days=7)).exists()
    quarters = Period.recent(day, 3)
    for quarter in quarters:
        assert Scan.objects.filter(done_on__range=(quarter.start, quarter.end)).exists(), quarter
    assert not Scan.objects.filter(done_on__lt=quarters[-1].start).exists()
    assert not Scan.objects.filter(done_at__gt=now).exists()
    cycles = Scan.objects.values("point", "cycle", "cycle_start", "shift").distinct().count()
    assert ScanCycle.objects.count() == cycles
    assert Hazard.objects.filter(source="scan", pk__in=PointHazard.objects.filter(scan__isnull=False)
                                 .values("hazard")).exists()

    # every state of the ledger, nothing dated after today
    assert set(Hazard.objects.values_list("status", flat=True)) == set(S.values)
    assert not Hazard.objects.filter(found_on__gt=day).exists()
    assert not HazardEvent.objects.filter(at__date__gt=day).exists()
