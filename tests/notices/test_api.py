"""/api/v1/notices/: the same services and scope as the pages — draft, change, publish, the files —
with the API's one error shape; out of scope 404, read-only 403, a published notice's change 400."""
import pytest
from rest_framework.test import APIClient

from portal.notices.models import Notice, NoticeReceipt
from tests.api_errors import refusal
from tests.notices.conftest import NEXT_STEP, draft, publish, written

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_render")]


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_bureau_drafts_changes_and_publishes(frozen, people, django_capture_on_commit_callbacks):
    client = api(people.city_bureau)
    response = client.post("/api/v1/notices/", {"snapshot": frozen.pk, "number_prefix": "常应急函"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    notice = Notice.objects.get(pk=body["id"])
    assert (body["state"], body["title"], body["number"]) == ("draft", notice.title, "")
    assert [r["region_name"] for r in body["recipients"]] == ["甲区", "乙区"]
    assert any(a["figure"] == "risk.overdue_rate" for a in body["attachments"])
    # publishing the placeholder is refused with its message
    assert refusal(client.post(f"/api/v1/notices/{notice.pk}/publish/"))["detail"] == \
        "“下一步工作”仍为占位文字，请替换为本单位的工作安排后再发布。"
    response = client.patch(f"/api/v1/notices/{notice.pk}/", {"next_steps": [NEXT_STEP]}, format="json")
    assert response.status_code == 200 and response.json()["next_steps"] == [NEXT_STEP]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/notices/{notice.pk}/publish/")
    assert response.status_code == 200 and response.json()["number"] == "常应急函〔2026〕1号"
    assert response.json()["rendered"] is False  # the render job starts once the publishing is committed
    assert client.get(f"/api/v1/notices/{notice.pk}/").json()["rendered"] is True
    # frozen: a change, a second publishing and a delete are refused, nothing changes
    before = Notice.objects.values().get(pk=notice.pk)
    for answer in (client.patch(f"/api/v1/notices/{notice.pk}/", {"title": "改过的标题"}, format="json"),
                   client.post(f"/api/v1/notices/{notice.pk}/publish/"),
                   client.delete(f"/api/v1/notices/{notice.pk}/")):
        assert refusal(answer)["detail"] == "通报常应急函〔2026〕1号已发布，不能再修改。"
    assert Notice.objects.values().get(pk=notice.pk) == before
    # the files
    pdf = client.get(f"/api/v1/notices/{notice.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(f"/api/v1/notices/{notice.pk}/docx/").status_code == 200


def test_bad_input_names_the_field(frozen, people):
    notice = draft(frozen, people.city_bureau)
    client = api(people.city_bureau)
    before = Notice.objects.values().get(pk=notice.pk)
    response = client.patch(f"/api/v1/notices/{notice.pk}/", {"body": [{"kind": "h9", "text": "x"}]}, format="json")
    assert "body.0.kind" in refusal(response)["fields"]
    response = client.patch(f"/api/v1/notices/{notice.pk}/", {"title": "  "}, format="json")
    assert refusal(response)["fields"] == {"title": ["此项不能为空。"]}
    response = client.patch(f"/api/v1/notices/{notice.pk}/", {"attachments": ["test.made_up"]}, format="json")
    assert refusal(response)["fields"] == {"attachments": ["“test.made_up”不是本稿的排名表。"]}
    assert refusal(client.post("/api/v1/notices/", {}, format="json"))["fields"] == {"snapshot": ["该字段是必填项。"]}
    assert Notice.objects.values().get(pk=notice.pk) == before and Notice.objects.count() == 1


def test_scope_and_receipts(frozen, people, django_capture_on_commit_callbacks):
    district = written(draft(frozen, people.a_bureau), people.a_bureau)
    # a draft: 404 for everyone but its bureau (the city's too), on every endpoint
    for user in (people.b_bureau, people.city_bureau, people.a1_inspector, people.other_city):
        client = api(user)
        assert refusal(client.get(f"/api/v1/notices/{district.pk}/"), 404)["code"] == "not_found"
        refusal(client.patch(f"/api/v1/notices/{district.pk}/", {"title": "x"}, format="json"), 404)
        refusal(client.post(f"/api/v1/notices/{district.pk}/publish/"), 404)
        assert client.get("/api/v1/notices/").json()["count"] == 0
    district = publish(district, people.a_bureau, django_capture_on_commit_callbacks)
    # published: 乙区 still 404; 甲一镇's inspector reads it (a receipt), may not change it (403)
    refusal(api(people.b_bureau).get(f"/api/v1/notices/{district.pk}/"), 404)
    reader = api(people.a1_inspector)
    assert reader.get("/api/v1/notices/", {"state": "published"}).json()["count"] == 1
    assert reader.get(f"/api/v1/notices/{district.pk}/").status_code == 200
    receipt = NoticeReceipt.objects.get()
    assert (receipt.user, receipt.recipient.region.name, receipt.via) == (people.a1_inspector, "甲一镇", "api")
    before = Notice.objects.values().get(pk=district.pk)
    refusal(reader.patch(f"/api/v1/notices/{district.pk}/", {"title": "x"}, format="json"), 403)
    refusal(reader.delete(f"/api/v1/notices/{district.pk}/"), 403)
    refusal(reader.post("/api/v1/notices/", {"snapshot": frozen.pk}, format="json"), 403)
    assert Notice.objects.values().get(pk=district.pk) == before
    # a district bureau's draft from a snapshot it may not draft from: 404
    refusal(api(people.other_city).post("/api/v1/notices/", {"snapshot": frozen.pk}, format="json"), 404)


def test_files_before_they_are_rendered_are_a_conflict(frozen, people):
    notice = draft(frozen, people.city_bureau)
    body = refusal(api(people.city_bureau).get(f"/api/v1/notices/{notice.pk}/pdf/"), 409)
    assert body["code"] == "conflict" and body["detail"] == "该通报的文件尚未生成。"
