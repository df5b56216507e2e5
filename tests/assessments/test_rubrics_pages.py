"""The two assessments' pages, export and API (issue 12 item 5): reachable from the menu, the
township's phone scoring page posts through the service, a record out of scope is a 404, bad input
shows its message and changes nothing, the scores open as .xlsx, and the API scores, adds
evidence, files and reviews plans through the same services."""
import io

from django.urls import reverse
import openpyxl
import pytest
from rest_framework.test import APIClient

from portal.accounts import scope
from portal.assessments import services_rubrics as services
from portal.assessments.models import RectificationPlan, RubricForm, Score
from portal.attachments.models import Attachment
from portal.figures.periods import Period
from portal.ui import nav_items_for
from tests.api_errors import fields, refusal
from tests.assessments.rubrics_helpers import fill_unit_form, points_for
from tests.assessments.test_rubrics_scoring import pdf, text
from tests.factories import jpeg

pytestmark = pytest.mark.django_db
OCTOBER, Q3 = Period.month(2026, 10), Period.quarter(2026, 3)


@pytest.fixture
def form():
    return services.form_current(RubricForm.Kind.ENTERPRISE)


def logged(client, user):
    client.force_login(user)
    return client


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_the_menu_reaches_the_pages(world):
    def menu(user):
        return {i.url_name for i in nav_items_for(scope.capabilities(user))}
    assert {"assessments:score_enterprise_list", "assessments:score_unit_list", "assessments:score_list",
            "assessments:plan_list"} <= menu(world.inspector)
    assert {"assessments:check_list", "assessments:rubric_form_list"} <= menu(world.bureau)
    assert "assessments:plan_mine" in menu(world.principal) and "assessments:score_list" not in menu(world.principal)


def test_the_township_scores_an_enterprise_on_its_phone_page(client, world, form):
    c = logged(client, world.inspector)
    listing = c.get(reverse("assessments:score_enterprise_list"), {"period": "2026-10"})
    assert listing.status_code == 200 and "常州湖塘机械有限公司" in listing.text and "常州洛阳冶金有限公司" not in listing.text
    url = reverse("assessments:score_enterprise", args=[world.e_hutang.pk]) + "?period=2026-10"
    page = c.get(url)
    assert page.status_code == 200 and 'name="points-12"' in page.text and 'capture="environment"' in page.text
    data = {f"points-{n}": p for n, p in points_for(form, 55).items()}
    data.update({"period": "2026-10", "evidence-1": pdf()})
    response = c.post(url, data)
    score = Score.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessments:score_detail", args=[score.pk])
    assert score.total == 55 and score.flagged
    detail = c.get(response["Location"])
    assert "plan.pdf" in detail.text
    assert "常州湖塘机械有限公司" in c.get(reverse("assessments:score_enterprise_list"), {"period": "2026-10"}).text


def test_bad_input_on_the_page_shows_the_message_and_changes_nothing(client, world, form):
    c = logged(client, world.inspector)
    url = reverse("assessments:score_enterprise", args=[world.e_hutang.pk])
    data = {f"points-{n}": p for n, p in points_for(form, 80).items()}
    data.update({"period": "2026-10", "points-1": "11", "evidence-2": text()})
    response = c.post(url, data)
    assert response.status_code == 200 and "border-danger" in response.text and "11" in response.text
    assert not Score.objects.exists() and not Attachment.objects.exists()


def test_out_of_scope_is_a_404(client, world, form):
    score = services.score_enterprise(enterprise=world.e_hutang, period=OCTOBER, by=world.inspector,
                                      points=points_for(form, 80))
    plan = services.plan_file(enterprise=world.e_hutang, by=world.principal, title="方案", files=[pdf()])
    c = logged(client, world.luoyang_inspector)
    assert c.get(reverse("assessments:score_enterprise", args=[world.e_hutang.pk])).status_code == 404
    assert c.post(reverse("assessments:score_enterprise", args=[world.e_hutang.pk]), {"period": "2026-10"}
                  ).status_code == 404
    assert c.get(reverse("assessments:score_detail", args=[score.pk])).status_code == 404
    assert c.get(reverse("assessments:plan_detail", args=[plan.pk])).status_code == 404
    assert c.post(reverse("assessments:plan_review", args=[plan.pk]), {"decision": "approve"}).status_code == 404
    assert c.get(reverse("assessments:score_unit", args=[world.hutang.pk]), {"kind": "self"}).status_code == 404
    assert RectificationPlan.objects.get().state == "submitted"
    refusal(api(world.luoyang_inspector).get(f"/api/v1/rubric-scores/{score.pk}/"), 404)
    refusal(api(world.luoyang_inspector).post(f"/api/v1/rectification-plans/{plan.pk}/review/",
                                              {"decision": "approve"}, format="json"), 404)
    # the enterprise sees its own score, not the list of others'
    own = logged(client, world.principal).get(reverse("assessments:score_detail", args=[score.pk]))
    assert own.status_code == 200


def test_forms_pages_and_editing_as_a_new_version(client, world, form):
    c = logged(client, world.bureau)
    listing = c.get(reverse("assessments:rubric_form_list"))
    assert listing.status_code == 200 and listing.text.count("badge text-bg-warning") == 1  # the unit form
    unit = services.form_current(RubricForm.Kind.UNIT)
    detail = c.get(reverse("assessments:rubric_form_detail", args=[unit.pk]))
    assert 'id="form-incomplete"' in detail.text
    services.score_enterprise(enterprise=world.e_hutang, period=OCTOBER, by=world.inspector,
                              points=points_for(form, 80))
    edit = reverse("assessments:rubric_form_edit", args=[form.pk])
    assert c.get(edit).status_code == 200
    data = {"title": "企业评估表 v2", "rows": "12"}
    for i, item in enumerate(form.items_list()):
        data.update({f"item-{i}-number": item.number, f"item-{i}-title": item.title,
                     f"item-{i}-points": str(item.points), f"item-{i}-method": "hand"})
    data["item-11-points"] = "20"  # 105: saved, but incomplete
    response = c.post(edit, data)
    new = services.form_current(RubricForm.Kind.ENTERPRISE)
    assert response.status_code == 302 and new.version == 2 and new.total_points == 105 and not new.is_complete
    assert logged(client, world.inspector).get(edit).status_code == 403


def test_units_score_and_each_sees_its_own(client, world):
    fill_unit_form(by=world.bureau)
    unit = services.form_current(RubricForm.Kind.UNIT)
    c = logged(client, world.bureau)
    assert "湖塘镇" in c.get(reverse("assessments:score_unit_list"), {"period": "2026Q3"}).text
    data = {f"points-{n}": p for n, p in points_for(unit, 84).items()}
    data.update({"period": "2026Q3", "kind": "quarterly"})
    response = c.post(reverse("assessments:score_unit", args=[world.hutang.pk]) + "?kind=quarterly", data)
    assert response.status_code == 302 and Score.objects.get().total == 84
    township = logged(client, world.inspector).get(reverse("assessments:score_unit_list"))
    assert township.status_code == 200 and "84" in township.text


def test_scores_export_opens_with_openpyxl(client, world, form):
    for enterprise, total in ((world.e_hutang, 80), (world.e_hutang2, 45), (world.e_luoyang, 90)):
        services.score_enterprise(enterprise=enterprise, period=OCTOBER, by=world.bureau,
                                  points=points_for(form, total))
    response = logged(client, world.inspector).get(reverse("assessments:score_export"), {"kind": "enterprise"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True)]
    body = [r for r in rows if r[0] == "2026-10"]
    assert sorted((r[3], float(r[-2])) for r in body) == [("常州湖塘机械有限公司", 80.0), ("常州湖塘纺织有限公司", 45.0)]
    listing = logged(client, world.bureau).get(reverse("assessments:score_list"), {"flagged": "true"})
    assert "常州湖塘纺织有限公司" in listing.text and "常州湖塘机械有限公司" not in listing.text


def test_plans_and_checks_pages(client, world):
    c = logged(client, world.principal)
    assert c.get(reverse("assessments:plan_mine")).status_code == 200
    response = c.post(reverse("assessments:plan_mine"), {"title": "", "files": []})
    assert response.status_code == 200 and not RectificationPlan.objects.exists()
    response = c.post(reverse("assessments:plan_mine"), {"title": "2026年方案", "files": [pdf()]})
    plan = RectificationPlan.objects.get()
    assert response.status_code == 302
    t = logged(client, world.inspector)
    assert "2026年方案" in t.get(reverse("assessments:plan_list"), {"state": "submitted"}).text
    assert "2026年方案" not in t.get(reverse("assessments:plan_list"), {"state": "approved"}).text
    t.post(reverse("assessments:plan_review", args=[plan.pk]), {"decision": "return", "reason": "措施不具体"})
    plan.refresh_from_db()
    assert plan.state == "returned" and plan.review_reason == "措施不具体"
    b = logged(client, world.bureau)
    response = b.post(reverse("assessments:check_new"), {"kind": "quarterly", "period": "2026Q3",
                                                         "enterprises": "2", "units": "3"})
    assert response.status_code == 302
    detail = b.get(response["Location"])
    assert detail.status_code == 200 and 'id="drawn-units"' in detail.text
    assert b.get(reverse("assessments:check_list")).status_code == 200
    assert logged(client, world.inspector).get(reverse("assessments:check_list")).status_code == 404


def test_the_api_scores_adds_evidence_and_files_and_reviews_plans(world, form):
    body = api(world.inspector).get("/api/v1/rubric-forms/").json()
    kinds = {(f["kind"], f["version"]): f for f in body["results"]}
    assert kinds[("enterprise", 1)]["is_complete"] and not kinds[("unit", 1)]["is_complete"]
    assert len(kinds[("enterprise", 1)]["items"]) == 12

    client = api(world.inspector)
    points = {str(n): p for n, p in points_for(form, 75).items()}
    created = client.post("/api/v1/rubric-scores/enterprise/", {"enterprise": world.e_hutang.pk,
                                                                "period": "2026-10", "points": points}, format="json")
    assert created.status_code == 201, created.content
    score = created.json()
    assert score["total"] == "75.0" and len(score["lines"]) == 12 and score["form_version"] == 1
    bad = client.post("/api/v1/rubric-scores/enterprise/", {"enterprise": world.e_hutang.pk, "period": "2026-10",
                                                            "points": {**points, "1": "-1"}}, format="json")
    assert list(fields(bad)) == ["items.1"]
    assert Score.objects.get().total == 75
    refusal(client.post("/api/v1/rubric-scores/enterprise/", {"enterprise": world.e_luoyang.pk, "period": "2026-10",
                                                              "points": points}, format="json"), 404)
    evidence = client.post(f"/api/v1/rubric-scores/{score['id']}/evidence/", {"item": 3, "file": jpeg()},
                           format="multipart")
    assert evidence.status_code == 201 and evidence.json()["mime_type"] == "image/jpeg"
    assert list(fields(client.post(f"/api/v1/rubric-scores/{score['id']}/evidence/",
                                   {"item": 3, "file": text()}, format="multipart"))) == ["file"]
    assert Attachment.objects.count() == 1
    again = client.get(f"/api/v1/rubric-scores/{score['id']}/").json()
    assert [len(line["evidence"]) for line in again["lines"]][:4] == [0, 0, 1, 0]
    refusal(api(world.principal).post("/api/v1/rubric-scores/enterprise/", {}, format="json"), 403)

    filed = api(world.principal).post("/api/v1/rectification-plans/", {"title": "方案", "files": [pdf()]},
                                      format="multipart")
    assert filed.status_code == 201, filed.content
    plan = filed.json()
    assert plan["state"] == "submitted" and len(plan["files"]) == 1
    refusal(api(world.principal).post(f"/api/v1/rectification-plans/{plan['id']}/review/",
                                      {"decision": "approve"}, format="json"), 403)
    assert list(fields(client.post(f"/api/v1/rectification-plans/{plan['id']}/review/",
                                   {"decision": "return"}, format="json"))) == ["reason"]
    done = client.post(f"/api/v1/rectification-plans/{plan['id']}/review/", {"decision": "approve"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "approved"
    assert api(world.bureau).get("/api/v1/rectification-plans/", {"state": "approved"}).json()["count"] == 1
    assert api(world.luoyang_inspector).get("/api/v1/rectification-plans/").json()["count"] == 0
