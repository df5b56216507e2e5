"""The quarter, frozen (issue 10 item 1), on the hand-built city of tests/risk_reports/test_figures_city.py
(测试市: 甲区 with 甲一镇, 甲二镇, 甲三镇; 乙区 with 乙一镇, 乙二镇; 2026 Q3 on the pinned clock): every
stored value, numerator, denominator and rank is the one counted by hand there, the city's total is
rolled up from its districts', and a recomputation or a failed run never leaves the snapshot half-done."""
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
import pytest

from grid.models import Region
from portal.assessments import services
from portal.assessments.models import Snapshot, SnapshotPart, SnapshotValue
from portal.figures import registry
from portal.figures.periods import Period
from risk_reports.models import RiskPoint
from tests.enterprises.factories import make_enterprise_user
from tests.factories import RegionFactory, UserFactory
from tests.risk_reports.factories import make_scan
from tests.risk_reports.test_figures_city import Q3, at, city  # noqa: F401  (the hand-built city)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 16)  # the pinned clock's day


def freeze(region, period=Q3, by=None, capture=None):
    with capture(execute=True):
        snapshot = services.snapshot_request(region=region, period=period, by=by, today=TODAY)
    snapshot.refresh_from_db()
    return snapshot


def stored(snapshot, figure):
    """``{unit name: (value, numerator, denominator, rank)}`` of one figure; numbers as in the test of the figures."""
    out = {}
    for row in SnapshotValue.objects.filter(snapshot=snapshot, figure=figure).select_related("region"):
        number = (lambda v: None if v is None else (int(v) if v == v.to_integral_value() else float(v)))
        out[row.region.name] = (number(row.value), number(row.numerator), number(row.denominator), row.rank)
    return out


@pytest.fixture
def frozen(city, django_capture_on_commit_callbacks):  # noqa: F811
    return freeze(city.city, capture=django_capture_on_commit_callbacks)


def test_the_city_s_quarter_holds_every_figure_for_every_district_and_township(city, frozen):  # noqa: F811
    assert frozen.state == Snapshot.State.CURRENT and frozen.parts_done == frozen.parts_expected == 2
    assert frozen.computed_on == TODAY and frozen.finished_at is not None
    assert SnapshotPart.objects.filter(snapshot=frozen).count() == 2
    names = {f.name for f in registry.all() if f.resolve is None}
    units = {"测试市", "甲区", "乙区", "甲一镇", "甲二镇", "甲三镇", "乙一镇", "乙二镇"}
    rows = SnapshotValue.objects.filter(snapshot=frozen)
    assert rows.count() == len(names) * len(units)
    assert set(rows.values_list("figure", flat=True)) == names
    assert {r.region.name for r in rows.select_related("region")} == units


def test_rates_keep_numerator_denominator_and_rank_lower_is_better(city, frozen):  # noqa: F811
    # overdue cycles ÷ due cycles (test_figures_city: test_overdue_rate); lower ranks first
    assert stored(frozen, "risk.overdue_rate") == {
        "甲一镇": (31.82, 7, 22, 2), "甲二镇": (54.55, 6, 11, 3), "甲三镇": (28.57, 2, 7, 1),
        "乙一镇": (0, 0, 4, 1), "乙二镇": (91.67, 11, 12, 2),
        "甲区": (37.5, 15, 40, 1), "乙区": (68.75, 11, 16, 2),
        "测试市": (46.43, 26, 56, None),  # (15 + 11) / (40 + 16)
    }


def test_counts_and_averages_rank_higher_is_better_with_ties_shared(city, frozen):  # noqa: F811
    assert stored(frozen, "risk.enterprises_using") == {
        "甲一镇": (2, None, None, 1), "甲二镇": (2, None, None, 1), "甲三镇": (1, None, None, 3),
        "乙一镇": (1, None, None, 1), "乙二镇": (1, None, None, 1),
        "甲区": (5, None, None, 1), "乙区": (2, None, None, 2), "测试市": (7, None, None, None)}
    assert stored(frozen, "risk.points_per_enterprise") == {
        "甲一镇": (2.5, 5, 2, 1), "甲二镇": (1.5, 3, 2, 2), "甲三镇": (1, 2, 2, 3),
        "乙一镇": (2, 2, 1, 1), "乙二镇": (2, 4, 2, 1),
        "甲区": (1.67, 10, 6, 2), "乙区": (2, 6, 3, 1), "测试市": (1.78, 16, 9, None)}
    assert stored(frozen, "risk.principal_participation")["甲区"] == (60, 3, 5, 1)
    assert stored(frozen, "risk.principal_participation")["乙区"] == (50, 1, 2, 2)


def test_each_value_carries_its_label_unit_direction_and_threshold(city, frozen):  # noqa: F811
    row = SnapshotValue.objects.get(snapshot=frozen, figure="risk.overdue_rate", region=city.a1)
    assert (row.label, row.unit, row.kind, row.higher_is_better) == ("常安码逾期率", "%", "rate", False)
    assert (row.threshold, row.threshold_value) == ("risk.overdue_rate_max", Decimal("30"))
    assert row.parent == city.a
    assert SnapshotValue.objects.get(snapshot=frozen, figure="risk.points", region=city.a).parent == city.city
    assert SnapshotValue.objects.get(snapshot=frozen, figure="risk.points", region=city.city).parent is None
    assert SnapshotValue.objects.get(snapshot=frozen, figure="risk.points", region=city.a1).threshold == ""


def test_published_figures_do_not_move_when_later_records_arrive(city, frozen):  # noqa: F811
    before = stored(frozen, "risk.enterprises_using")
    # 乙二食品 (乙二镇) had points and no scan in the quarter; a late scan on its last day arrives
    point = RiskPoint.objects.filter(enterprise=city.b2x).first()
    make_scan(point, make_enterprise_user(city.b2x, "staff"), at(9, 29))
    assert stored(frozen, "risk.enterprises_using") == before
    live = registry.compute("risk.enterprises_using", city.b, Q3)
    assert {r.region.name: r.value for r in live}["乙二镇"] == 2  # the live figure moved; the snapshot did not


def test_the_snapshot_reads_back_as_a_table(city, frozen):  # noqa: F811
    table = services.snapshot_table(frozen, city.a, ["risk.overdue_rate", "risk.points"])
    assert [r.region.name for r in table.rows] == ["甲一镇", "甲二镇", "甲三镇"]
    assert [(c.value, c.rank) for c in (r["risk.overdue_rate"] for r in table.rows)] == [
        (31.82, 2), (54.55, 3), (28.57, 1)]
    assert (table.total["risk.overdue_rate"].numerator, table.total["risk.overdue_rate"].denominator) == (15, 40)
    assert [f.name for f in table.figures] == ["risk.overdue_rate", "risk.points"]
    assert services.current_snapshot(city.a, Q3) == frozen  # a district reads its townships in the city's
    assert services.current_snapshot(city.city, Q3) == frozen
    assert services.current_snapshot(city.a1, Q3) is None
    assert services.current_snapshot(city.city, Period.quarter(2026, 2)) is None


def test_recomputing_replaces_the_quarter_whole(city, frozen, django_capture_on_commit_callbacks):  # noqa: F811
    again = freeze(city.city, capture=django_capture_on_commit_callbacks)
    frozen.refresh_from_db()
    assert (frozen.state, again.state) == (Snapshot.State.REPLACED, Snapshot.State.CURRENT)
    assert stored(again, "risk.overdue_rate") == stored(frozen, "risk.overdue_rate")
    assert Snapshot.objects.filter(region=city.city, period="2026Q3", state="current").count() == 1


def test_a_failing_part_leaves_the_previous_snapshot_current(city, frozen, django_capture_on_commit_callbacks,  # noqa: F811
                                                              monkeypatch):
    def broken(region, period):
        if region.name == "乙区":
            raise RuntimeError("数据库连接中断")
        return {}

    registry.register("test.broken", "坏的", "", True, broken)
    try:
        failed = freeze(city.city, capture=django_capture_on_commit_callbacks)
    finally:
        registry.unregister("test.broken")
    frozen.refresh_from_db()
    assert failed.state == Snapshot.State.FAILED and "数据库连接中断" in failed.message
    assert frozen.state == Snapshot.State.CURRENT
    assert services.current_snapshot(city.city, Q3) == frozen


def test_a_run_that_never_finishes_is_failed_after_the_timeout(city, frozen, settings):  # noqa: F811
    building = Snapshot.objects.create(region=city.city, period="2026Q3", period_start=Q3.start, period_end=Q3.end,
                                       parts_expected=2, computed_on=TODAY)
    settings.SNAPSHOT_TIMEOUT = 600
    from django.utils import timezone
    assert services.snapshot_fail_stale(now=timezone.now() + datetime.timedelta(seconds=599)) == 0
    assert services.snapshot_fail_stale(now=timezone.now() + datetime.timedelta(seconds=601)) == 1
    building.refresh_from_db()
    assert building.state == Snapshot.State.FAILED and building.message
    assert services.current_snapshot(city.city, Q3) == frozen
    # a part arriving late for a failed run writes nothing
    assert services.snapshot_part(building.pk, city.a.pk) is False
    assert not SnapshotValue.objects.filter(snapshot=building).exists()


def test_a_redelivered_part_replaces_what_it_wrote(city, frozen):  # noqa: F811
    building = Snapshot.objects.create(region=city.city, period="2026Q3", period_start=Q3.start, period_end=Q3.end,
                                       parts_expected=2, computed_on=TODAY)
    assert services.snapshot_part(building.pk, city.a.pk) is True
    first = SnapshotValue.objects.filter(snapshot=building).count()
    assert services.snapshot_part(building.pk, city.a.pk) is True  # the same part again (a redelivery)
    building.refresh_from_db()
    assert SnapshotValue.objects.filter(snapshot=building).count() == first
    assert (building.state, building.parts_done) == (Snapshot.State.BUILDING, 1)
    assert services.snapshot_part(building.pk, city.b.pk) is True
    building.refresh_from_db()
    assert building.state == Snapshot.State.CURRENT and building.parts_done == 2


def test_bad_requests_get_a_chinese_message_and_change_nothing(city, django_capture_on_commit_callbacks):  # noqa: F811
    with pytest.raises(ValidationError, match="尚未开始"):
        services.snapshot_request(region=city.city, period=Period.quarter(2027, 1), by=None, today=TODAY)
    with pytest.raises(ValidationError, match="市或区"):
        services.snapshot_request(region=city.a1, period=Q3, by=None, today=TODAY)
    Snapshot.objects.create(region=city.city, period="2026Q3", period_start=Q3.start, period_end=Q3.end,
                            parts_expected=2, computed_on=TODAY)
    with pytest.raises(ValidationError, match="正在计算"):
        services.snapshot_request(region=city.city, period=Q3, by=None, today=TODAY)
    inspector = UserFactory(role="township_inspector", region=city.a1)
    with pytest.raises(PermissionDenied):
        services.snapshot_request(region=city.a, period=Q3, by=inspector, today=TODAY)
    other_bureau = UserFactory(role="bureau_staff", region=city.b)
    with pytest.raises(PermissionDenied):
        services.snapshot_request(region=city.a, period=Q3, by=other_bureau, today=TODAY)
    assert Snapshot.objects.count() == 1


def test_a_district_bureau_freezes_its_own_district(city, django_capture_on_commit_callbacks):  # noqa: F811
    bureau = UserFactory(role="bureau_staff", region=city.a)
    snapshot = freeze(city.a, by=bureau, capture=django_capture_on_commit_callbacks)
    assert snapshot.state == Snapshot.State.CURRENT and snapshot.requested_by == bureau
    assert stored(snapshot, "risk.overdue_rate") == {
        "甲一镇": (31.82, 7, 22, 2), "甲二镇": (54.55, 6, 11, 3), "甲三镇": (28.57, 2, 7, 1),
        "甲区": (37.5, 15, 40, None)}


def test_the_beat_job_freezes_the_quarter_just_ended_for_every_top_region(city, django_capture_on_commit_callbacks):  # noqa: F811
    from portal.assessments.tasks import snapshot_last_quarter

    other = RegionFactory(name="另一市", level=Region.Level.CITY, parent=None)
    RegionFactory(name="另一区", level=Region.Level.DISTRICT, parent=other)
    with django_capture_on_commit_callbacks(execute=True):
        ids = snapshot_last_quarter.run(today="2026-10-01")
    snapshots = Snapshot.objects.filter(pk__in=ids)
    tops = Region.objects.filter(parent__isnull=True)
    assert {"测试市", "另一市"} <= set(tops.values_list("name", flat=True))
    assert {(s.region.name, s.period, s.state) for s in snapshots} == {
        (top.name, "2026Q3", "current") for top in tops}
    assert all(s.requested_by is None for s in snapshots)


def test_the_command_freezes_a_period_here_or_says_why_not(city):  # noqa: F811
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("snapshot", "2026Q3", region=[city.city.code], stdout=out)
    assert "测试市 2026Q3" in out.getvalue() and "current" in out.getvalue()
    assert stored(services.current_snapshot(city.city, Q3), "risk.overdue_rate")["测试市"] == (46.43, 26, 56, None)
    with pytest.raises(CommandError, match="尚未开始"):
        call_command("snapshot", "2027Q1", region=[city.city.code], stdout=out)
    with pytest.raises(CommandError, match="Not a period"):
        call_command("snapshot", "明年", stdout=out)
