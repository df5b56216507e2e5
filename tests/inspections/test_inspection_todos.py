"""The home-page to-dos of the hazard ledger and the plans, hand-counted for each role, in a fixed
number of queries. Today is frozen at 2026-06-15; the warning threshold ships as 7 days."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections import services
from inspections.todos import inspections_todos

from tests.enterprises.factories import enterprise_writer
from tests.factories import jpeg
from tests.inspections.factories import criterion, make_inspection
from tests.inspections.test_plan_pages import frozen, page  # noqa: F401  (today is 2026-06-15)

pytestmark = pytest.mark.django_db
D = datetime.date


def _hazard(world, enterprise, found, deadline, major=False):
    by = world.inspector if enterprise.township == world.hutang else world.luoyang_inspector
    if major:
        failures, checklist = {"DUST-04": {"major_criterion": criterion("DUST-3").pk, "deadline": deadline}}, "dust"
    else:
        failures, checklist = {"GEN-12": {"description": "灭火器过期", "deadline": deadline}}, "general"
    return make_inspection(enterprise, by, inspected_on=found, checklist=checklist, failures=failures).hazards.get()


def _rectify(hazard, by):
    by = enterprise_writer(hazard.enterprise)  # only the enterprise takes its steps
    services.hazard_plan(hazard=hazard, by=by, responsible_person="王五", measures="整改", funds=Decimal("100"),
                         emergency_plan="临时措施")


def _submit(hazard, by):
    _rectify(hazard, by)
    services.hazard_submit(hazard=hazard, by=enterprise_writer(hazard.enterprise), note="已整改", evidence=[jpeg()])


@pytest.fixture
def ledger(world):
    """The hazards and plan items every count below is worked out from."""
    w = world
    _hazard(w, w.e_hutang, D(2026, 6, 1), D(2026, 6, 18))                    # hA reported, due in 3 days
    _hazard(w, w.e_hutang2, D(2026, 5, 1), D(2026, 6, 13))                   # hB reported, overdue
    _submit(_hazard(w, w.e_hutang2, D(2026, 6, 1), D(2026, 7, 15)), w.bureau)  # hC general, submitted
    _submit(_hazard(w, w.e_hutang, D(2026, 6, 1), D(2026, 7, 15), major=True), w.principal)  # hD major, submitted
    h_e = _hazard(w, w.e_hutang2, D(2026, 6, 1), D(2026, 7, 5))              # hE rectifying, extension asked
    _rectify(h_e, w.bureau)
    services.hazard_extension_request(hazard=h_e, by=enterprise_writer(h_e.enterprise), new_deadline=D(2026, 8, 5), reason="设备到货延迟")
    _hazard(w, w.e_luoyang, D(2026, 5, 1), D(2026, 6, 10))                   # hF 洛阳, overdue
    h_g = _hazard(w, w.e_hutang, D(2026, 5, 1), D(2026, 6, 1))               # hG closed: counts nowhere
    _submit(h_g, w.principal)
    services.hazard_verify(hazard=h_g, by=w.inspector)
    h_h = _hazard(w, w.e_hutang, D(2026, 6, 1), D(2026, 6, 20))              # hH sent back, due in 5 days
    _submit(h_h, w.principal)
    services.hazard_send_back(hazard=h_h, by=w.inspector, reason="照片不清")

    township = services.plan_create(region=w.hutang, by=w.inspector, title="湖塘镇计划", year=2026)
    services.plan_items_add(plan=township, by=w.inspector, enterprises=[w.e_hutang], due_date=D(2026, 6, 1))  # overdue
    services.plan_items_add(plan=township, by=w.inspector, enterprises=[w.e_hutang2], due_date=D(2026, 6, 30))
    district = services.plan_create(region=w.wujin, by=w.bureau, title="武进区计划", year=2026)
    services.plan_items_add(plan=district, by=w.bureau, enterprises=[w.e_luoyang], due_date=D(2026, 5, 31))  # overdue
    services.plan_items_add(plan=district, by=w.bureau, enterprises=[w.e_hutang2], due_date=D(2026, 5, 15))
    make_inspection(w.e_hutang2, w.inspector, inspected_on=D(2026, 5, 10),
                    plan_item=district.items.get(enterprise=w.e_hutang2))  # done in time: not overdue
    cross = services.plan_create(region=w.wujin, by=w.bureau, title="交叉检查", year=2026, kind="cross")
    services.plan_items_add(plan=cross, by=w.bureau, enterprises=[w.e_hutang], due_date=D(2026, 6, 10),
                            assignee=w.luoyang_inspector)  # overdue, assigned to 洛阳's inspector
    return w


def counts(user):
    return {t.label: t.count for t in inspections_todos(user) if t.count}


def test_the_township_inspector(ledger):
    assert counts(ledger.inspector) == {
        "超过整改期限的隐患": 1,                # hB
        "7 天内到期的隐患": 2,                  # hA 06-18, hH 06-20
        "待您验收销号的一般隐患": 1,            # hC (hD is major: the bureau's)
        "待您审批的隐患延期申请": 1,            # hE
        "逾期未完成的执法计划检查": 1,          # 湖塘镇计划 · 湖塘机械 due 06-01
    }


def test_the_bureau_staff(ledger):
    assert counts(ledger.bureau) == {
        "超过整改期限的隐患": 2,                # hB, hF
        "7 天内到期的隐患": 2,                  # hA, hH
        "待您验收销号的重大隐患": 1,            # hD
        "逾期未完成的执法计划检查": 3,          # 湖塘机械 (township plan), 洛阳冶金, the cross item
    }


def test_the_other_township_inspector_sees_their_own_and_their_assignment(ledger):
    # the cross-inspection shows 湖塘's enterprise to them, but its deadlines stay 湖塘's to follow
    assert counts(ledger.luoyang_inspector) == {
        "超过整改期限的隐患": 1,                # hF
        "逾期未完成的执法计划检查": 2,          # the cross item assigned to them; the district's 洛阳冶金
    }


def test_the_enterprise_principal(ledger):
    # 湖塘机械: hA reported, hD submitted (waits for the bureau), hG closed, hH sent back
    assert counts(ledger.principal) == {
        "待制定整改方案（五落实）的隐患": 1,    # hA
        "7 天内到期、待整改的隐患": 2,          # hA, hH
        "被退回、需重新整改的隐患": 1,          # hH
    }


def test_readers_and_grid_members_have_nothing_here(ledger):
    for user in (ledger.staff, ledger.grid_member, ledger.auditor, ledger.admin):
        assert inspections_todos(user) == []


def test_each_todo_links_to_a_filtered_list(ledger):
    urls = {t.label: t.url for t in inspections_todos(ledger.inspector)}
    assert urls["超过整改期限的隐患"] == "/inspections/hazards/?overdue=true"
    assert urls["待您验收销号的一般隐患"] == "/inspections/hazards/?status=submitted&severity=general"
    assert urls["逾期未完成的执法计划检查"] == "/inspections/plans/?status=active"


def test_the_home_page_shows_them(ledger, client):
    _, html = page(client, ledger.inspector, "/")
    todo = html.split('id="todo-list"')[1]
    assert '<a href="/inspections/hazards/?overdue=true">超过整改期限的隐患</a>' in todo


@pytest.mark.parametrize("role", ["inspector", "bureau", "principal"])
def test_a_fixed_number_of_queries(ledger, role):
    user = getattr(ledger, role)
    user.refresh_from_db()
    with CaptureQueriesContext(connection) as first:
        inspections_todos(user)
    for day in (2, 3, 4):  # more hazards in every state the lists count
        _hazard(ledger, ledger.e_hutang, D(2026, 6, day), D(2026, 6, 16))
        _submit(_hazard(ledger, ledger.e_hutang2, D(2026, 6, day), D(2026, 6, 19)), ledger.bureau)
    user.refresh_from_db()
    with CaptureQueriesContext(connection) as second:
        inspections_todos(user)
    assert len(second) == len(first) <= 8
