"""/api/v1/self-checks/: scoped list and retrieve, and the submit with an Idempotency-Key — the same
key twice is one result, another key on a submitted list a 400, bad input a 400 that changes nothing,
another enterprise's list a 404."""
import json

import pytest
from rest_framework.test import APIClient

from inspections.models import Hazard, SelfCheckAnswer, SelfCheckList
from portal.submissions.models import Submission

from tests.enterprises.factories import make_enterprise_user
from tests.factories import jpeg
from tests.inspections.self_check_factories import answers_for, make_campaign, send

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def state():
    return (list(SelfCheckList.objects.order_by("pk").values()), SelfCheckAnswer.objects.count(),
            Hazard.objects.count(), Submission.objects.count())


@pytest.fixture
def lists(world):
    send(make_campaign(world), world.bureau)
    return {lst.enterprise_id: lst for lst in SelfCheckList.objects.all()}


def flat(body):
    if isinstance(body, dict):
        return " ".join(flat(v) for v in body.values())
    if isinstance(body, list):
        return " ".join(flat(v) for v in body)
    return str(body)


def test_list_and_retrieve_are_scoped(world, lists):
    assert client_for(world.bureau).get("/api/v1/self-checks/").json()["count"] == 3
    assert client_for(world.inspector).get("/api/v1/self-checks/").json()["count"] == 2
    mine = client_for(world.principal).get("/api/v1/self-checks/").json()
    assert [r["enterprise"] for r in mine["results"]] == [world.e_hutang.pk]
    assert mine["results"][0]["state"] == "sent"
    hutang = client_for(world.bureau).get(f"/api/v1/self-checks/?township={world.hutang.pk}").json()
    assert hutang["count"] == 2
    detail = client_for(world.principal).get(f"/api/v1/self-checks/{lists[world.e_hutang.pk].pk}/").json()
    assert detail["items"][0]["code"] == "GEN-01" and detail["answers"] == []
    assert client_for(world.principal).get(f"/api/v1/self-checks/{lists[world.e_luoyang.pk].pk}/").status_code == 404


def test_submit_with_the_same_key_twice_is_one_result(world, lists):
    mine = lists[world.e_hutang.pk]
    url = f"/api/v1/self-checks/{mine.pk}/submit/"
    body = {"answers": answers_for(mine, {"GEN-04": "特种作业人员证书过期"})}
    client = client_for(world.principal)
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="sc-key-00001")
    assert first.status_code == 200, first.json()
    assert (first.json()["state"], first.json()["failed"], len(first.json()["hazards"])) == ("done", 1, 1)
    hazard = Hazard.objects.get()
    assert (hazard.source, hazard.item_code, hazard.pk) == ("self_check", "GEN-04", first.json()["hazards"][0])
    before = state()
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="sc-key-00001")
    assert again.status_code == 200 and again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert state() == before
    # the key with another payload: 409; another key on the submitted list: 400 saying when it was
    other = client.post(url, {"answers": answers_for(mine)}, format="json", HTTP_IDEMPOTENCY_KEY="sc-key-00001")
    assert other.status_code == 409
    later = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="sc-key-00002")
    assert later.status_code == 400 and "不能再次提交" in flat(later.json())
    assert state() == before
    retrieved = client.get(f"/api/v1/self-checks/{mine.pk}/").json()
    assert [(a["item_code"], a["result"]) for a in retrieved["answers"] if a["result"] == "fail"] == [("GEN-04", "fail")]


def test_a_multipart_submit_with_a_photo(world, lists):
    mine = lists[world.e_hutang.pk]
    response = client_for(world.principal).post(
        f"/api/v1/self-checks/{mine.pk}/submit/",
        {"answers": json.dumps(answers_for(mine, {"GEN-06": "通道堵塞"})), "photo_GEN-06": jpeg()},
        format="multipart", HTTP_IDEMPOTENCY_KEY="sc-key-00003")
    assert response.status_code == 200, response.json()
    detail = client_for(world.inspector).get(f"/api/v1/self-checks/{mine.pk}/").json()
    assert [len(a["photos"]) for a in detail["answers"] if a["item_code"] == "GEN-06"] == [1]


def test_bad_input_and_scope_change_nothing(world, lists):
    mine, other = lists[world.e_hutang.pk], lists[world.e_luoyang.pk]
    client = client_for(world.principal)
    before = state()
    url = f"/api/v1/self-checks/{mine.pk}/submit/"
    missing = client.post(url, {"answers": answers_for(mine, skip=("GEN-01",))}, format="json",
                          HTTP_IDEMPOTENCY_KEY="sc-key-00004")
    assert missing.status_code == 400 and "请回答每一项：GEN-01 未回答。" in flat(missing.json())
    stranger = client.post(url, {"answers": [*answers_for(mine), {"item": "SMELT-01", "result": "pass"}]},
                           format="json", HTTP_IDEMPOTENCY_KEY="sc-key-00005")
    assert stranger.status_code == 400 and "检查项 SMELT-01 不在这份自查清单中。" in flat(stranger.json())
    assert client.post(url, {"answers": answers_for(mine)}, format="json").status_code == 400  # no key
    # another enterprise's list: 404; the enterprise's staff and a township inspector: 403
    assert client.post(f"/api/v1/self-checks/{other.pk}/submit/", {"answers": answers_for(other)}, format="json",
                       HTTP_IDEMPOTENCY_KEY="sc-key-00006").status_code == 404
    for user in (world.staff, world.inspector):
        assert client_for(user).post(url, {"answers": answers_for(mine)}, format="json",
                                     HTTP_IDEMPOTENCY_KEY=f"sc-key-0000{user.pk}7").status_code == 403
    luoyang = make_enterprise_user(world.e_luoyang, "principal", username="lp")
    assert client_for(luoyang).post(url, {"answers": answers_for(mine)}, format="json",
                                    HTTP_IDEMPOTENCY_KEY="sc-key-00008").status_code == 404
    assert state() == before
