"""/api/v1/risk-points/ and /api/v1/shift-schedules/ for the three users: the writer records, edits,
grades, retires, creates in bulk and copies; a reader gets 403 on writes; an outsider 404 and an
unchanged database. Refusals have the API's one error shape."""

import pytest
from rest_framework.test import APIClient

from risk_reports.models import ChanganCode, RiskCategory, RiskPoint, ShiftSchedule
from tests.api_errors import fields, refusal
from tests.enterprises.factories import make_enterprise_user
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db
API = "/api/v1/risk-points/"


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client
    return as_user


@pytest.fixture
def press(world):
    return make_point(world.e_hutang, by=world.principal, name="冲床", area="一车间", level="yellow")


def snapshot():
    return (list(RiskPoint.objects.order_by("pk").values_list("pk", "name", "area", "level", "retired_on")),
            ChanganCode.objects.filter(revoked_at__isnull=True).count(),
            list(ShiftSchedule.objects.values_list("starts")))


def test_list_and_retrieve_are_scoped(api, world, press):
    furnace = make_point(world.e_luoyang, name="1号中频炉", area="熔炼车间", level="red")
    body = api(world.inspector).get(API, {"area": "一车间"}).json()
    assert [p["name"] for p in body["results"]] == ["冲床"] and body["results"][0]["live_code"] is True
    assert [p["name"] for p in api(world.bureau).get(API, {"level": "red"}).json()["results"]] == ["1号中频炉"]
    assert api(world.staff).get(f"{API}{press.pk}/").json()["level"] == "yellow"
    refusal(api(world.inspector).get(f"{API}{furnace.pk}/"), 404)
    refusal(api(world.auditor).get(f"{API}{press.pk}/"), 404)
    assert api(world.auditor).get(API).json()["count"] == 0


def test_the_writer_records_edits_grades_and_retires(api, world):
    client = api(world.principal)
    category = RiskCategory.objects.get(code="dust_collector")
    response = client.post(API, {"category": category.pk, "name": "1号除尘器", "area": "抛光车间", "cycle": "day",
                                 "responsible_person": "王安全", "basis": "lec",
                                 "values": {"L": 3, "E": 6, "C": 7}}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["level"], body["check_items"]) == ("126.00", "yellow", category.check_items)
    pk = body["id"]
    body = client.patch(f"{API}{pk}/", {"check_items": ["泄爆片完好"], "measures": {"ppe": ["防尘口罩"]}},
                        format="json").json()
    assert body["check_items"] == ["泄爆片完好"] and body["measures"] == {"ppe": ["防尘口罩"]}
    body = client.post(f"{API}{pk}/grade/", {"basis": "ls", "values": {"L": 5, "S": 4}}, format="json").json()
    assert (body["score"], body["level"]) == ("20.00", "red")  # 5 × 4 = 20: ≥ 20 red
    assert fields(client.post(f"{API}{pk}/grade/", {"basis": "lec", "values": {"L": 4, "E": 6, "C": 7}},
                              format="json"))["L"]
    assert fields(client.post(f"{API}{pk}/grade/", {"basis": "manual", "level": "red"}, format="json"))["level_reason"]
    body = client.post(f"{API}{pk}/retire/", {}, format="json").json()
    assert body["retired_on"] == "2026-11-16" and body["live_code"] is False
    assert "不能再变更" in refusal(client.patch(f"{API}{pk}/", {"name": "x"}, format="json"))["detail"]


def test_bulk_and_copy(api, world):
    client = api(world.principal)
    dust, duct = RiskCategory.objects.filter(code__in=["dust_collector", "dust_duct"]).order_by("code")
    response = client.post(f"{API}bulk/", {"area": "一车间", "categories": [dust.pk, duct.pk],
                                           "responsible_person": "王安全"}, format="json")
    assert response.status_code == 201 and len(response.json()) == 2
    assert {p["level_reason"] for p in response.json()} == {"按辞典类别典型等级初定"}
    response = client.post(f"{API}copy/", {"from_area": "一车间", "to_area": "二车间"}, format="json")
    assert response.status_code == 201 and RiskPoint.objects.filter(area="二车间").count() == 2
    before = snapshot()
    body = refusal(client.post(f"{API}copy/", {"from_area": "一车间", "to_area": "二车间"}, format="json"))
    assert "未复制任何风险点" in body["fields"]["to_area"][0]
    assert "未创建任何风险点" in fields(client.post(f"{API}bulk/", {
        "area": "一车间", "categories": [dust.pk], "responsible_person": "王安全"}, format="json"))["categories"][0]
    assert snapshot() == before


def test_readers_get_403_and_outsiders_404_and_nothing_changes(api, world, press):
    before = snapshot()
    writes = [("post", API, {"enterprise": world.e_hutang.pk, "name": "x", "area": "x", "cycle": "day",
                             "responsible_person": "x", "basis": "manual", "level": "red", "level_reason": "x",
                             "check_items": ["x"]}),
              ("patch", f"{API}{press.pk}/", {"name": "x"}),
              ("post", f"{API}{press.pk}/grade/", {"basis": "manual", "level": "red", "level_reason": "x"}),
              ("post", f"{API}{press.pk}/retire/", {}),
              ("post", f"{API}bulk/", {"enterprise": world.e_hutang.pk, "area": "x", "categories": [1],
                                       "responsible_person": "x"}),
              ("post", f"{API}copy/", {"enterprise": world.e_hutang.pk, "from_area": "一车间", "to_area": "x"}),
              ("post", "/api/v1/shift-schedules/", {"enterprise": world.e_hutang.pk, "starts": ["08:00"]})]
    for user in (world.staff, world.inspector, world.grid_member):
        for method, url, data in writes:
            refusal(getattr(api(user), method)(url, data, format="json"), 403)
    for user in (world.luoyang_inspector, world.auditor):
        for method, url, data in writes:
            refusal(getattr(api(user), method)(url, data, format="json"), 404)
    other = make_enterprise_user(world.e_hutang2, "principal")  # their writes are their own enterprise's
    for method, url, data in writes[1:4]:
        refusal(getattr(api(other), method)(url, data, format="json"), 404)
    assert snapshot() == before


def test_shift_schedules(api, world):
    client = api(world.principal)
    response = client.post("/api/v1/shift-schedules/", {"starts": ["16:00", "08:00"]}, format="json")
    assert response.status_code == 200 and response.json()["starts"] == ["08:00", "16:00"]
    assert fields(client.post("/api/v1/shift-schedules/", {"starts": ["8点"]}, format="json"))["starts"]
    assert [s["starts"] for s in api(world.inspector).get("/api/v1/shift-schedules/").json()["results"]] == [
        ["08:00", "16:00"]]
    assert api(world.luoyang_inspector).get("/api/v1/shift-schedules/").json()["count"] == 0
