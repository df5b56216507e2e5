"""Who may do what (issue 8 §3, §10): every write action through the page *and* the API, for every
role, gives the same answer from both — done, invalid (the form's or the serializer's errors), 403
(in scope but not allowed) or 404 (out of scope) — and a refusal leaves the database as it was.
Then ``scope.can`` over every role × capability against the table in ``portal.accounts.capabilities``.

The world (tests/conftest.py): e_hutang (cell world.cell) and e_hutang2 in 湖塘镇, e_luoyang in 洛阳镇,
all in 武进区. ``inspector`` works in 湖塘镇, ``luoyang`` (the township inspector out of scope) in 洛阳镇.
The actions aim at 湖塘镇's records, or at the 湖塘镇 township where a new record needs a unit.
"""
import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from enterprises import importers
from enterprises.models import Enterprise, EnterpriseChange
from inspections import services
from inspections.models import (Campaign, Hazard, HazardEvent, HazardExtension, Inspection, InspectionPlan, Penalty,
                                PlanItem)
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.accounts.models import Role
from portal.assessments.models import Snapshot
from portal.attachments.models import Attachment
from portal.jobs.models import Job
from portal.submissions.services import new_client_key

from tests.enterprises.factories import credit_code
from tests.factories import UserFactory, jpeg
from tests.inspections.factories import criterion, make_inspection
from tests.enterprises.test_import import row, xlsx_file
from tests.inspections.test_inspection_pages import field_form, general, new_url
from tests.enterprises.test_roster import enterprise_form_data

NOW = datetime.datetime(2026, 5, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
FOUND = datetime.date(2026, 5, 10)
ROLES = ["bureau", "inspector", "luoyang", "grid", "principal", "staff", "auditor", "admin", "agency", "expert",
         "training"]

# What each role gets from each action, on the page and in the API alike (hand-written from the
# capability table and the scope rules; "done" is a redirect on the page, 200/201 in the API).
MATRIX = """
action               bureau inspector luoyang grid principal staff auditor admin agency expert training
enterprise_create    done   done      invalid 403  403       403   403     403   403    403    403
enterprise_edit      done   done      404     403  done      403   404     404   404    404    404
roster_import        done   done      invalid 403  403       403   403     403   403    403    403
inspection_submit    done   done      404     403  403       403   404     404   404    404    404
hazard_plan          403    403       404     403  done      403   404     404   404    404    404
hazard_submit        403    403       404     403  done      403   404     404   404    404    404
extension_request    403    403       404     403  done      403   404     404   404    404    404
hazard_verify        done   done      404     403  403       403   404     404   404    404    404
hazard_send_back     done   done      404     403  403       403   404     404   404    404    404
extension_decide     done   done      404     403  403       403   404     404   404    404    404
major_hazard_verify  done   403       404     403  403       403   404     404   404    404    404
penalty_create       done   done      404     403  403       403   404     404   404    404    404
plan_create          done   done      done    403  403       403   403     403   403    403    403
plan_change          done   done      404     404  404       404   404     404   404    404    404
district_plan_change done   403       403     404  404       404   404     404   404    404    404
campaign_create      done   done      done    403  403       403   403     403   403    403    403
snapshot_compute     done   404       404     404  404       404   404     404   404    404    404
"""


def _parse(table):
    lines = [line.split() for line in table.strip().splitlines()]
    assert lines[0][1:] == ROLES
    return {r[0]: dict(zip(ROLES, r[1:])) for r in lines[1:]}


EXPECTED = _parse(MATRIX)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cast(world):
    """The world's users by the names of the matrix, with the roles of the apps still to come."""
    return {
        "bureau": world.bureau, "inspector": world.inspector, "luoyang": world.luoyang_inspector,
        "grid": world.grid_member, "principal": world.principal, "staff": world.staff, "auditor": world.auditor,
        "admin": world.admin, "agency": UserFactory(role=Role.AGENCY), "expert": UserFactory(role=Role.EXPERT),
        "training": UserFactory(role=Role.TRAINING),
    }


def snapshot():
    """Everything the actions can write."""
    return (list(Enterprise.objects.order_by("pk").values()), EnterpriseChange.objects.count(),
            list(Hazard.objects.order_by("pk").values()), HazardEvent.objects.count(),
            list(HazardExtension.objects.order_by("pk").values()), Inspection.objects.count(),
            Penalty.objects.count(), InspectionPlan.objects.count(), PlanItem.objects.count(),
            Campaign.objects.count(), Attachment.objects.count(), Snapshot.objects.count())


def outcome(response, *, page):
    code = response.status_code
    if code in (403, 404):
        return str(code)
    if page:
        return {302: "done", 200: "invalid", 400: "invalid"}[code]
    return {200: "done", 201: "done", 400: "invalid"}[code]


# -- the records each action works on: one for the page, one for the API ---------------------------------
def _hazard(world, *, major=False):
    if major:
        inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=FOUND, checklist="dust",
                                     failures={"DUST-04": {"major_criterion": criterion("DUST-3").pk}})
    else:
        inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=FOUND,
                                     failures={"GEN-12": {"description": "灭火器过期"}})
    return inspection.hazards.get()


def _rectifying(world, **kw):
    hazard = _hazard(world, **kw)
    services.hazard_plan(hazard=hazard, by=world.principal, responsible_person="王五", measures="更换",
                         funds=0, emergency_plan="临时措施")
    return hazard


def _submitted(world, **kw):
    hazard = _rectifying(world, **kw)
    services.hazard_submit(hazard=hazard, by=world.principal, note="已更换", evidence=[jpeg()])
    return hazard


def _pending_extension(world):
    hazard = _hazard(world)
    services.hazard_extension_request(hazard=hazard, by=world.principal, new_deadline=datetime.date(2026, 7, 31),
                                      reason="设备未到")
    return hazard


FIVE = {"responsible_person": "王五", "measures": "更换灭火器", "funds": "800", "emergency_plan": "临时措施"}
H = "/inspections/hazards"


def _page_and_api(action, world, user):
    """``[(response, snapshot before, snapshot after)]`` of ``action`` by ``user`` on the page, then
    in the API, each on its own record (made just before its request)."""
    results = []
    for side in ("page", "api"):
        client = APIClient()
        client.force_login(user)
        send = _one(action, world, client, side, world.e_hutang)
        before = snapshot()
        response = send()
        results.append((response, before, snapshot()))
    return results


def _one(action, world, client, side, e):  # noqa: C901 (one branch per action, read as a table)
    """Make the record ``action`` works on, and return the request to send (not sent yet)."""
    is_page = side == "page"
    if action == "enterprise_create":
        if is_page:
            data = enterprise_form_data(world.e_hutang2)
            data.update(credit_code=credit_code(), name="常州湖塘新建有限公司", effective_date="2026-05-01",
                        reason="新设立")
            return lambda: client.post("/enterprises/new/", data)
        return lambda: client.post("/api/v1/enterprises/", {
            "credit_code": credit_code(), "name": "常州湖塘接口新建有限公司", "township": world.hutang.pk,
            "industry": world.e_hutang2.industry_id, "effective_date": "2026-05-01", "reason": "新设立"},
            format="json")
    if action == "enterprise_edit":
        if is_page:
            return lambda: client.post(f"/enterprises/{e.pk}/edit/", {**enterprise_form_data(e), "address": "新地址 1 号"})
        return lambda: client.patch(f"/api/v1/enterprises/{e.pk}/", {"address": "新地址 2 号"}, format="json")
    if action == "inspection_submit":
        if is_page:
            return lambda: client.post(new_url(e), field_form(general(), key=new_client_key()))
        from tests.inspections.test_inspections_api import _submission
        return lambda: client.post("/api/v1/inspections/", _submission(e), format="json",
                           HTTP_IDEMPOTENCY_KEY=new_client_key())
    steps = {  # action -> (record, page path, page data, api path, api data)
        "hazard_plan": (_hazard, "plan", FIVE, "plan", FIVE),
        "hazard_submit": (_rectifying, "submit", {"note": "已更换", "evidence": jpeg()},
                          "submit", {"note": "已更换", "evidence": [jpeg()]}),
        "extension_request": (_hazard, "extension", {"new_deadline": "2026-07-31", "reason": "设备未到"},
                              "extension", {"new_deadline": "2026-07-31", "reason": "设备未到"}),
        "hazard_verify": (_submitted, "verify", {"note": "已验收"}, "verify", {"note": "已验收"}),
        "hazard_send_back": (_submitted, "send-back", {"reason": "照片不清"}, "send-back", {"reason": "照片不清"}),
        "major_hazard_verify": (lambda w: _submitted(w, major=True), "verify", {}, "verify", {}),
    }
    if action in steps:
        make, page_step, page_data, api_step, api_data = steps[action]
        hazard = make(world)
        if is_page:
            return lambda: client.post(f"{H}/{hazard.pk}/{page_step}/", page_data)
        return lambda: client.post(f"/api/v1/hazards/{hazard.pk}/{api_step}/", api_data, format="multipart")
    if action == "extension_decide":
        hazard = _pending_extension(world)
        if is_page:
            extension = hazard.extensions.get()
            return lambda: client.post(f"{H}/extensions/{extension.pk}/decide/", {"decision": "grant", "note": "同意"})
        return lambda: client.post(f"/api/v1/hazards/{hazard.pk}/extension-decision/", {"grant": True, "note": "同意"},
                           format="json")
    if action == "penalty_create":
        inspection = make_inspection(e, world.inspector, inspected_on=FOUND)
        data = {"decision_number": "武应急罚〔2026〕1号", "decided_on": "2026-05-12", "violation": "未按规定清扫粉尘",
                "legal_basis": "《安全生产法》第九十九条", "fine": "20000"}
        if is_page:
            return lambda: client.post(f"/inspections/{inspection.pk}/penalties/new/", data)
        return lambda: client.post("/api/v1/penalties/", {**data, "inspection": inspection.pk}, format="json")
    if action == "plan_create":
        if is_page:
            return lambda: client.post("/inspections/plans/new/", {"title": "2026年执法计划", "kind": "annual", "year": "2026",
                                                           "start": "", "end": ""})
        return lambda: client.post("/api/v1/inspection-plans/", {"title": "2026年执法计划（接口）", "kind": "annual",
                                                         "year": 2026}, format="json")
    if action in ("plan_change", "district_plan_change"):
        if action == "plan_change":
            plan = services.plan_create(region=world.hutang, by=world.inspector, title="湖塘镇计划", year=2026)
        else:
            plan = services.plan_create(region=world.wujin, by=world.bureau, title="武进区计划", year=2026)
        data = {"enterprises": [e.pk], "due_date": "2026-09-30"}
        if is_page:
            return lambda: client.post(f"/inspections/plans/{plan.pk}/items/add/", data)
        return lambda: client.post(f"/api/v1/inspection-plans/{plan.pk}/items/", data, format="json")
    if action == "campaign_create":
        data = {"name": "工贸行业安全生产大检查", "kind": "general", "start": "2026-04-01", "end": "2026-06-30"}
        if is_page:
            return lambda: client.post("/inspections/campaigns/new/", data)
        return lambda: client.post("/api/v1/campaigns/", data, format="json")
    if action == "snapshot_compute":
        # the page and the API each freeze their own quarter (a run still building refuses a second)
        if is_page:
            return lambda: client.post("/assessments/snapshots/", {"region": world.wujin.pk, "quarter": "2025Q4"})
        return lambda: client.post("/api/v1/snapshots/", {"region": world.wujin.pk, "period": "2026Q1"},
                                   format="json")
    raise AssertionError(action)


HTTP_ACTIONS = [a for a in EXPECTED if a != "roster_import"]


@pytest.mark.parametrize("action", HTTP_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_page_and_api_give_the_same_answer(world, cast, action, role):
    expected = EXPECTED[action][role]
    (page, page_before, page_after), (api, api_before, api_after) = _page_and_api(action, world, cast[role])
    got = (outcome(page, page=True), outcome(api, page=False))
    assert got == (expected, expected), (action, role, page.status_code, api.status_code)
    if expected == "done":
        assert page_after != page_before and api_after != api_before
    else:  # a refusal or bad input changes nothing, on either side
        assert page_after == page_before, (action, role)
        assert api_after == api_before, (action, role)
    if expected == "403":  # a refusal says why, in Chinese
        assert any("\u4e00" <= ch <= "\u9fff" for ch in api.json()["detail"]), api.json()


# -- the roster import: a page (a job) and the service, no API -----------------------------------------------
def _import_by_service(user):
    try:
        importers.roster_import(file_obj=xlsx_file([row(**{"企业名称": "常州导入服务有限公司"})]), user=user)
    except PermissionDenied:
        return "403"
    except ValidationError:
        return "invalid"
    return "done"


def _import_by_page(user, on_commit):
    client = APIClient()
    client.force_login(user)
    with on_commit(execute=True):  # the job is queued once the transaction commits
        response = client.post("/enterprises/import/",
                               {"file": xlsx_file([row(**{"企业名称": "常州导入页面有限公司"})])})
    if response.status_code in (403, 404):
        return str(response.status_code)
    assert response.status_code == 302
    job = Job.objects.filter(owner=user).latest("pk")  # the import ran as a job (in process in tests)
    return {Job.State.DONE: "done", Job.State.FAILED: "invalid"}[job.state]


@pytest.mark.parametrize("role", ROLES)
def test_roster_import_page_and_service_agree(world, cast, role, django_capture_on_commit_callbacks):
    expected = EXPECTED["roster_import"][role]
    user = cast[role]
    before, jobs = snapshot(), Job.objects.count()
    page = _import_by_page(user, django_capture_on_commit_callbacks)
    if page != "done":
        assert snapshot() == before
    if page in ("403", "404"):
        assert Job.objects.count() == jobs  # no job either
    before = snapshot()
    service = _import_by_service(user)
    if service != "done":
        assert snapshot() == before
    assert (page, service) == (expected, expected), role


# -- §10: one inspector alone took a hazard from reported to closed through the API -------------------------
def test_an_inspector_cannot_take_the_enterprise_steps_through_the_api(world):
    hazard = _hazard(world)
    client = APIClient()
    client.force_login(world.inspector)
    before = snapshot()
    url = f"/api/v1/hazards/{hazard.pk}/"
    plan = client.post(f"{url}plan/", FIVE, format="json")
    assert plan.status_code == 403 and "主要负责人" in plan.json()["detail"]
    assert client.post(f"{url}extension/", {"new_deadline": "2026-07-31", "reason": "x"},
                       format="json").status_code == 403
    # the state the enterprise would have reached: still the inspector may not submit its evidence
    services.hazard_plan(hazard=hazard, by=world.principal, **{**FIVE, "funds": 800})
    before = snapshot()
    submit = client.post(f"{url}submit/", {"note": "已更换", "evidence": [jpeg()]}, format="multipart")
    assert submit.status_code == 403
    assert snapshot() == before
    hazard.refresh_from_db()
    assert hazard.status == "rectifying" and not hazard.events.filter(action="submit").exists()
    # and it cannot be verified, since nothing was submitted
    assert client.post(f"{url}verify/", {}, format="json").status_code == 400
    assert snapshot() == before


def test_an_enterprise_user_asking_for_a_supervisors_step_gets_403_with_the_reason(world):
    """Not a 400 with a message: a step the role may never take is a 403, like every refusal of that kind."""
    hazard = _submitted(world)
    client = APIClient()
    client.force_login(world.principal)
    before = snapshot()
    url = f"/api/v1/hazards/{hazard.pk}/"
    for step, data in (("verify/", {}), ("send-back/", {"reason": "x"}), ("suspend/", {"reason": "x"})):
        response = client.post(url + step, data, format="json")
        assert response.status_code == 403, step
        assert response.json()["detail"], step
    extension = _pending_extension(world)
    before = snapshot()
    response = client.post(f"/api/v1/hazards/{extension.pk}/extension-decision/", {"grant": True}, format="json")
    assert response.status_code == 403
    assert snapshot() == before


# -- the table itself -------------------------------------------------------------------------------------------
def test_every_role_is_in_the_table_and_the_next_apps_roles_hold_nothing():
    assert set(caps.ROLE_CAPABILITIES) | {Role.ENTERPRISE} == set(Role)
    for role in (Role.AGENCY, Role.EXPERT, Role.TRAINING):
        assert caps.granted(role) == frozenset()
    assert set(caps.POSITION_CAPABILITIES) == set(caps.POSITIONS)
    for held in [*caps.ROLE_CAPABILITIES.values(), *caps.POSITION_CAPABILITIES.values()]:
        assert held <= set(caps.CAPABILITIES)


# Who holds what, written out by hand (B bureau staff, T township inspector, G grid member,
# P principal, S safety manager, s staff, A auditor, M administrator; agency, expert, training: none).
HOLDERS = """
view_roster              B T G P S s
manage_roster            B T
edit_own_enterprise      P S
import_roster            B T
roster_reports           B T
view_enterprise_accounts B T
view_inspections         B T P S s
view_hazards             B T G P S s
supervise                B T
inspect                  B T
patrol                   B T G
penalise                 B T
report_hazard            B T P S
rectify                  P S
verify_hazard            B T
decide_extension         B T
plan                     B T
manage_campaigns         B T
manage_regions           B T
manage_thresholds        B
manage_roster_sets       B
manage_accounts          M
read_audit               A
view_risk                B T G P S s
manage_risk_points       P S
scan                     P S s
manage_risk_dictionary   B
compute_snapshots        B
issue_notices            B
read_notices             B T G
manage_rubrics           B
score_enterprises        B T
score_units              B T
review_plans             B T
random_checks            B
file_plan                P S
manage_key_tasks         B
submit_key_task_evidence B T
"""
LETTERS = {"B": "bureau", "T": "inspector", "G": "grid", "P": "principal", "S": "manager", "s": "staff",
           "A": "auditor", "M": "admin"}


@pytest.fixture
def everyone(world, cast):
    from tests.enterprises.factories import make_enterprise_user
    return {**cast, "manager": make_enterprise_user(world.e_hutang, "safety_manager")}


def test_can_over_every_role_and_capability(world, everyone):
    table = {line.split()[0]: {LETTERS[x] for x in line.split()[1:]} for line in HOLDERS.strip().splitlines()}
    assert set(table) == set(caps.CAPABILITIES)
    loner = UserFactory(role=Role.ENTERPRISE)  # an enterprise account without its enterprise holds nothing
    for capability, holders in table.items():
        for name, user in everyone.items():
            want = name in holders or (name == "luoyang" and "inspector" in holders)
            assert scope.can(user, capability) is want, (capability, name)
        assert scope.can(world.superuser, capability)
        assert not scope.can(loner, capability)
        world.bureau.is_active = False
        assert not scope.can(world.bureau, capability)
        world.bureau.is_active = True
    with pytest.raises(ValueError):
        scope.can(world.bureau, "fly")


def test_can_on_an_object_asks_its_scope_and_its_owning_unit(world):
    general, major = _hazard(world), _hazard(world, major=True)
    luoyang_hazard = make_inspection(world.e_luoyang, world.luoyang_inspector, inspected_on=FOUND,
                                     failures={"GEN-12": {}}).hazards.get()
    hutang_plan = services.plan_create(region=world.hutang, by=world.inspector, title="湖塘镇计划", year=2026)
    district_plan = services.plan_create(region=world.wujin, by=world.bureau, title="武进区计划", year=2026)
    cases = [
        # (user, capability, object, answer): the township verifies general hazards, the district major ones
        (world.inspector, caps.VERIFY_HAZARD, general, True),
        (world.inspector, caps.VERIFY_HAZARD, major, False),
        (world.bureau, caps.VERIFY_HAZARD, major, True),
        (world.city_staff, caps.VERIFY_HAZARD, major, True),
        (world.luoyang_inspector, caps.VERIFY_HAZARD, general, False),  # out of scope
        (world.inspector, caps.VERIFY_HAZARD, luoyang_hazard, False),
        (world.inspector, caps.DECIDE_EXTENSION, major, False),
        # the enterprise's steps are its own writers'
        (world.principal, caps.RECTIFY, general, True),
        (world.staff, caps.RECTIFY, general, False),
        (world.principal, caps.RECTIFY, luoyang_hazard, False),
        (world.inspector, caps.RECTIFY, general, False),
        # a plan is changed by its making unit or one above it; a township reads the district's
        (world.inspector, caps.PLAN, hutang_plan, True),
        (world.bureau, caps.PLAN, hutang_plan, True),
        (world.inspector, caps.PLAN, district_plan, False),
        (world.luoyang_inspector, caps.PLAN, hutang_plan, False),
        (world.bureau, caps.PLAN, district_plan, True),
        # regions: added below one's own, one's own region edited only from above
        (world.inspector, caps.MANAGE_REGIONS, world.hutang, True),
        (world.inspector, caps.MANAGE_REGIONS, world.wujin, False),
        (world.bureau, caps.MANAGE_REGIONS, world.hutang, True),
        # an enterprise edits its own record only
        (world.principal, caps.EDIT_OWN_ENTERPRISE, world.e_hutang, True),
        (world.principal, caps.EDIT_OWN_ENTERPRISE, world.e_hutang2, False),
        (world.superuser, caps.VERIFY_HAZARD, major, True),
    ]
    for user, capability, obj, answer in cases:
        assert scope.can(user, capability, obj) is answer, (user.username, capability, obj)
    assert scope.visible(world.inspector, InspectionPlan.objects.filter(pk=district_plan.pk)).exists()


# -- the menu asks the same table ------------------------------------------------------------------------------
SUPERVISOR_MENU = {"enterprises:list", "enterprises:overview", "enterprises:changes", "enterprises:import",
                   "inspections:inspection_list", "inspections:hazard_list", "inspections:major_hazard_list",
                   "inspections:plan_list", "inspections:campaign_list", "statistics:index", "statistics:dashboard",
                   "inspections:penalty_list", "regions:tree"}
MENUS = {
    "bureau": SUPERVISOR_MENU | {"rules:list"},  # thresholds are the bureau's
    "inspector": SUPERVISOR_MENU,
    "grid": {"enterprises:list", "inspections:hazard_list"},
    "principal": {"enterprises:list", "inspections:inspection_list", "inspections:hazard_list",
                  "inspections:penalty_list"},
    "staff": {"enterprises:list", "inspections:inspection_list", "inspections:hazard_list",
              "inspections:penalty_list"},
    "auditor": {"manage:audit", "manage:access_log"},
    "admin": {"manage:users", "enterprises:accounts"},
    "agency": set(), "expert": set(), "training": set(),
}


def test_the_menu_shows_what_the_capabilities_allow(world, cast):
    from portal.ui import nav_items_for
    for name, want in MENUS.items():
        got = {item.url_name for item in nav_items_for(scope.capabilities(cast[name]))}
        assert got & (SUPERVISOR_MENU | {"rules:list", "manage:audit", "manage:access_log", "manage:users",
                                         "enterprises:accounts"}) == want, name
    everything = {item.url_name for item in nav_items_for(scope.capabilities(world.superuser))}
    assert everything >= SUPERVISOR_MENU | {"rules:list", "manage:users", "manage:audit", "enterprises:accounts"}
