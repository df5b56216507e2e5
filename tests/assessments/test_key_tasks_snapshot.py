"""Key tasks in the quarter's snapshot (issue 12 item 4, "Done when"): a hand-built district's task
statuses as of the period's last day, stored and ranked by the unchanged snapshot code, and the
shipped problem rule naming the units with overdue tasks.

测试市 has 甲区 (甲一镇, 甲二镇, 甲三镇), which set its townships a 2026 list, and 乙区 (乙一镇), which
set none. 2026 Q3 ends on 30 September; the pinned clock is 2026-11-16, so statuses are as of
30 September. Due days: the shipped 14.

| task | deadline | 甲一镇 | 甲二镇 | 甲三镇 |
|---|---|---|---|---|
| T1 model enterprises ≥ 2 (threshold) | 31 May | 2: met | 1: overdue | 0: overdue |
| T2 evidence | 31 August | accepted 5 Aug: met | sent 20 Aug, accepted 5 Oct (after 30 Sep): overdue | none: overdue |
| T3 evidence | 10 October | due (10 days) | due | due |
| T4 evidence | 31 December | not met | not met | not met |

met: 甲一 2, 甲二 0, 甲三 0 (甲区 2); overdue: 甲一 0, 甲二 2, 甲三 2 (甲区 4).
"""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
import pytest

from grid.models import Region
from portal.assessments import problems, services
from portal.assessments import services_key_tasks as key_tasks
from portal.assessments.models import SnapshotValue
from portal.figures import registry
from portal.figures.periods import Period
from risk_reports.services.reports import model_enterprise_mark
from tests.enterprises.factories import make_enterprise
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db
D = datetime.date
Q3, Q4 = Period.quarter(2026, 3), Period.quarter(2026, 4)
TODAY = D(2026, 11, 16)


def pdf():
    return SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def district(db):
    class W:
        pass

    w = W()
    w.city = RegionFactory(name="测试市", level=Region.Level.CITY, parent=None)
    w.a = RegionFactory(name="甲区", level=Region.Level.DISTRICT, parent=w.city, order=1)
    w.b = RegionFactory(name="乙区", level=Region.Level.DISTRICT, parent=w.city, order=2)
    w.a1, w.a2, w.a3 = (RegionFactory(name=n, level=Region.Level.TOWNSHIP, parent=w.a, order=i)
                        for i, n in enumerate(["甲一镇", "甲二镇", "甲三镇"], start=1))
    w.b1 = RegionFactory(name="乙一镇", level=Region.Level.TOWNSHIP, parent=w.b, order=1)
    for township, models in ((w.a1, 2), (w.a2, 1), (w.a3, 0), (w.b1, 0)):
        for _i in range(max(models, 1)):
            enterprise = make_enterprise(township=township)
            if models:
                model_enterprise_mark(enterprise=enterprise, by=None, year=2026)
                models -= 1
    task_list = key_tasks.task_list_create(by=None, region=w.a, year=2026, title="2026年甲区重点工作任务")
    key_tasks.task_create(by=None, task_list=task_list, number="T1", title="示范企业", deadline=D(2026, 5, 31),
                          kind="figure", figure="risk.model_enterprises", comparison="at_least",
                          threshold="risk.model_enterprises_min")
    t2, _t3, _t4 = (key_tasks.task_create(by=None, task_list=task_list, number=n, title=n, deadline=d,
                                          kind="evidence")
                    for n, d in (("T2", D(2026, 8, 31)), ("T3", D(2026, 10, 10)), ("T4", D(2026, 12, 31))))
    on_time = key_tasks.evidence_submit(by=None, task=t2, unit=w.a1, files=[pdf()], today=D(2026, 8, 1))
    key_tasks.evidence_accept(by=None, evidence=on_time, today=D(2026, 8, 5))
    later = key_tasks.evidence_submit(by=None, task=t2, unit=w.a2, files=[pdf()], today=D(2026, 8, 20))
    key_tasks.evidence_accept(by=None, evidence=later, today=D(2026, 10, 5))
    w.task_list = task_list
    return w


def freeze(region, capture, period=Q3):
    with capture(execute=True):
        snapshot = services.snapshot_request(region=region, period=period, by=None, today=TODAY)
    snapshot.refresh_from_db()
    return snapshot


def stored(snapshot, figure):
    return {row.region.name: (None if row.value is None else int(row.value), row.rank)
            for row in SnapshotValue.objects.filter(snapshot=snapshot, figure=figure).select_related("region")}


def test_the_statuses_by_hand(district):
    result = key_tasks.board(district.task_list, Q3.end)
    assert {u.name: result.counts(u) for u in result.units} == {
        "甲一镇": {"met": 2, "not_met": 1, "due": 1, "overdue": 0},
        "甲二镇": {"met": 0, "not_met": 1, "due": 1, "overdue": 2},
        "甲三镇": {"met": 0, "not_met": 1, "due": 1, "overdue": 2},
    }


def test_the_snapshot_stores_and_ranks_them_as_of_the_period_s_last_day(district, django_capture_on_commit_callbacks):
    snapshot = freeze(district.city, django_capture_on_commit_callbacks)
    assert snapshot.state == "current"
    # ties share a rank; 乙区 set no list: no values, unranked; the city's total is 甲区's
    assert stored(snapshot, "assessments.key_tasks_met") == {
        "甲一镇": (2, 1), "甲二镇": (0, 2), "甲三镇": (0, 2), "乙一镇": (None, None),
        "甲区": (2, 1), "乙区": (None, None), "测试市": (2, None)}
    assert stored(snapshot, "assessments.key_tasks_overdue") == {
        "甲一镇": (0, 1), "甲二镇": (2, 2), "甲三镇": (2, 2), "乙一镇": (None, None),
        "甲区": (4, 1), "乙区": (None, None), "测试市": (4, None)}
    row = SnapshotValue.objects.get(snapshot=snapshot, figure="assessments.key_tasks_overdue", region=district.a2)
    assert (row.unit, row.higher_is_better, row.threshold, row.threshold_value) == (
        "项", False, "assessments.key_tasks_overdue_max", 0)


def test_the_shipped_problem_rule_names_the_units_with_overdue_tasks(district, django_capture_on_commit_callbacks):
    snapshot = freeze(district.a, django_capture_on_commit_callbacks)
    findings = [f for f in problems.problems_for(services.snapshot_table(snapshot, district.a))
                if f.rule.figure == "assessments.key_tasks_overdue"]
    assert len(findings) == 1
    assert [(r.name, c.value) for r, c in findings[0].units] == [("甲二镇", 2), ("甲三镇", 2)]
    assert findings[0].sentence == "重点工作任务推进不力，甲二镇、甲三镇有逾期未完成的重点工作任务（分别为2项、2项）。"


def test_the_next_quarter_sees_the_later_acceptance(district):
    # Q4 not over: as of today (16 November). 甲二's T2, accepted 5 October but sent in time (20 August),
    # is met now; T3 (10 October) is overdue for all, T4 (31 December, 45 days away) not met
    values = registry.get("assessments.key_tasks_met")(district.a, Q4)
    assert values == {district.a1.path: 2, district.a2.path: 1, district.a3.path: 0}
    overdue = registry.get("assessments.key_tasks_overdue")(district.a, Q4)
    assert overdue == {district.a1.path: 1, district.a2.path: 2, district.a3.path: 3}


def test_the_shipped_rule_passes_the_rules_a_bureau_s_rule_must():
    from portal.assessments.models import ProblemRule
    rule = ProblemRule.objects.get(region=None, figure="assessments.key_tasks_overdue")
    assert (rule.comparison, rule.threshold, rule.active) == ("above", "assessments.key_tasks_overdue_max", True)
    rule.full_clean()
