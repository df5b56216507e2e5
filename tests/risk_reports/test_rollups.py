"""The roll-ups (``risk_reports.rollups``): what a scan adds as it is written is what a rebuild from
``ScanCycle`` and ``Scan`` finds, the points' lives follow every write of a point, a change of a point's cycle or life rebuilds its
enterprise's done cycles, and the figures read through them are the figures read from ``ScanCycle``
and ``Scan`` alone, for periods that start and end inside months, a running quarter and shifts of
the last two days. On the hand-built city of ``test_figures_city`` (its figures are hand-counted
there)."""
import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from enterprises.services import enterprise_change_status
from portal.figures.periods import Period
from risk_reports import overdue, rollups
from portal.figures import registry
from risk_reports.models import DoneCycleMonth, PointLife, RiskPoint, ScanMonth
from risk_reports.services.points import point_retire, point_update, shifts_set
from tests.risk_reports.factories import make_point, make_scan
from tests.risk_reports.test_figures_city import Q3, Q4, at, city  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
D = datetime.date


def months():
    return sorted(DoneCycleMonth.objects.values_list("enterprise_id", "cycle", "month", "n"))


def test_what_scans_add_is_what_a_rebuild_finds(city):
    scans = sorted(ScanMonth.objects.values_list("township_id", "enterprise_id", "month", "n", "principal"))
    # 甲一机械: its principal's three scans of p1 and the staff's of p2 in July, August, September
    assert [row[2:] for row in scans if row[1] == city.a1x.pk] == [
        (D(2026, 7, 1), 2, 1), (D(2026, 8, 1), 3, 1), (D(2026, 9, 1), 2, 1)]
    rollups.rebuild_scan_months()
    assert sorted(ScanMonth.objects.values_list("township_id", "enterprise_id", "month", "n", "principal")) == scans
    written = months()
    # 甲二五金's quarter point p7 retired on 30 September: its July scan no longer counts; 甲三化工's
    # shift point recorded on 28 September counts its four shifts, all in September
    assert (city.a3x.pk, "shift", D(2026, 9, 1), 4) in written
    assert not [row for row in written if row[0] == city.a2x.pk and row[1] == "quarter"]
    rollups.rebuild_done_cycles()
    assert months() == written
    rollups.rebuild_done_cycles([city.a1x.pk])
    assert months() == written


def test_a_point_s_cycle_changed_drops_its_done_cycles_of_the_old_one(city):
    before = overdue.enterprise_rate(city.b2y, Q3)
    assert (before.numerator, before.denominator) == (2, 3)  # one month point, July scanned
    point = city.b2y.risk_points.get()
    point_update(point=point, by=None, cycle="week")
    rate = overdue.enterprise_rate(city.b2y, Q3)
    assert (rate.numerator, rate.denominator) == (12, 12)  # 12 weeks due, its July month scan not one of them
    assert not DoneCycleMonth.objects.filter(enterprise=city.b2y).exists()


def test_a_scan_in_a_cycle_that_began_before_the_point_is_not_rolled_up(city):
    staff = city.b2y.memberships.get().user
    late = make_point(city.b2y, category="dust_collector", name="周中新增", cycle="week", created_on=D(2026, 11, 11))
    make_scan(late, staff, at(11, 12))  # the week of Monday 9 November began before the point
    assert not DoneCycleMonth.objects.filter(enterprise=city.b2y, cycle="week").exists()


PERIODS = [
    Q3, Q4,                                      # a whole quarter; the running one (today 16 November)
    Period(D(2026, 7, 15), D(2026, 9, 14)),      # starting and ending inside months
    Period(D(2026, 8, 1), D(2026, 8, 31)),       # one month
    Period(D(2026, 9, 28), D(2026, 10, 4)),      # one week across two quarters
    Period(D(2026, 1, 1), D(2026, 12, 31)),      # the year, running
    Period(D(2026, 9, 1), D(2026, 11, 16)),      # to today: the shifts of the last two days one by one
]


# now: the pinned clock (Monday 16 November, 10:00); the first of a month early, when the night
# shift of the month's last day is still running; just after midnight on the first of a quarter
NOWS = [None, at(11, 1, 7, 30), at(10, 1, 0, 30)]


@pytest.mark.parametrize("now", NOWS, ids=["pinned", "1 November 07:30", "1 October 00:30"])
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.start}..{p.end}")
def test_the_roll_up_changes_no_rate(city, period, now, clock, monkeypatch):
    staff = city.a3x.memberships.filter(position="staff").get().user
    shift_point = city.a3x.risk_points.get(cycle="shift")
    for moment in (at(10, 30, 21), at(10, 31, 9), at(10, 31, 21), at(11, 14, 9), at(11, 15, 21), at(11, 16, 3),
                   at(11, 16, 9)):
        make_scan(shift_point, staff, moment)
    # scans only on days outside a period's whole months: 乙二包装's staff on 3 September (inside
    # 15 July – 14 September), 乙二食品's principal on 5 November (inside 1 September – 16 November)
    make_scan(city.b2y.risk_points.get(), city.b2y.memberships.get().user, at(9, 3))
    make_scan(city.b2x.risk_points.first(), city.b2x.memberships.get().user, at(11, 5))
    if now is not None:
        clock.move_to(now)
    regions = [city.city, city.a, city.a1]

    def everything():
        out = {region.name: {pk: (t.due, t.done) for pk, t in overdue.tally(period, region=region).items()}
               for region in regions}
        for region in regions:
            # a city's and a district's overdue rates, read through the points' lives and the done
            # cycles grouped by township, are the enterprises' tallies summed
            rates = {child: (r.numerator, r.denominator) for child, r in overdue.overdue_rates(region, period).items()}
            assert rates == by_enterprises(region, period)
            out["overdue", region.name] = rates
        out["one"] = {pk: (t.due, t.done) for pk, t in overdue.tally(period, enterprise=city.a3x).items()}
        for name in ("risk.enterprises_using", "risk.usage_rate", "risk.principal_participation"):
            for region in regions:
                with registry.batch():
                    out[name, region.name] = {row.region.name: (row.value, row.numerator, row.denominator)
                                              for row in registry.compute(name, region, period)}
        return out

    rolled = everything()
    # no whole month: every done cycle read from ScanCycle, as before the roll-up
    monkeypatch.setattr(rollups, "whole_months", lambda start, stop: (start, start))
    assert everything() == rolled
    if now is None:  # something to compare (as of 1 October, nothing of the fourth quarter is done yet)
        assert any(done for tallies in rolled.values() for _due, done in tallies.values())


def by_enterprises(region, period):
    """``{child: (overdue, due)}``: ``overdue.tally``'s enterprises summed per child."""
    out = {}
    for t in overdue.tally(period, region=region).values():
        if t.due:
            n, d = out.get(t.child, (0, 0))
            out[t.child] = (n + t.overdue, d + t.due)
    return out


def lives():
    return sorted(PointLife.objects.values_list("enterprise_id", "cycle", "level", "created_on", "retired_on", "n"))


def test_the_points_lives_follow_every_write_of_a_point(city):
    """The triggers: a point recorded, graded, moved to another cycle, retired, written round the
    services with ``update()``, deleted — the lives are what the points make them."""
    assert lives() == sorted(rollups.point_lives(RiskPoint.objects.all()))
    made = make_point(city.b2y, category="dust_collector", name="新增", cycle="week", level="blue",
                      created_on=D(2026, 8, 10))
    assert (city.b2y.pk, "week", "blue", D(2026, 8, 10), PointLife.ALIVE, 1) in lives()
    point_update(point=made, by=None, cycle="day")
    RiskPoint.objects.filter(pk=made.pk).update(level="red")
    RiskPoint.objects.filter(pk=made.pk).update(name="改名")  # not a column of the roll-up: nothing moves
    assert (city.b2y.pk, "day", "red", D(2026, 8, 10), PointLife.ALIVE, 1) in lives()
    assert not PointLife.objects.filter(enterprise=city.b2y, cycle="week").exists()  # its empty row is gone
    point_retire(point=made, by=None, on=D(2026, 9, 1))
    assert (city.b2y.pk, "day", "red", D(2026, 8, 10), D(2026, 9, 1), 1) in lives()
    assert lives() == sorted(rollups.point_lives(RiskPoint.objects.all()))
    RiskPoint.objects.filter(pk=made.pk).delete()
    assert not PointLife.objects.filter(enterprise=city.b2y, cycle="day").exists()
    assert lives() == sorted(rollups.point_lives(RiskPoint.objects.all()))
    call_command("rollups_rebuild", "--check", stdout=io.StringIO())


def test_a_shift_the_enterprise_no_longer_works_is_not_done(city):
    """甲三化工 goes from two shifts to one: its shift point owes one check a day, and the night shifts
    scanned before no longer count — on the enterprise's rate and the city's alike."""
    before = overdue.enterprise_rate(city.a3x, Q3)
    assert (before.numerator, before.denominator) == (2, 7)  # 6 shifts + 1 quarter due, 4 + 1 done
    shifts_set(enterprise=city.a3x, by=None, starts=["08:00"])
    rate = overdue.enterprise_rate(city.a3x, Q3)
    # the day shifts of 28, 29 and 30 September + the quarter due; 28/0, 30/0 and the quarter done
    assert (rate.numerator, rate.denominator) == (1, 4)
    assert {child: (r.numerator, r.denominator) for child, r in overdue.overdue_rates(city.city, Q3).items()} == \
        by_enterprises(city.city, Q3)
    call_command("rollups_rebuild", "--check", stdout=io.StringIO())


def test_an_enterprise_suspended_back_to_before_the_quarter_owes_nothing_and_did_nothing(city):
    """乙二包装 scanned in July; its suspension is recorded later, effective 1 June: in the third
    quarter it was never producing, so neither its due cycles nor its done ones (in the roll-up by
    month) count — on the city's rates as on the enterprises'. Before it, its township 乙二 has
    b2x's 9 due and b2y's 3 due, 1 done."""
    b2 = city.b2.path
    rates = {child: (r.numerator, r.denominator) for child, r in overdue.overdue_rates(city.b, Q3).items()}
    assert rates[b2] == (11, 12)
    enterprise_change_status(enterprise=city.b2y, by=None, status="suspended", effective_date=D(2026, 6, 1),
                             reason="停产整顿")
    assert DoneCycleMonth.objects.filter(enterprise=city.b2y).exists()  # its July scan is still rolled up
    rates = {child: (r.numerator, r.denominator) for child, r in overdue.overdue_rates(city.b, Q3).items()}
    assert rates[b2] == (9, 9)
    for region in (city.city, city.b):
        assert {child: (r.numerator, r.denominator) for child, r in overdue.overdue_rates(region, Q3).items()} == \
            by_enterprises(region, Q3)


def test_an_enterprise_suspended_inside_the_quarter_counts_its_one_span(city):
    """乙一冶金 (its month point scanned on 2 July, August and September, its quarter point once) is
    suspended from 15 August: of the third quarter only July is due, and done; the quarter is not
    wholly inside its producing days. Its done cycles are counted in SQL against its one span
    (``overdue.SpanEdge``); a2z, suspended in August and back in September, keeps two spans, looked
    at one by one."""
    enterprise_change_status(enterprise=city.b1x, by=None, status="suspended", effective_date=D(2026, 8, 15),
                             reason="停产整顿")
    rate = overdue.enterprise_rate(city.b1x, Q3)
    assert (rate.numerator, rate.denominator) == (0, 1)
    rates = {child: (r.numerator, r.denominator) for child, r in overdue.overdue_rates(city.b, Q3).items()}
    assert rates[city.b1.path] == (0, 1)
    for region in (city.city, city.a, city.b):
        assert {child: (r.numerator, r.denominator) for child, r in overdue.overdue_rates(region, Q3).items()} == \
            by_enterprises(region, Q3)


def test_the_command_checks_and_rebuilds(city):
    call_command("rollups_rebuild", "--check", stdout=io.StringIO())
    ScanMonth.objects.filter(enterprise=city.a1x).update(principal=0)
    DoneCycleMonth.objects.filter(enterprise=city.b1x).delete()
    PointLife.objects.filter(enterprise=city.b1x).update(n=5)
    with pytest.raises(CommandError):
        call_command("rollups_rebuild", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rollups_rebuild", stdout=out)
    assert "done-cycle months" in out.getvalue() and "point lives" in out.getvalue()
    call_command("rollups_rebuild", "--check", stdout=io.StringIO())
    assert lives() == sorted(rollups.point_lives(RiskPoint.objects.all()))
