"""Key tasks' statuses under pinned dates (issue 12 "Done when"): a figure task turns from due to
met when its figure crosses the target and to overdue when the deadline passes without it; an
evidence task is met by evidence accepted in time; the board takes the same number of queries for
any number of units.

Wujin's 2026 list (the pinned clock's year; the shipped example is 2022's). Due days: the shipped
``assessments.key_task_due_days`` = 14."""
import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
import pytest

from grid.models import Region
from portal.assessments import services_key_tasks as services
from portal.assessments.models import KeyTask
from risk_reports.services.reports import model_enterprise_mark
from tests.enterprises.factories import make_enterprise
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(day):
    return datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SH)


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def status_of(task_list, task, unit, day=None):
    return services.board(task_list, day).cell(task, unit)


@pytest.fixture
def tasks(world):
    task_list = services.task_list_create(by=world.bureau, region=world.wujin, year=2026, title="2026年重点工作任务")
    models = services.task_create(
        by=world.bureau, task_list=task_list, number="2.3", title="创建风险报告示范企业", deadline=D(2026, 5, 31),
        kind="figure", figure="risk.model_enterprises", comparison="at_least", threshold="risk.model_enterprises_min")
    report = services.task_create(by=world.bureau, task_list=task_list, number="5", title="危化品储存场所登记",
                                  deadline=D(2026, 6, 30), kind="evidence")
    return task_list, models, report


def test_a_figure_task_turns_from_due_to_met_when_its_figure_crosses_the_target(world, tasks, clock):
    task_list, models, _report = tasks
    clock.move_to(at(D(2026, 4, 1)))  # 60 days before the deadline: not met yet, not due
    assert status_of(task_list, models, world.hutang).status == services.NOT_MET
    clock.move_to(at(D(2026, 5, 20)))  # 11 days before: due (≤ 14)
    model_enterprise_mark(enterprise=world.e_hutang, by=world.inspector, year=2026)
    cell = status_of(task_list, models, world.hutang)
    assert (cell.status, cell.value, cell.target) == (services.DUE, 1, 2)  # 1 of the 2 asked
    model_enterprise_mark(enterprise=world.e_hutang2, by=world.inspector, year=2026)
    cell = status_of(task_list, models, world.hutang)
    assert (cell.status, cell.value) == (services.MET, 2)  # 2 ≥ 2: met
    assert status_of(task_list, models, world.luoyang).status == services.DUE  # 0 of 2


def test_it_turns_overdue_when_the_deadline_passes_without_it(world, tasks, clock):
    task_list, models, _report = tasks
    clock.move_to(at(D(2026, 5, 20)))
    model_enterprise_mark(enterprise=world.e_hutang, by=world.inspector, year=2026)
    model_enterprise_mark(enterprise=world.e_hutang2, by=world.inspector, year=2026)
    clock.move_to(at(D(2026, 5, 31)))  # the deadline itself: still due
    assert status_of(task_list, models, world.luoyang).status == services.DUE
    clock.move_to(at(D(2026, 6, 1)))
    result = services.board(task_list)
    assert result.cell(models, world.luoyang).status == services.OVERDUE  # 0 < 2 after 31 May
    assert result.cell(models, world.hutang).status == services.MET
    # every other Wujin township has none either: 12 of 13 overdue
    assert result.per_unit(services.OVERDUE)[world.luoyang.path] == 1
    assert sum(1 for u in result.units if result.cell(models, u).status == services.OVERDUE) == 12


def test_a_target_reached_after_the_deadline_does_not_undo_overdue(world, tasks, clock):
    task_list, _models, _report = tasks
    coverage = services.task_create(by=world.bureau, task_list=task_list, number="11.2", title="全部企业入网格",
                                    deadline=D(2026, 6, 30), kind="figure", figure="enterprises.outside_grid",
                                    comparison="at_most", target_value=0)
    clock.move_to(at(D(2026, 7, 1)))
    # 湖塘 has 湖塘纺织 outside any cell: 1 > 0 at the deadline; 洛阳's only enterprise is in a cell: met
    assert status_of(task_list, coverage, world.hutang).status == services.OVERDUE
    assert status_of(task_list, coverage, world.luoyang).status == services.MET


def test_an_evidence_task_is_met_when_the_bureau_accepts_evidence_sent_in_time(world, tasks, clock):
    task_list, _models, report = tasks
    clock.move_to(at(D(2026, 6, 20)))  # 10 days before the deadline
    first = services.evidence_submit(by=world.inspector, task=report, unit=world.hutang, files=[pdf()])
    assert status_of(task_list, report, world.hutang).status == services.DUE  # waiting: not met
    services.evidence_return(by=world.bureau, evidence=first, reason="缺少登记表")
    second = services.evidence_submit(by=world.inspector, task=report, unit=world.hutang, files=[pdf()], note="补充")
    clock.move_to(at(D(2026, 6, 22)))
    services.evidence_accept(by=world.bureau, evidence=second)
    assert status_of(task_list, report, world.hutang).status == services.MET
    assert status_of(task_list, report, world.hutang, day=D(2026, 6, 21)).status == services.DUE  # before acceptance
    clock.move_to(at(D(2026, 7, 1)))
    assert status_of(task_list, report, world.hutang).status == services.MET
    assert status_of(task_list, report, world.luoyang).status == services.OVERDUE


def test_late_evidence_is_accepted_but_the_task_stays_overdue(world, tasks, clock):
    task_list, _models, report = tasks
    clock.move_to(at(D(2026, 7, 3)))
    late = services.evidence_submit(by=world.luoyang_inspector, task=report, unit=world.luoyang, files=[pdf()])
    services.evidence_accept(by=world.bureau, evidence=late)
    assert status_of(task_list, report, world.luoyang).status == services.OVERDUE


def test_a_bureau_s_own_due_days_change_what_is_due(world, tasks, clock):
    from portal.rules.services import threshold_create
    task_list, models, _report = tasks
    threshold_create(name=services.DUE_DAYS, region=world.hutang, value=30, effective_from=D(2026, 1, 1),
                     by=world.bureau)
    clock.move_to(at(D(2026, 5, 10)))  # 21 days before: due for 湖塘 (30), not for 洛阳 (14)
    result = services.board(task_list)
    assert result.cell(models, world.hutang).status == services.DUE
    assert result.cell(models, world.luoyang).status == services.NOT_MET


def _district(n):
    city = RegionFactory(name="计数市", level=Region.Level.CITY, parent=None)
    district = RegionFactory(name="计数区", level=Region.Level.DISTRICT, parent=city)
    townships = [RegionFactory(name=f"计数{i}镇", level=Region.Level.TOWNSHIP, parent=district, order=i)
                 for i in range(n)]
    for township in townships:
        make_enterprise(township=township)
    task_list = services.task_list_create(by=None, region=district, year=2026, title="计数")
    services.task_create(by=None, task_list=task_list, number="1", title="示范企业", deadline=D(2026, 5, 31),
                         kind="figure", figure="risk.model_enterprises", comparison="at_least",
                         threshold="risk.model_enterprises_min", targets={townships[0]: 1})
    services.task_create(by=None, task_list=task_list, number="2", title="使用率", deadline=D(2026, 6, 30),
                         kind="figure", figure="risk.usage_rate", comparison="at_least", target_value=100)
    evidence = services.task_create(by=None, task_list=task_list, number="3", title="佐证", deadline=D(2026, 6, 30),
                                    kind=KeyTask.Kind.EVIDENCE)
    services.evidence_submit(by=None, task=evidence, unit=townships[-1], files=[pdf()], today=D(2026, 6, 1))
    return task_list


def test_the_board_takes_the_same_queries_for_any_number_of_units(db, django_assert_num_queries):
    small, large = _district(2), None
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as two:
        services.board(small, D(2026, 11, 16))
    KeyTaskListModel = type(small)
    KeyTaskListModel.objects.all().delete()
    large = _district(6)
    # units, tasks, targets, evidence, due days (5); model enterprises: its threshold + its figure (2);
    # usage rate: its figure (its own queries) — the same whatever the number of townships
    with django_assert_num_queries(len(two.captured_queries)):
        result = services.board(large, D(2026, 11, 16))
    assert len(result.units) == 6 and len(result.cells) == 18


def test_a_board_before_the_shipped_thresholds_or_with_a_figure_unregistered_since_still_computes(world):
    from portal.assessments.models import KeyTaskList
    old = KeyTaskList.objects.create(region=world.wujin, year=2021, title="2021")
    KeyTask.objects.create(task_list=old, number="1", title="示范", deadline=D(2021, 5, 31), kind="figure",
                           figure="risk.model_enterprises", comparison="at_least",
                           threshold="risk.model_enterprises_min")  # in force from 2022 only
    KeyTask.objects.create(task_list=old, number="2", title="已下线指标", deadline=D(2021, 5, 31), kind="figure",
                           figure="gone.figure", comparison="at_least", target_value=1)
    result = services.board(old, D(2021, 5, 31))  # no due days in force then: due on the deadline day only
    assert {c.status for c in result.cells.values()} == {services.DUE}
    assert {c.status for c in services.board(old, D(2021, 6, 1)).cells.values()} == {services.OVERDUE}
