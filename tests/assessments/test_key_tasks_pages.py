"""The key-task board, task pages, export and API (issue 12 items 3 and 5): what each role sees and
may do, scope from the outside (404 and an unchanged database), the workbook opened with openpyxl,
and the API calling the same services."""
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
import openpyxl
import pytest
from rest_framework.test import APIClient

from portal.assessments import services_key_tasks as services
from portal.assessments.models import KeyTask, KeyTaskBonus, KeyTaskEvidence, KeyTaskList
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
BOARD = reverse("assessments:key_task_board")


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def kt(world):
    class K:
        pass

    k = K()
    k.list = services.task_list_create(by=world.bureau, region=world.wujin, year=2026, title="2026年重点工作任务")
    k.figure = services.task_create(by=world.bureau, task_list=k.list, number="11.2", title="全部企业入网格",
                                    deadline=D(2026, 6, 30), kind="figure", figure="enterprises.outside_grid",
                                    comparison="at_most", target_value=0)
    k.report = services.task_create(by=world.bureau, task_list=k.list, number="5", title="危化品储存场所登记",
                                    deadline=D(2026, 12, 1), kind="evidence")
    k.evidence = services.evidence_submit(by=world.inspector, task=k.report, unit=world.hutang, files=[pdf()])
    k.outsider = UserFactory(username="tianning", role="bureau_staff", region=world.tianning)
    return k


def client_for(client, user):
    client.force_login(user)
    return client


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


# -- pages ------------------------------------------------------------------------------------------------------------
def test_the_bureau_s_board_shows_every_unit_and_task_with_its_status_and_figure(world, kt, client):
    response = client_for(client, world.bureau).get(BOARD, {"list": kt.list.pk})
    assert response.status_code == 200
    html = response.content.decode()
    # 13 townships; on the pinned 16 November 11.2 is past: 湖塘 (1 outside a cell) overdue, 洛阳 met
    assert html.count("<th class=\"text-center\">") == 13
    assert 'data-task="11.2"' in html and 'data-status="overdue"' in html and 'data-status="met"' in html
    assert response.context["board"].cell(kt.figure, world.hutang).value == 1
    assert response.context["board"].cell(kt.report, world.hutang).status == services.NOT_MET  # 15 days away
    # the status filter keeps the matching cells only
    due = client.get(BOARD, {"list": kt.list.pk, "status": "met"})
    assert all(c is None or c.status == "met" for _t, cells in due.context["rows"] for _u, c in cells)


def test_the_menu_leads_to_the_board_and_a_township_sees_its_own_column(world, kt, client):
    home = client_for(client, world.inspector).get("/")
    assert BOARD in home.content.decode()
    response = client.get(BOARD)  # this year's list of its district, picked by itself
    assert response.status_code == 200
    assert response.context["task_list"] == kt.list
    assert [u.name for u in response.context["units"]] == ["湖塘镇"]
    detail = client.get(reverse("assessments:key_task_detail", args=[kt.report.pk]))
    # 湖塘's evidence waits for the bureau: no upload form until it is returned; 洛阳 may upload
    assert detail.status_code == 200 and not detail.context["may_submit"] and not detail.context["may_manage"]
    assert [e.unit for e in detail.context["evidence"]] == [world.hutang]
    client_for(client, world.luoyang_inspector)
    detail = client.get(reverse("assessments:key_task_detail", args=[kt.report.pk]))
    assert detail.context["may_submit"] and detail.context["evidence"] == []


def test_evidence_upload_accept_and_return_through_the_pages(world, kt, client):
    client_for(client, world.luoyang_inspector)
    url = reverse("assessments:key_task_evidence_submit", args=[kt.report.pk])
    response = client.post(url, {"files": [pdf()], "note": "洛阳上报", "reported_value": "3"})
    assert response.status_code == 302
    luoyang = KeyTaskEvidence.objects.get(unit=world.luoyang)
    assert (luoyang.note, luoyang.reported_value) == ("洛阳上报", 3)
    # the wrong type: refused with the reason, nothing saved
    client_for(client, world.inspector)
    client.post(url, {"files": [SimpleUploadedFile("a.txt", b"plain")]}, follow=True)
    assert KeyTaskEvidence.objects.filter(unit=world.hutang).count() == 1
    client_for(client, world.bureau)
    client.post(reverse("assessments:key_task_evidence_return", args=[luoyang.pk]), {"reason": "材料不全"})
    client.post(reverse("assessments:key_task_evidence_accept", args=[kt.evidence.pk]))
    assert KeyTaskEvidence.objects.get(pk=luoyang.pk).state == "returned"
    assert KeyTaskEvidence.objects.get(pk=kt.evidence.pk).state == "accepted"
    page = client.get(reverse("assessments:key_task_detail", args=[kt.report.pk]))
    assert "材料不全" in page.content.decode()


def test_task_form_copy_forward_and_bonus_through_the_pages(world, kt, client):
    client_for(client, world.bureau)
    new = reverse("assessments:key_task_create", args=[kt.list.pk])
    assert client.get(new).status_code == 200
    bad = client.post(new, {"number": "9", "title": "标准化", "deadline": "2026-12-31", "kind": "figure",
                            "figure": "standardization.nope", "comparison": "at_least", "target_value": "30"})
    assert bad.status_code == 200 and "standardization.nope" in bad.content.decode()
    assert not KeyTask.objects.filter(task_list=kt.list, number="9").exists()
    good = client.post(new, {"number": "12.1", "title": "达标创建", "deadline": "2026-12-31", "kind": "evidence",
                             f"target_{world.hutang.pk}": "5"})
    assert good.status_code == 302
    task = KeyTask.objects.get(task_list=kt.list, number="12.1")
    assert task.targets.get().value == 5
    client.post(reverse("assessments:key_task_bonus_create", args=[kt.list.pk]),
                {"unit": world.hutang.pk, "task": task.pk, "points": "2", "reason": "超额完成"})
    assert KeyTaskBonus.objects.get().reason == "超额完成"
    response = client.post(reverse("assessments:key_task_list_copy", args=[kt.list.pk]))
    copied = KeyTaskList.objects.get(region=world.wujin, year=2027)
    assert response.status_code == 302 and copied.tasks.count() == 3


def test_out_of_scope_is_404_and_changes_nothing(world, kt, client):
    before = (KeyTask.objects.count(), KeyTaskEvidence.objects.get(pk=kt.evidence.pk).state, KeyTaskList.objects.count())
    client_for(client, kt.outsider)  # another district's bureau
    assert client.get(BOARD, {"list": kt.list.pk}).status_code == 404
    assert client.get(reverse("assessments:key_task_detail", args=[kt.report.pk])).status_code == 404
    assert client.post(reverse("assessments:key_task_evidence_accept", args=[kt.evidence.pk])).status_code == 404
    assert client.post(reverse("assessments:key_task_list_copy", args=[kt.list.pk])).status_code == 404
    client_for(client, world.luoyang_inspector)  # 湖塘's evidence is not 洛阳's
    assert client.post(reverse("assessments:key_task_evidence_accept", args=[kt.evidence.pk])).status_code == 404
    assert client.post(reverse("assessments:key_task_list_copy", args=[kt.list.pk])).status_code == 403
    client_for(client, world.grid_member)
    assert client.get(BOARD).status_code == 404
    assert (KeyTask.objects.count(), KeyTaskEvidence.objects.get(pk=kt.evidence.pk).state,
            KeyTaskList.objects.count()) == before


def test_the_board_exports_as_xlsx(world, kt, client):
    response = client_for(client, world.bureau).get(BOARD, {"list": kt.list.pk, "format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    with translation.override("zh-hans"):  # the workbook speaks the page's language (zh-hans by default)
        number = translation.gettext("Number")
    header = rows.index(next(r for r in rows if r and r[0] == number))
    body = rows[header + 1:]
    assert len(body) == 2 * 13  # 2 tasks × 13 townships
    hutang = next(r for r in body if r[0] == "11.2" and r[3] == "湖塘镇")
    assert hutang[5] == 1 and hutang[8] == 0  # 1 enterprise outside a cell against a target of 0
    mine = client_for(client, world.inspector).get(BOARD, {"list": kt.list.pk, "format": "xlsx"})
    body = list(openpyxl.load_workbook(io.BytesIO(mine.content)).active.iter_rows(values_only=True))[header + 1:]
    assert {r[3] for r in body} == {"湖塘镇"}


# -- API --------------------------------------------------------------------------------------------------------------
def test_the_api_lists_statuses_scoped_to_the_unit(world, kt):
    url = f"/api/v1/key-task-lists/{kt.list.pk}/statuses/"
    rows = api(world.bureau).get(url, {"day": "2026-07-01"}).json()
    assert len(rows) == 26
    hutang = next(r for r in rows if r["number"] == "11.2" and r["unit_name"] == "湖塘镇")
    assert (hutang["status"], hutang["value"], hutang["target"]) == ("overdue", 1, 0)
    own = api(world.inspector).get(url).json()
    assert {r["unit_name"] for r in own} == {"湖塘镇"}
    assert api(kt.outsider).get(url).status_code == 404
    assert api(world.bureau).get(url, {"day": "not a day"}).status_code == 400
    tasks = api(world.inspector).get("/api/v1/key-tasks/", {"task_list": kt.list.pk}).json()
    assert [t["number"] for t in tasks["results"]] == ["11.2", "5"]


def test_the_api_writes_through_the_same_services(world, kt):
    created = api(world.bureau).post("/api/v1/key-tasks/", {
        "task_list": kt.list.pk, "number": "2.4", "title": "常安码", "deadline": "2026-06-30", "kind": "figure",
        "figure": "risk.usage_rate", "comparison": "at_least", "target_value": "100",
        "targets": {str(world.hutang.pk): "90"}}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["unit_targets"] == {str(world.hutang.pk): "90.0000"}
    bad = api(world.bureau).post("/api/v1/key-tasks/", {
        "task_list": kt.list.pk, "number": "9", "title": "x", "deadline": "2026-06-30", "kind": "figure",
        "figure": "standardization.nope", "comparison": "at_least", "target_value": "1"}, format="json")
    assert bad.status_code == 400 and "figure" in bad.json()["fields"]
    assert api(world.inspector).post("/api/v1/key-tasks/", {"task_list": kt.list.pk}, format="json").status_code == 403
    # evidence: the unit uploads, the bureau decides; after acceptance more is refused
    upload = api(world.luoyang_inspector).post("/api/v1/key-task-evidence/", {
        "task": kt.report.pk, "files": [pdf()], "note": "洛阳"}, format="multipart")
    assert upload.status_code == 201, upload.json()
    evidence = upload.json()["id"]
    assert api(world.inspector).post(f"/api/v1/key-task-evidence/{evidence}/accept/").status_code == 404
    assert api(world.bureau).post(f"/api/v1/key-task-evidence/{evidence}/accept/").json()["state"] == "accepted"
    again = api(world.luoyang_inspector).post("/api/v1/key-task-evidence/", {"task": kt.report.pk, "files": [pdf()]},
                                              format="multipart")
    assert again.status_code == 400
    returned = api(world.bureau).post(f"/api/v1/key-task-evidence/{kt.evidence.pk}/return/", {"reason": "不全"},
                                      format="json")
    assert returned.json()["state"] == "returned"
    copied = api(world.bureau).post(f"/api/v1/key-task-lists/{kt.list.pk}/copy-forward/", {}, format="json")
    assert copied.status_code == 201 and copied.json()["year"] == 2027
    bonus = api(world.bureau).post("/api/v1/key-task-bonuses/", {
        "task_list": kt.list.pk, "unit": world.luoyang.pk, "points": "1.5", "reason": "超额"}, format="json")
    assert bonus.status_code == 201
    assert api(world.inspector).get("/api/v1/key-task-bonuses/").json()["count"] == 0  # 洛阳's, not 湖塘's
    assert api(kt.outsider).post(f"/api/v1/key-task-lists/{kt.list.pk}/copy-forward/", {}, format="json"
                                 ).status_code == 404


# -- who may do what: the page and the API give the same answer ---------------------------------------------------
def _outcome(response):
    code = response.status_code
    return "ok" if code in (200, 201, 302) else {403: "forbidden", 404: "missing"}.get(code, code)


ROLES = ["bureau", "inspector", "luoyang", "grid", "principal", "staff", "auditor", "admin", "outsider"]
# accept 湖塘's evidence: the list's region only; 湖塘 sees it but may not; the rest do not see it
ACCEPT = {"bureau": "ok", "inspector": "forbidden"}
# upload for the task: a township of the list's district (洛阳: 湖塘's evidence waits); the district
# bureau is not a unit of its own list
SUBMIT = {"luoyang": "ok", "inspector": "ok", "bureau": "forbidden"}


def _user(world, kt, name):
    return kt.outsider if name == "outsider" else {
        "bureau": world.bureau, "inspector": world.inspector, "luoyang": world.luoyang_inspector,
        "grid": world.grid_member, "principal": world.principal, "staff": world.staff, "auditor": world.auditor,
        "admin": world.admin}[name]


@pytest.mark.parametrize("role", ROLES)
def test_page_and_api_give_the_same_answer(world, kt, client, role):
    user = _user(world, kt, role)
    # the page and the API are tried on two evidence rows in the same state
    twin = KeyTaskEvidence.objects.create(task=kt.report, unit=world.hutang, submitted_on=D(2026, 11, 16))
    page = _outcome(client_for(client, user).post(
        reverse("assessments:key_task_evidence_accept", args=[kt.evidence.pk])))
    via_api = _outcome(api(user).post(f"/api/v1/key-task-evidence/{twin.pk}/accept/"))
    want = ACCEPT.get(role, "missing")
    if role == "bureau":  # the page accepted the first; the second is refused as bad input (one accepted per unit)
        assert (page, via_api) == ("ok", 400)
    else:
        assert (page, via_api) == (want, want), role
        assert KeyTaskEvidence.objects.filter(state="accepted").count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_upload_by_page_and_api_give_the_same_answer(world, kt, client, role):
    user = _user(world, kt, role)
    if role == "inspector":
        services.evidence_return(by=world.bureau, evidence=kt.evidence, reason="重传")
    page = _outcome(client_for(client, user).post(
        reverse("assessments:key_task_evidence_submit", args=[kt.report.pk]), {"files": [pdf()]}))
    before = KeyTaskEvidence.objects.count()
    if page == "ok":  # the page's upload waits now; return it so the API meets the same state
        services.evidence_return(by=world.bureau, evidence=KeyTaskEvidence.objects.latest("pk"), reason="重传")
    via_api = _outcome(api(user).post("/api/v1/key-task-evidence/", {"task": kt.report.pk, "files": [pdf()]},
                                      format="multipart"))
    # a role that never uploads: 403 (it may not take the step); another district's bureau: 404 (not its task)
    want = SUBMIT.get(role, "missing" if role == "outsider" else "forbidden")
    assert (page, via_api) == (want, want), role
    assert KeyTaskEvidence.objects.count() == before + (1 if want == "ok" else 0)


def test_the_bureau_creates_an_empty_list_from_the_board_and_bad_input_changes_nothing(world, kt, client):
    client_for(client, world.bureau)
    url = reverse("assessments:key_task_list_create")
    assert 'id="key-task-list-form"' in client.get(BOARD).content.decode()
    client.post(url, {"year": "2026", "title": "又一份"})  # 2026 has its list already
    client.post(url, {"year": "2028", "title": " "})        # no title
    assert KeyTaskList.objects.filter(region=world.wujin, year__gte=2026).count() == 1
    response = client.post(url, {"year": "2028", "title": "2028年重点工作任务"})
    made = KeyTaskList.objects.get(region=world.wujin, year=2028)
    assert response.status_code == 302 and made.created_by == world.bureau
    client_for(client, world.inspector)
    assert 'id="key-task-list-form"' not in client.get(BOARD).content.decode()
    assert client.post(url, {"year": "2029", "title": "镇"}).status_code == 403
