"""Key tasks' writes (issue 12 item 3): the shipped 2022 list of RULES.md §4, copy forward, evidence
accepted / returned / refused after acceptance, bonus points, and bad input refused in Chinese with
nothing changed."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
import pytest

from portal.accounts import scope
from portal.assessments import services_key_tasks as services
from portal.assessments.models import KeyTask, KeyTaskBonus, KeyTaskEvidence, KeyTaskList, KeyTaskTarget
from portal.attachments.models import Attachment
from portal.figures import registry

pytestmark = pytest.mark.django_db
D = datetime.date


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def shipped(world):
    return KeyTaskList.objects.get(region=world.wujin, year=2022)


@pytest.fixture
def task_list(world):
    return services.task_list_create(by=world.bureau, region=world.wujin, year=2026, title="2026年重点工作任务")


@pytest.fixture
def report(world, task_list):
    return services.task_create(by=world.bureau, task_list=task_list, number="5", title="危化品储存场所登记",
                                deadline=D(2026, 6, 30), kind="evidence")


# -- the shipped list -------------------------------------------------------------------------------------------------
def test_rules_4_ships_as_wujin_s_2022_list_with_registered_figures_and_per_township_targets(world):
    task_list = shipped(world)
    tasks = {t.number: t for t in task_list.tasks.all()}
    assert len(tasks) == 25
    figures = {n: (t.figure, t.comparison, t.target_value, t.threshold, t.deadline)
               for n, t in tasks.items() if t.is_figure}
    assert figures == {
        "2.3": ("risk.model_enterprises", "at_least", None, "risk.model_enterprises_min", D(2022, 5, 31)),
        "2.4": ("risk.usage_rate", "at_least", 100, "", D(2022, 6, 30)),
        "3.2": ("inspections.coverage:dust_30", "at_least", 100, "", D(2022, 8, 31)),
        "3.3": ("inspections.dust_coverage", "at_least", 100, "", D(2022, 8, 31)),
        "11.2": ("enterprises.outside_grid", "at_most", 0, "", D(2022, 6, 30)),
    }
    for task in tasks.values():
        task.full_clean()  # every figure named is registered, every threshold exists
        if task.is_figure:
            registry.get(task.figure)
    # targets whose figure is not registered yet are evidence tasks that say so
    assert "尚未登记" in tasks["12.1"].note and tasks["12.1"].kind == "evidence"
    targets = {t.unit.name: int(t.value) for t in KeyTaskTarget.objects.filter(task=tasks["12.1"])}
    assert sum(targets.values()) == 75 and targets["洛阳镇"] == 15 and targets["南夏墅街道"] == 2
    assert sum(t.value for t in KeyTaskTarget.objects.filter(task=tasks["12.2"])) == 130
    benchmark = {t.unit.name: int(t.value) for t in KeyTaskTarget.objects.filter(task=tasks["10"])}
    assert benchmark["湖塘镇"] == 2 and benchmark["科教城"] == 1 and sum(benchmark.values()) == 20  # 7 × 2 + 6 × 1


# -- copy forward -----------------------------------------------------------------------------------------------------
def test_copy_forward_moves_deadlines_by_a_year_and_keeps_the_units_targets(world):
    old = shipped(world)
    new = services.task_list_copy_forward(by=world.bureau, task_list=old)
    assert (new.year, new.title, new.copied_from) == (2023, "2023年武进区冶金等工贸行业安全生产重点工作任务考核细则", old)
    before = {t.number: t for t in old.tasks.all()}
    after = {t.number: t for t in new.tasks.all()}
    assert set(after) == set(before)
    assert after["5"].deadline == D(2023, 3, 15) and after["2.4"].deadline == D(2023, 6, 30)
    assert (after["2.3"].figure, after["2.3"].threshold) == ("risk.model_enterprises", "risk.model_enterprises_min")
    assert {(t.unit_id, t.value) for t in after["12.1"].targets.all()} == \
        {(t.unit_id, t.value) for t in before["12.1"].targets.all()}
    # one step only: the year exists now
    with pytest.raises(ValidationError) as refused:
        services.task_list_copy_forward(by=world.bureau, task_list=old)
    assert "year" in refused.value.message_dict
    assert KeyTaskList.objects.filter(region=world.wujin).count() == 2


def test_copy_forward_of_29_february_lands_on_28_february(world, task_list):
    leap = services.task_list_create(by=world.bureau, region=world.wujin, year=2028, title="2028年")
    services.task_create(by=world.bureau, task_list=leap, number="1", title="闰日", deadline=D(2028, 2, 29),
                         kind="evidence")
    new = services.task_list_copy_forward(by=world.bureau, task_list=leap)
    assert new.tasks.get().deadline == D(2029, 2, 28)


def test_a_township_cannot_copy_or_edit_the_district_s_list(world, task_list, report):
    with pytest.raises(PermissionDenied):
        services.task_list_copy_forward(by=world.inspector, task_list=task_list)
    with pytest.raises(PermissionDenied):
        services.task_update(by=world.inspector, task=report, title="改")
    assert KeyTaskList.objects.filter(year=2027).count() == 0


# -- evidence ---------------------------------------------------------------------------------------------------------
def test_evidence_returned_then_accepted_and_refused_after_acceptance(world, report):
    first = services.evidence_submit(by=world.inspector, task=report, unit=world.hutang, files=[pdf()], note="初次")
    assert Attachment.objects.filter(object_id=first.pk).count() == 1
    with pytest.raises(ValidationError):  # one waiting at a time
        services.evidence_submit(by=world.inspector, task=report, unit=world.hutang, files=[pdf()])
    with pytest.raises(ValidationError) as no_reason:
        services.evidence_return(by=world.bureau, evidence=first, reason=" ")
    assert "reason" in no_reason.value.message_dict
    returned = services.evidence_return(by=world.bureau, evidence=first, reason="缺少登记表")
    assert (returned.state, returned.reason) == ("returned", "缺少登记表")
    second = services.evidence_submit(by=world.inspector, task=report, unit=world.hutang, files=[pdf()])
    accepted = services.evidence_accept(by=world.bureau, evidence=second)
    assert accepted.state == "accepted" and accepted.decided_by == world.bureau
    count = KeyTaskEvidence.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.evidence_submit(by=world.inspector, task=report, unit=world.hutang, files=[pdf()])
    assert KeyTaskEvidence.objects.count() == count
    assert refused.value.messages
    with pytest.raises(ValidationError):  # decided already
        services.evidence_return(by=world.bureau, evidence=second, reason="再退")


def test_evidence_of_the_wrong_type_or_without_a_file_changes_nothing(world, report):
    for files in ([SimpleUploadedFile("说明.txt", b"just text")], []):
        with pytest.raises(ValidationError) as refused:
            services.evidence_submit(by=world.inspector, task=report, unit=world.hutang, files=files)
        assert "files" in refused.value.message_dict
    assert KeyTaskEvidence.objects.count() == 0 and Attachment.objects.count() == 0


def test_only_the_unit_itself_uploads_and_only_the_list_s_region_decides(world, report):
    with pytest.raises(PermissionDenied):  # 洛阳 for 湖塘
        services.evidence_submit(by=world.luoyang_inspector, task=report, unit=world.hutang, files=[pdf()])
    evidence = services.evidence_submit(by=world.inspector, task=report, unit=world.hutang, files=[pdf()])
    for user in (world.inspector, world.luoyang_inspector):
        with pytest.raises(PermissionDenied):
            services.evidence_accept(by=user, evidence=evidence)
    assert KeyTaskEvidence.objects.get().state == "submitted"


def test_a_figure_task_takes_no_evidence(world, task_list):
    task = services.task_create(by=world.bureau, task_list=task_list, number="2.4", title="常安码",
                                deadline=D(2026, 6, 30), kind="figure", figure="risk.usage_rate",
                                comparison="at_least", target_value=100)
    with pytest.raises(ValidationError):
        services.evidence_submit(by=world.inspector, task=task, unit=world.hutang, files=[pdf()])


# -- bad input --------------------------------------------------------------------------------------------------------
def test_a_task_whose_figure_nobody_registered_is_refused_and_nothing_is_saved(world, task_list):
    with pytest.raises(ValidationError) as refused:
        services.task_create(by=world.bureau, task_list=task_list, number="9", title="标准化定级",
                             deadline=D(2026, 12, 31), kind="figure", figure="standardization.applied_rate",
                             comparison="at_least", target_value=30, targets={world.hutang: 5})
    assert "standardization.applied_rate" in refused.value.message_dict["figure"][0]
    assert not KeyTask.objects.filter(task_list=task_list).exists() and not KeyTaskTarget.objects.filter(
        task__task_list=task_list).exists()


@pytest.mark.parametrize("fields, field", [
    ({"figure": "inspections.coverage:nope"}, "figure"),          # a parameter the figure does not know
    ({"figure": "assessments.key_tasks_met"}, "figure"),          # the key tasks' own figures
    ({"comparison": ""}, "comparison"),
    ({"target_value": None}, "target_value"),                     # no target at all
    ({"threshold": "risk.nope"}, "threshold"),                    # a threshold (besides a value) that does not exist
    ({"target_value": -1}, "target_value"),
])
def test_bad_figure_tasks_are_refused_on_their_field(world, task_list, fields, field):
    body = {"number": "1", "title": "任务", "deadline": D(2026, 6, 30), "kind": "figure",
            "figure": "risk.usage_rate", "comparison": "at_least", "target_value": 100}
    body.update(fields)
    with pytest.raises(ValidationError) as refused:
        services.task_create(by=world.bureau, task_list=task_list, **body)
    assert field in refused.value.message_dict
    assert not KeyTask.objects.filter(task_list=task_list).exists()


def test_an_evidence_task_carries_no_figure_and_targets_belong_to_the_list_s_units(world, task_list):
    with pytest.raises(ValidationError) as refused:
        services.task_create(by=world.bureau, task_list=task_list, number="1", title="佐证", deadline=D(2026, 6, 30),
                             kind="evidence", figure="risk.usage_rate")
    assert "figure" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.task_create(by=world.bureau, task_list=task_list, number="1", title="佐证", deadline=D(2026, 6, 30),
                             kind="evidence", targets={world.tianning: 3})
    assert "targets" in refused.value.message_dict
    assert not KeyTask.objects.filter(task_list=task_list).exists()


def test_a_duplicate_number_or_list_is_refused(world, task_list, report):
    with pytest.raises(ValidationError):
        services.task_create(by=world.bureau, task_list=task_list, number="5", title="重复", deadline=D(2026, 6, 30),
                             kind="evidence")
    with pytest.raises(ValidationError):
        services.task_list_create(by=world.bureau, region=world.wujin, year=2026, title="又一份")
    with pytest.raises(PermissionDenied):  # another district's list
        services.task_list_create(by=world.bureau, region=world.tianning, year=2026, title="天宁")


# -- bonus points -----------------------------------------------------------------------------------------------------
def test_units_over_their_creation_target_are_offered_and_bonus_points_recorded_with_the_reason(world, task_list):
    creation = services.task_create(by=world.bureau, task_list=task_list, number="12.1", title="达标企业创建",
                                    deadline=D(2026, 12, 31), kind="evidence",
                                    targets={world.hutang: 5, world.luoyang: 15})
    hutang = services.evidence_submit(by=world.inspector, task=creation, unit=world.hutang, files=[pdf()],
                                      reported_value=7)
    luoyang = services.evidence_submit(by=world.luoyang_inspector, task=creation, unit=world.luoyang, files=[pdf()],
                                       reported_value=15)
    services.evidence_accept(by=world.bureau, evidence=hutang)
    services.evidence_accept(by=world.bureau, evidence=luoyang)
    result = services.board(task_list)
    # 湖塘 7 > 5; 洛阳 15 = 15 is not more
    assert [(t.number, u.name) for t, u, _c in services.bonus_candidates(result)] == [("12.1", "湖塘镇")]
    bonus = services.bonus_record(by=world.bureau, task_list=task_list, unit=world.hutang, task=creation, points=2,
                                  reason="超额完成2家")
    assert (bonus.points, bonus.reason, bonus.recorded_by) == (2, "超额完成2家", world.bureau)
    for bad in ({"points": 0}, {"reason": ""}, {"unit": world.tianning}):
        body = {"unit": world.hutang, "points": 1, "reason": "理由"}
        body.update(bad)
        with pytest.raises(ValidationError) as refused:
            services.bonus_record(by=world.bureau, task_list=task_list, **body)
        assert set(bad) <= set(refused.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.bonus_record(by=world.inspector, task_list=task_list, unit=world.hutang, points=1, reason="自评")
    assert KeyTaskBonus.objects.count() == 1
    # a township reads its own bonus only
    assert list(scope.visible(world.luoyang_inspector, KeyTaskBonus.objects.all())) == []
    assert list(scope.visible(world.inspector, KeyTaskBonus.objects.all())) == [bonus]
