"""/api/v1/ for inspections: the idempotent field submission, the hazard life cycle driven to a
verified close entirely over the API, penalties, plans and campaigns — each scoped like the pages
(out of scope 404 and nothing changed, read-only 403, bad input 400 in Chinese)."""
import datetime
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from enterprises.models import EnterpriseChange
from inspections.models import (Campaign, ChecklistTemplate, Hazard, HazardEvent, HazardExtension, Inspection,
                                InspectionPlan, Penalty, PlanItem)
from inspections.services import (campaign_create, hazard_plan, hazard_submit, hazard_verify, plan_create,
                                  plan_items_add)
from portal.attachments.models import Attachment
from portal.submissions.models import Submission

from tests.api_errors import fields, general, refusal
from tests.enterprises.factories import enterprise_writer
from tests.factories import jpeg
from tests.inspections.factories import OFFICERS, criterion, make_inspection

pytestmark = pytest.mark.django_db
D = datetime.date(2022, 5, 10)
KEY = "field-submit-0001"


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def _checklist():
    return ChecklistTemplate.objects.get(code="general", region=None, status="published")


def _submission(enterprise, *, fail=(), **overrides):
    """A JSON field submission of the general checklist: every item compliant but ``fail``."""
    checklist = _checklist()
    data = {
        "enterprise": enterprise.pk, "kind": "enforcement", "inspected_on": D.isoformat(), "checklist": checklist.pk,
        "answers": [{"item": i.pk, "result": "fail" if i.code in fail else "pass", "note": ""}
                    for i in checklist.items.all()],
        "findings": [{"item_code": code, "description": f"{code} 灭火器过期", "location": "一号车间",
                      "deadline": (D + datetime.timedelta(days=30)).isoformat()} for code in fail],
        "officers": [list(o) for o in OFFICERS], "summary": "现场检查",
    }
    data.update(overrides)
    return data


def _ledger():
    """What a refused request must leave as it was."""
    return (Inspection.objects.count(), list(Hazard.objects.order_by("pk").values_list("pk", "status", "deadline")),
            HazardEvent.objects.count(), HazardExtension.objects.count(), Penalty.objects.count(),
            Attachment.objects.count(), PlanItem.objects.count(), Submission.objects.count())


def _hazard(world, enterprise=None, by=None):
    inspection = make_inspection(enterprise or world.e_hutang, by or world.inspector, inspected_on=D,
                                 failures={"GEN-12": {"description": "灭火器过期"}})
    return inspection.hazards.get()


def _flat(body):
    """Every message of an error body, whatever its shape."""
    if isinstance(body, dict):
        return " ".join(_flat(v) for v in body.values())
    if isinstance(body, list):
        return " ".join(_flat(v) for v in body)
    return str(body)


# -- the idempotent submit -------------------------------------------------------------------------------------------
def test_submit_the_same_key_twice_makes_one_inspection(world):
    client = _client(world.inspector)
    data = _submission(world.e_hutang, fail=["GEN-12"])
    first = client.post("/api/v1/inspections/", data, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == 201, first.json()
    assert "Idempotent-Replayed" not in first
    body = first.json()
    inspection = Inspection.objects.get()
    assert body["id"] == inspection.pk and body["enterprise_name"] == "常州湖塘机械有限公司"
    assert body["officers"] == [["张明", "32040001"], ["李强", "32040002"]]
    assert body["hazards"] == [inspection.hazards.get().pk]
    assert {a["item_code"]: a["result"] for a in body["answers"]}["GEN-12"] == "fail"
    assert inspection.township == world.hutang and inspection.submitted_by == world.inspector

    again = client.post("/api/v1/inspections/", data, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == body
    assert Inspection.objects.count() == 1 and Hazard.objects.count() == 1


def test_a_reused_key_with_another_payload_is_a_409(world):
    client = _client(world.inspector)
    assert client.post("/api/v1/inspections/", _submission(world.e_hutang), format="json",
                       HTTP_IDEMPOTENCY_KEY=KEY).status_code == 201
    before = _ledger()
    other = client.post("/api/v1/inspections/", _submission(world.e_hutang2), format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert other.status_code == 409
    assert refusal(other, 409) == general("该提交标识已用于另一次不同的提交，请刷新页面后重新提交。", "conflict")
    assert _ledger() == before


def test_a_submit_without_a_key_is_a_400(world):
    response = _client(world.inspector).post("/api/v1/inspections/", _submission(world.e_hutang), format="json")
    assert response.status_code == 400
    assert refusal(response) == general("须提供 Idempotency-Key 请求头（8 至 64 位字母、数字、_ 或 -）。")
    assert Inspection.objects.count() == 0


def test_a_bad_submission_stores_nothing_and_the_key_stays_free(world):
    client = _client(world.inspector)
    before = _ledger()
    # GEN-12 failed but no finding recorded for it
    response = client.post("/api/v1/inspections/", _submission(world.e_hutang, fail=["GEN-12"], findings=[]),
                           format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 400
    assert "GEN-12" in _flat(fields(response)["findings"]) and "隐患" in _flat(fields(response)["findings"])
    # a deadline before the inspection date
    findings = [{"item_code": "GEN-12", "description": "灭火器过期", "deadline": "2022-05-01"}]
    response = client.post("/api/v1/inspections/", _submission(world.e_hutang, fail=["GEN-12"], findings=findings),
                           format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 400
    assert "整改期限不能早于隐患发现日期" in _flat(response.json())
    assert _ledger() == before
    # the same key, now with a good payload: the failed attempts did not use it up
    assert client.post("/api/v1/inspections/", _submission(world.e_hutang, fail=["GEN-12"]), format="json",
                       HTTP_IDEMPOTENCY_KEY=KEY).status_code == 201


@pytest.mark.parametrize("overrides, expected", [
    ({"checklist": 999999}, {"checklist": ["未知的检查表。"]}),
    ({"plan_item": 999999}, {"plan_item": ["该企业没有此编号的计划事项。"]}),
    ({"campaign": 999999}, {"campaign": ["该企业不是此编号专项整治的对象企业。"]}),
    ({"officers": [["张明", "32040001"]]}, {"officers": ["请填写两名执法人员及其执法证号。"]}),
])
def test_submit_bad_references(world, overrides, expected):
    before = _ledger()
    response = _client(world.inspector).post("/api/v1/inspections/", _submission(world.e_hutang, **overrides),
                                             format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 400
    assert fields(response) == expected
    assert _ledger() == before


def test_multipart_lists_must_be_json(world):
    response = _client(world.inspector).post("/api/v1/inspections/", {**_submission(world.e_hutang), "answers": "[{",
                                                                      "findings": "[]", "officers": "[]"},
                                             format="multipart", HTTP_IDEMPOTENCY_KEY=KEY)
    assert fields(response) == {"answers": ["不是有效的 JSON。"]}


def test_multipart_submit_with_finding_photos(world):
    client = _client(world.inspector)
    checklist = _checklist()
    answers = [{"item": i.pk, "result": "fail" if i.code in ("GEN-12", "GEN-03") else "pass"}
               for i in checklist.items.all()]
    findings = [{"item_code": "GEN-12", "description": "灭火器过期", "deadline": "2022-06-10"},
                {"item_code": "GEN-03", "description": "安全出口堵塞", "on_the_spot": True}]
    form = {"enterprise": world.e_hutang.pk, "kind": "enforcement", "inspected_on": D.isoformat(),
            "checklist": checklist.pk, "answers": json.dumps(answers), "findings": json.dumps(findings),
            "officers": json.dumps(OFFICERS), "finding_2_photos": [jpeg("after.jpg"), jpeg("after2.jpg")],
            "photos": [jpeg("gate.jpg")]}
    response = client.post("/api/v1/inspections/", form, format="multipart", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 201, response.json()
    inspection = Inspection.objects.get()
    spot = inspection.hazards.get(item_code="GEN-03")
    assert (spot.status, spot.on_the_spot) == ("closed", True)
    assert Attachment.objects.filter(object_id=spot.pk, content_type__model="hazard").count() == 2
    assert [p["original_name"] for p in response.json()["photos"]] == ["gate.jpg"]
    assert inspection.hazards.get(item_code="GEN-12").status == "reported"


def test_multipart_on_the_spot_without_a_photo_is_refused(world):
    checklist = _checklist()
    answers = [{"item": i.pk, "result": "fail" if i.code == "GEN-03" else "pass"} for i in checklist.items.all()]
    form = {"enterprise": world.e_hutang.pk, "inspected_on": D.isoformat(), "checklist": checklist.pk,
            "answers": json.dumps(answers), "officers": json.dumps(OFFICERS),
            "findings": json.dumps([{"item_code": "GEN-03", "description": "安全出口堵塞", "on_the_spot": True}])}
    response = _client(world.inspector).post("/api/v1/inspections/", form, format="multipart",
                                             HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 400
    assert fields(response) == {"findings": ["第 1 条隐患：当场整改的隐患须上传整改后照片。"]}
    assert Inspection.objects.count() == 0 and Attachment.objects.count() == 0


def test_only_inspectors_submit(world):
    before = _ledger()
    # in scope but not an inspector: 403; the auditor and the administrator see no enterprise: 404,
    # as on the page
    for user, expected in ((world.principal, 403), (world.staff, 403), (world.grid_member, 403),
                           (world.auditor, 404), (world.admin, 404)):
        response = _client(user).post("/api/v1/inspections/", _submission(world.e_hutang), format="json",
                                      HTTP_IDEMPOTENCY_KEY=KEY)
        assert response.status_code == expected, user
    assert _ledger() == before


def test_submit_for_an_enterprise_out_of_scope_is_a_404(world):
    before = _ledger()
    response = _client(world.luoyang_inspector).post("/api/v1/inspections/", _submission(world.e_hutang),
                                                     format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 404
    assert _ledger() == before  # nor is the key used up


def test_a_cross_inspector_submits_for_the_assigned_enterprise(world):
    year = timezone.localdate().year
    plan = plan_create(region=world.wujin, by=world.bureau, title="交叉检查", year=year, kind="cross")
    plan_items_add(plan=plan, by=world.bureau, enterprises=[world.e_hutang], due_date=datetime.date(year, 12, 31),
                   assignee=world.luoyang_inspector)
    client = _client(world.luoyang_inspector)
    data = _submission(world.e_hutang, kind="cross", plan_item=plan.items.get().pk)
    response = client.post("/api/v1/inspections/", data, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 201, response.json()
    assert Inspection.objects.get().plan_item == plan.items.get()
    # the grant is for the assigned enterprise only
    assert client.post("/api/v1/inspections/", _submission(world.e_hutang2), format="json",
                       HTTP_IDEMPOTENCY_KEY="field-submit-0002").status_code == 404


# -- the hazard life cycle over the API --------------------------------------------------------------------------------
FIVE = {"responsible_person": "王五", "measures": "更换灭火器", "funds": "800.00", "emergency_plan": "临时增配灭火器"}


def test_a_hazard_is_driven_to_a_verified_close_over_the_api(world):
    inspector = _client(world.inspector)
    data = _submission(world.e_hutang, fail=["GEN-12"])
    hazard_id = inspector.post("/api/v1/inspections/", data, format="json", HTTP_IDEMPOTENCY_KEY=KEY).json()["hazards"][0]
    url = f"/api/v1/hazards/{hazard_id}/"

    principal = _client(world.principal)
    assert principal.get(url).json()["status"] == "reported"
    planned = principal.post(f"{url}plan/", FIVE, format="json")
    assert planned.status_code == 200, planned.json()
    assert (planned.json()["status"], planned.json()["status_display"]) == ("rectifying", "整改中")
    submitted = principal.post(f"{url}submit/", {"note": "已更换灭火器", "evidence": [jpeg("new.jpg")]},
                               format="multipart")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted" and submitted.json()["can_verify"] is False

    detail = inspector.get(url).json()
    assert detail["can_verify"] is True
    verified = inspector.post(f"{url}verify/", {"note": "现场核实"}, format="json")
    assert verified.status_code == 200
    body = verified.json()
    assert (body["status"], body["closed_by"], body["closed_on"]) == (
        "closed", world.inspector.pk, timezone.localdate().isoformat())
    assert [e["action"] for e in body["events"]] == ["report", "plan", "submit", "verify"]
    evidence = body["events"][2]["evidence"]
    assert [e["original_name"] for e in evidence] == ["new.jpg"]
    # the evidence is served through scope: the principal sees it, the other township does not
    assert principal.get(evidence[0]["url"]).status_code == 200
    assert _client(world.luoyang_inspector).get(evidence[0]["url"]).status_code == 404

    # a second verification of the closed hazard: 400 in Chinese, nothing recorded
    before = _ledger()
    again = _client(world.bureau).post(f"{url}verify/", {}, format="json")
    assert again.status_code == 400
    assert "该隐患已验收销号" in _flat(again.json())
    assert _ledger() == before


def test_send_back_and_out_of_order_steps(world):
    hazard = _hazard(world)
    url = f"/api/v1/hazards/{hazard.pk}/"
    principal, inspector = _client(world.principal), _client(world.inspector)
    before = _ledger()
    # verify before anything was submitted: out of order
    response = inspector.post(f"{url}verify/", {}, format="json")
    assert response.status_code == 400
    assert refusal(response) == general("该隐患当前状态为“已上报”，不能进行此操作。")
    # evidence without a file
    principal.post(f"{url}plan/", FIVE, format="json")
    before = _ledger()
    response = principal.post(f"{url}submit/", {"note": "已更换"}, format="multipart")
    assert "evidence" in fields(response)
    assert _ledger() == before
    principal.post(f"{url}submit/", {"note": "已更换", "evidence": [jpeg()]}, format="multipart")
    # the principal cannot verify their own rectification: a step the role never takes is a 403
    before = _ledger()
    refused = principal.post(f"{url}verify/", {}, format="json")
    assert refused.status_code == 403 and "验收" in _flat(refused.json())
    assert _ledger() == before
    back = inspector.post(f"{url}send-back/", {"reason": "照片看不清"}, format="json")
    assert back.status_code == 200
    assert back.json()["status"] == "rectifying" and back.json()["events"][-1]["note"] == "照片看不清"


def test_hazard_actions_out_of_scope_are_404_and_change_nothing(world):
    hazard = _hazard(world)
    hazard_plan(hazard=hazard, by=world.principal, responsible_person="王五", measures="更换",
                             funds=0, emergency_plan="临时措施")
    hazard_submit(hazard=hazard, by=world.principal, note="已更换", evidence=[jpeg()])
    url = f"/api/v1/hazards/{hazard.pk}/"
    before = _ledger()
    for user in (world.luoyang_inspector, world.auditor, world.admin):
        client = _client(user)
        assert client.get(url).status_code == 404
        for step, data in (("verify/", {}), ("send-back/", {"reason": "x"}), ("plan/", FIVE),
                           ("extension/", {"new_deadline": "2030-01-01", "reason": "x"}),
                           ("extension-decision/", {"grant": True}), ("suspend/", {"reason": "x"})):
            assert client.post(url + step, data, format="json").status_code == 404, (user, step)
    assert _ledger() == before


def test_read_only_users_get_403_and_change_nothing(world):
    hazard = _hazard(world)
    url = f"/api/v1/hazards/{hazard.pk}/"
    before = _ledger()
    # enterprise staff (not principal or safety manager) and the grid member read but do not act
    for user in (world.staff, world.grid_member):
        client = _client(user)
        assert client.get(url).status_code == 200
        assert client.post(f"{url}plan/", FIVE, format="json").status_code == 403
        assert client.post(f"{url}verify/", {}, format="json").status_code == 403
        assert client.post(f"{url}submit/", {"note": "x", "evidence": [jpeg()]}, format="multipart").status_code == 403
    assert _ledger() == before


def test_extension_request_and_decision(world):
    hazard = _hazard(world)
    url = f"/api/v1/hazards/{hazard.pk}/"
    principal, inspector = _client(world.principal), _client(world.inspector)
    assert refusal(inspector.post(f"{url}extension-decision/", {"grant": True}, format="json")) == general(
        "该隐患没有待决定的延期申请。")
    new = (hazard.deadline + datetime.timedelta(days=20)).isoformat()
    early = principal.post(f"{url}extension/", {"new_deadline": hazard.deadline.isoformat(), "reason": "设备未到"},
                           format="json")
    assert "new_deadline" in fields(early)
    asked = principal.post(f"{url}extension/", {"new_deadline": new, "reason": "设备未到"}, format="json")
    assert asked.status_code == 200
    assert asked.json()["extensions"][0]["status"] == "pending"
    # the enterprise does not decide its own request (403), and the request stays pending
    assert principal.post(f"{url}extension-decision/", {"grant": True}, format="json").status_code == 403
    assert HazardExtension.objects.get().status == "pending"
    refused = inspector.post(f"{url}extension-decision/", {"grant": False}, format="json")
    assert "note" in fields(refused)
    granted = inspector.post(f"{url}extension-decision/", {"grant": True, "note": "同意"}, format="json")
    assert granted.status_code == 200
    assert granted.json()["deadline"] == new and granted.json()["extensions"][0]["status"] == "granted"


def test_suspend_changes_the_roster_status(world):
    hazard = _hazard(world)
    url = f"/api/v1/hazards/{hazard.pk}/suspend/"
    refused = _client(world.principal).post(url, {"reason": "x"}, format="json")
    assert refused.status_code == 403 and "执法" in _flat(refused.json())
    world.e_hutang.refresh_from_db()
    assert world.e_hutang.status == "producing"
    response = _client(world.inspector).post(url, {"reason": "除尘系统失效", "effective_date": "2022-05-11"},
                                             format="json")
    assert response.status_code == 200 and response.json()["suspension_ordered"] is True
    world.e_hutang.refresh_from_db()
    assert world.e_hutang.status == "suspended"
    assert EnterpriseChange.objects.filter(enterprise=world.e_hutang, to_status="suspended").exists()


def test_a_major_hazard_is_verified_by_the_bureau(world):
    inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=D, checklist="dust",
                                 failures={"DUST-03": {"description": "除尘器未泄爆", "major_criterion": criterion().pk}})
    hazard = inspection.hazards.get()
    hazard_plan(hazard=hazard, by=world.principal, responsible_person="王五", measures="加装泄爆片", funds=5000,
                emergency_plan="停用除尘器")
    hazard_submit(hazard=hazard, by=world.principal, note="已加装", evidence=[jpeg()])
    url = f"/api/v1/hazards/{hazard.pk}/verify/"
    refused = _client(world.inspector).post(url, {}, format="json")
    assert refused.status_code == 403 and "重大" in _flat(refused.json())
    assert Hazard.objects.get(pk=hazard.pk).status == "submitted"
    assert _client(world.bureau).post(url, {}, format="json").json()["status"] == "closed"
    assert _client(world.bureau).get("/api/v1/hazards/?district_supervised=true").json()["count"] == 1


# -- reporting a hazard outside an inspection --------------------------------------------------------------------------
def test_self_check_and_inspector_reports(world):
    today = timezone.localdate()
    deadline = (today + datetime.timedelta(days=10)).isoformat()
    mine = _client(world.principal).post("/api/v1/hazards/", {"description": "配电箱门未关", "deadline": deadline},
                                         format="json")
    assert mine.status_code == 201, mine.json()
    assert (mine.json()["source"], mine.json()["enterprise"], mine.json()["found_on"]) == (
        "self_check", world.e_hutang.pk, today.isoformat())
    # an enterprise user reports on their own enterprise whatever id they send
    other = _client(world.principal).post("/api/v1/hazards/", {"enterprise": world.e_luoyang.pk,
                                                               "description": "x", "deadline": deadline}, format="json")
    assert other.json()["enterprise"] == world.e_hutang.pk
    report = _client(world.inspector).post("/api/v1/hazards/", {
        "enterprise": world.e_hutang2.pk, "description": "群众举报：仓库堆放易燃物", "deadline": deadline,
        "major_criterion": "DUST-3"}, format="json")
    assert report.status_code == 201, report.json()
    assert (report.json()["source"], report.json()["severity"], report.json()["district_supervised"]) == (
        "report", "major", True)
    before = _ledger()
    assert _client(world.staff).post("/api/v1/hazards/", {"description": "x", "deadline": deadline},
                                     format="json").status_code == 403
    assert _client(world.grid_member).post("/api/v1/hazards/", {"enterprise": world.e_hutang.pk, "description": "x",
                                                                "deadline": deadline}, format="json").status_code == 403
    assert _client(world.luoyang_inspector).post("/api/v1/hazards/", {
        "enterprise": world.e_hutang.pk, "description": "x", "deadline": deadline}, format="json").status_code == 404
    bad = _client(world.inspector).post("/api/v1/hazards/", {"enterprise": world.e_hutang.pk, "description": " ",
                                                             "deadline": deadline, "major_criterion": "NO-SUCH"},
                                        format="json")
    assert fields(bad)["major_criterion"] == ["未知的重大事故隐患判定标准。"]
    assert _ledger() == before


# -- list scoping ----------------------------------------------------------------------------------------------------------
def test_lists_are_scoped_for_each_role(world):
    make_inspection(world.e_hutang, world.inspector, inspected_on=D, failures={"GEN-12": {}})
    make_inspection(world.e_hutang2, world.inspector, inspected_on=D, failures={"GEN-12": {}, "GEN-03": {}})
    make_inspection(world.e_luoyang, world.luoyang_inspector, inspected_on=D, failures={"GEN-12": {}})
    expected = {  # (inspections, hazards) each role sees
        "superuser": (3, 4), "bureau": (3, 4), "inspector": (2, 3), "luoyang_inspector": (1, 1),
        "principal": (1, 1), "staff": (1, 1), "grid_member": (1, 1), "auditor": (0, 0), "admin": (0, 0)}
    for role, (inspections, hazards) in expected.items():
        client = _client(getattr(world, role))
        assert client.get("/api/v1/inspections/").json()["count"] == inspections, role
        assert client.get("/api/v1/hazards/").json()["count"] == hazards, role
    # the shared filters: township, search, open, source
    bureau = _client(world.bureau)
    assert bureau.get(f"/api/v1/hazards/?township={world.luoyang.pk}").json()["count"] == 1
    assert bureau.get("/api/v1/hazards/?q=纺织").json()["count"] == 2
    assert bureau.get("/api/v1/hazards/?open=true&source=inspection").json()["count"] == 4
    assert bureau.get(f"/api/v1/inspections/?enterprise={world.e_hutang2.pk}").json()["count"] == 1
    assert bureau.get("/api/v1/hazards/?status=nonsense").status_code == 400
    # an inspection out of scope is a 404 like any record
    luoyang_inspection = Inspection.objects.get(enterprise=world.e_luoyang)
    assert _client(world.inspector).get(f"/api/v1/inspections/{luoyang_inspection.pk}/").status_code == 404


def test_list_query_counts_do_not_grow(world, django_assert_num_queries):
    make_inspection(world.e_hutang, world.inspector, inspected_on=D, failures={"GEN-12": {}})
    client = _client(world.bureau)
    for n in (1, 6):
        # 1 session, 2 user, 3 the user's region (scope), 4 count, 5 rows with enterprise, townships and
        # criterion joined, 6-8 the session saved (savepoint, update, release)
        with django_assert_num_queries(8):
            assert client.get("/api/v1/hazards/").json()["count"] == n
        # the same, and 6 the hazards' ids prefetched
        with django_assert_num_queries(9):
            assert client.get("/api/v1/inspections/").json()["count"] == n
        make_inspection(world.e_luoyang, world.luoyang_inspector, inspected_on=D, failures={"GEN-12": {}})
        for _i in range(4):
            make_inspection(world.e_hutang2, world.inspector, inspected_on=D, failures={"GEN-12": {}})


# -- penalties -----------------------------------------------------------------------------------------------------------
def _penalty(inspection, **overrides):
    data = {"inspection": inspection.pk, "decided_on": "2022-06-01", "violation": "未按规定清理粉尘",
            "legal_basis": "《安全生产法》第九十九条", "fine": "20000.00", "decision_number": "武应急罚〔2022〕12号"}
    data.update(overrides)
    return data


def test_penalty_create_and_status(world):
    inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=D)
    client = _client(world.inspector)
    before = _ledger()
    negative = client.post("/api/v1/penalties/", _penalty(inspection, fine="-1"), format="json")
    assert negative.status_code == 400
    assert fields(negative) == {"fine": ["罚款金额不能小于零。"]}
    assert _ledger() == before
    created = client.post("/api/v1/penalties/", _penalty(inspection), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["fine"], body["status"], body["enterprise"], body["township"]) == (
        "20000.00", "decided", world.e_hutang.pk, world.hutang.pk)
    url = f"/api/v1/penalties/{body['id']}/status/"
    assert client.post(url, {"status": "executed"}, format="json").json()["status"] == "executed"
    assert client.post(url, {"status": "revoked"}, format="json").json()["status_display"] == "已撤销"
    assert client.post(url, {"status": "executed"}, format="json").status_code == 400
    assert _client(world.bureau).get(f"/api/v1/penalties/?township={world.hutang.pk}").json()["count"] == 1


def test_penalty_scope_and_write_access(world):
    inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=D)
    penalty = _client(world.inspector).post("/api/v1/penalties/", _penalty(inspection), format="json").json()
    before = _ledger()
    assert _client(world.luoyang_inspector).post("/api/v1/penalties/", _penalty(inspection),
                                                 format="json").status_code == 404
    assert _client(world.luoyang_inspector).get(f"/api/v1/penalties/{penalty['id']}/").status_code == 404
    assert _client(world.luoyang_inspector).post(f"/api/v1/penalties/{penalty['id']}/status/", {"status": "revoked"},
                                                 format="json").status_code == 404
    principal = _client(world.principal)
    assert principal.get("/api/v1/penalties/").json()["count"] == 1  # the enterprise reads its own
    assert principal.post("/api/v1/penalties/", _penalty(inspection), format="json").status_code == 403
    assert principal.post(f"/api/v1/penalties/{penalty['id']}/status/", {"status": "revoked"},
                          format="json").status_code == 403
    assert _ledger() == before


# -- plans and campaigns ---------------------------------------------------------------------------------------------------
def test_plan_create_items_completion_and_overdue(world):
    year = timezone.localdate().year
    client = _client(world.inspector)
    created = client.post("/api/v1/inspection-plans/", {"title": f"{year}年湖塘镇执法计划", "year": year}, format="json")
    assert created.status_code == 201, created.json()
    plan = created.json()
    assert (plan["region"], plan["start"], plan["end"]) == (world.hutang.pk, f"{year}-01-01", f"{year}-12-31")
    url = f"/api/v1/inspection-plans/{plan['id']}/"
    added = client.post(f"{url}items/", {"enterprises": [world.e_hutang.pk, world.e_hutang2.pk],
                                         "due_date": f"{year}-01-01"}, format="json")
    assert added.status_code == 201, added.json()
    assert added.json()["added"] == 2
    # out of scope enterprises are named by id and nothing is added
    before = _ledger()
    refused = client.post(f"{url}items/", {"enterprises": [world.e_luoyang.pk], "due_date": f"{year}-06-30"},
                          format="json")
    assert refused.status_code == 400 and str(world.e_luoyang.pk) in _flat(refused.json())
    outside = client.post(f"{url}items/", {"enterprises": [world.e_hutang.pk], "due_date": f"{year + 1}-01-01"},
                          format="json")
    assert "due_date" in fields(outside)
    assert _ledger() == before

    detail = client.get(url).json()
    # both items due on 1 January, none inspected: 0 of 2 done
    assert detail["completion"] == {"total": 2, "due": 2, "done": 0, "done_due": 0, "overdue": 2, "rate": 0.0}
    item = PlanItem.objects.get(enterprise=world.e_hutang)
    make_inspection(world.e_hutang, world.inspector, inspected_on=timezone.localdate(), plan_item=item)
    assert client.get(url).json()["completion"]["done"] == 1
    items = client.get(f"{url}items/").json()
    assert [(r["enterprise_name"], r["done"]) for r in items["results"]] == [
        ("常州湖塘机械有限公司", True), ("常州湖塘纺织有限公司", False)]
    if timezone.localdate() > datetime.date(year, 1, 1):
        overdue = client.get(f"{url}overdue/").json()
        assert [r["enterprise_name"] for r in overdue["results"]] == ["常州湖塘纺织有限公司"]


def test_plan_scope_and_write_access(world):
    year = timezone.localdate().year
    plan = plan_create(region=world.hutang, by=world.inspector, title="湖塘计划", year=year)
    url = f"/api/v1/inspection-plans/{plan.pk}/"
    before = (_ledger(), InspectionPlan.objects.count())
    luoyang = _client(world.luoyang_inspector)
    assert luoyang.get(url).status_code == 404
    assert luoyang.post(f"{url}items/", {"enterprises": [world.e_hutang.pk], "due_date": f"{year}-12-31"},
                        format="json").status_code == 404
    assert _client(world.bureau).get(url).status_code == 200
    assert _client(world.bureau).get("/api/v1/inspection-plans/").json()["count"] == 1
    assert _client(world.principal).get("/api/v1/inspection-plans/").json()["count"] == 0
    assert _client(world.principal).post("/api/v1/inspection-plans/", {"title": "x", "year": year},
                                         format="json").status_code == 403
    assert (_ledger(), InspectionPlan.objects.count()) == before
    # a city-level user plans nothing: a plan belongs to a district or a township
    bad = _client(world.city_staff).post("/api/v1/inspection-plans/", {"title": "x", "year": year}, format="json")
    assert fields(bad) == {"region": ["执法计划须属于区或镇（街道）。"]}


def test_a_cross_inspector_reads_but_does_not_change_the_plan(world):
    year = timezone.localdate().year
    plan = plan_create(region=world.wujin, by=world.bureau, title="交叉检查", year=year, kind="cross")
    plan_items_add(plan=plan, by=world.bureau, enterprises=[world.e_hutang], due_date=datetime.date(year, 12, 31),
                   assignee=world.luoyang_inspector)
    client = _client(world.luoyang_inspector)
    url = f"/api/v1/inspection-plans/{plan.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(f"{url}items/", {"enterprises": [world.e_luoyang.pk], "due_date": f"{year}-12-31"},
                       format="json").status_code == 403
    added = _client(world.bureau).post(f"{url}items/", {"enterprises": [world.e_hutang2.pk],
                                                        "due_date": f"{year}-12-31",
                                                        "assignee": world.luoyang_inspector.pk}, format="json")
    assert added.status_code == 201 and added.json()["added"] == 1


def test_campaign_not_cleared(world):
    campaign = campaign_create(region=world.wujin, by=world.bureau, name="百日清零", kind=Campaign.Kind.HUNDRED_DAYS,
                               start=datetime.date(2022, 4, 1), end=datetime.date(2022, 7, 10),
                               targets=[world.e_hutang, world.e_luoyang])
    for enterprise, by in ((world.e_hutang, world.inspector), (world.e_luoyang, world.luoyang_inspector)):
        make_inspection(enterprise, by, inspected_on=D, checklist="dust",
                        failures={"DUST-03": {"major_criterion": criterion().pk}})
    closed = Hazard.objects.get(enterprise=world.e_luoyang)
    writer = enterprise_writer(world.e_luoyang)
    hazard_plan(hazard=closed, by=writer, responsible_person="赵六", measures="加装", funds=1, emergency_plan="停用")
    hazard_submit(hazard=closed, by=writer, note="已加装", evidence=[jpeg()])
    hazard_verify(hazard=closed, by=world.bureau, on=datetime.date(2022, 7, 1))
    client = _client(world.bureau)
    assert client.get("/api/v1/campaigns/").json()["results"][0]["kind_display"] == "百日清零"
    rows = client.get(f"/api/v1/campaigns/{campaign.pk}/not-cleared/").json()["results"]
    assert [(r["name"], r["open_at_end"], r["still_open"]) for r in rows] == [("常州湖塘机械有限公司", 1, 1)]
    # a township reads the district's campaign, and the not-cleared list of its own enterprises only
    assert _client(world.inspector).get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 200
    rows = _client(world.luoyang_inspector).get(f"/api/v1/campaigns/{campaign.pk}/not-cleared/").json()["results"]
    assert rows == []
    assert _client(world.principal).get("/api/v1/campaigns/").json()["count"] == 0


# -- schema ------------------------------------------------------------------------------------------------------------------
def test_schema_names_the_inspections_endpoints(world):
    schema = _client(world.bureau).get("/api/v1/schema/?format=json").json()
    paths = set(schema["paths"])
    assert {"/api/v1/inspections/", "/api/v1/inspections/{id}/", "/api/v1/hazards/", "/api/v1/hazards/{id}/verify/",
            "/api/v1/hazards/{id}/send-back/", "/api/v1/hazards/{id}/extension-decision/",
            "/api/v1/inspection-plans/{id}/items/", "/api/v1/inspection-plans/{id}/overdue/",
            "/api/v1/penalties/{id}/status/", "/api/v1/campaigns/{id}/not-cleared/"} <= paths
    submit = schema["paths"]["/api/v1/inspections/"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(submit["requestBody"]["content"])
    assert "finding_<n>_photos" in submit["description"] and "Idempotency-Key" in submit["description"]
    assert {"HazardStatusEnum", "InspectionKindEnum", "PenaltyStatusEnum"} <= set(schema["components"]["schemas"])
