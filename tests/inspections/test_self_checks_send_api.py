"""POST /api/v1/campaigns/<id>/self-checks/: the send page's action through the API — the same
``self_check_send`` and the same scope: it answers how many lists were sent and how many targets had
one already, sends only the missing ones on a second call, and refuses bad input (a Chinese message,
nothing sent), a campaign out of scope (404) and a unit that did not organise it (403)."""
import datetime

import pytest
from rest_framework.test import APIClient

from inspections import services
from inspections.models import ChecklistTemplate, SelfCheckList

from tests.inspections.self_check_factories import general, make_campaign

pytestmark = pytest.mark.django_db
D = datetime.date


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def url(campaign):
    return f"/api/v1/campaigns/{campaign.pk}/self-checks/"


def body(**changes):
    return {"checklist": general().pk, "due_date": "2026-11-30", **changes}


def snapshot():
    return list(SelfCheckList.objects.order_by("pk").values())


def test_send_counts_and_is_idempotent(world):
    campaign = make_campaign(world, targets=[world.e_hutang, world.e_hutang2])
    api = client_for(world.bureau)
    response = api.post(url(campaign), body(), format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"sent": 2, "already": 0, "lists": 2}
    lists = SelfCheckList.objects.filter(campaign=campaign)
    assert {lst.enterprise_id for lst in lists} == {world.e_hutang.pk, world.e_hutang2.pk}
    assert {(lst.due_date, lst.sent_by_id, lst.checklist_id) for lst in lists} == {
        (D(2026, 11, 30), world.bureau.pk, general().pk)}
    # again: nothing new
    assert api.post(url(campaign), body(), format="json").json() == {"sent": 0, "already": 2, "lists": 2}
    # a target added since: only it is sent
    campaign.targets.add(world.e_luoyang)
    response = api.post(url(campaign), body(due_date="2026-12-15"), format="json")
    assert response.json() == {"sent": 1, "already": 2, "lists": 3}
    assert SelfCheckList.objects.get(enterprise=world.e_luoyang).due_date == D(2026, 12, 15)
    assert SelfCheckList.objects.get(enterprise=world.e_hutang).due_date == D(2026, 11, 30)


def test_the_api_and_the_page_send_the_same_lists(world, client):
    """A list sent on the page counts as already sent for the API."""
    campaign = make_campaign(world)
    client.force_login(world.bureau)
    client.post(f"/inspections/campaigns/{campaign.pk}/self-checks/send/", body())
    assert SelfCheckList.objects.count() == 3
    assert client_for(world.bureau).post(url(campaign), body(), format="json").json() == {
        "sent": 0, "already": 3, "lists": 3}


@pytest.mark.parametrize("changes, field, message", [
    ({"checklist": 999999}, "checklist", "请选择本专项行动组织单位或全平台已发布的检查表。"),
    ({"due_date": "2026-11-15"}, "due_date", "截止日期不能早于今天。"),
    ({"due_date": "明天"}, "due_date", "日期格式错误"),
    ({"due_date": None}, "due_date", None),
    ({"checklist": "abc"}, "checklist", None),
])
def test_bad_input_is_a_400_in_chinese_and_sends_nothing(world, changes, field, message):
    campaign = make_campaign(world)
    response = client_for(world.bureau).post(url(campaign), body(**changes), format="json")
    assert response.status_code == 400, response.content
    data = response.json()
    assert field in data["fields"]
    text = " ".join(data["fields"][field])
    assert message in text if message else any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert snapshot() == []


def test_an_unpublished_or_empty_or_foreign_checklist_is_refused(world):
    campaign = make_campaign(world)
    draft = ChecklistTemplate.objects.create(code="draft-one", name="草稿检查表")
    luoyang = ChecklistTemplate.objects.create(code="luoyang", name="洛阳镇检查表", region=world.luoyang,
                                               status=ChecklistTemplate.Status.PUBLISHED)
    api = client_for(world.bureau)
    for checklist in (draft, luoyang):
        response = api.post(url(campaign), body(checklist=checklist.pk), format="json")
        assert response.status_code == 400 and "checklist" in response.json()["fields"]
    assert snapshot() == []


def test_an_ended_or_empty_campaign_sends_nothing(world):
    ended = make_campaign(world, start=D(2026, 10, 1), end=D(2026, 11, 10), name="已结束")
    response = client_for(world.bureau).post(url(ended), body(), format="json")
    assert response.status_code == 400 and "结束，不能再下发自查清单" in " ".join(response.json()["fields"]["campaign"])
    empty = make_campaign(world, targets=[], name="无目标")
    response = client_for(world.bureau).post(url(empty), body(), format="json")
    assert response.status_code == 400 and "campaign" in response.json()["fields"]
    assert snapshot() == []


def test_who_may_send_scope_from_outside(world):
    district = make_campaign(world)
    township = services.campaign_create(region=world.hutang, by=world.inspector, name="湖塘镇专项", kind="general",
                                        start=D(2026, 11, 1), end=D(2026, 12, 31), targets=[world.e_hutang])
    assert client_for(world.principal).post(url(district), body(), format="json").status_code == 404
    assert client_for(world.grid_member).post(url(district), body(), format="json").status_code == 404
    refused = client_for(world.inspector).post(url(district), body(), format="json")
    assert refused.status_code == 403 and "只有" in refused.json()["detail"]
    assert client_for(world.luoyang_inspector).post(url(township), body(), format="json").status_code == 404
    assert client_for(world.inspector).post(f"/api/v1/campaigns/{district.pk + 1000}/self-checks/", body(),
                                            format="json").status_code == 404
    assert APIClient().post(url(district), body(), format="json").status_code in (401, 403)
    # the scope decides before the input: a foreign campaign with a bad body is still a 404
    assert client_for(world.luoyang_inspector).post(url(township), {"due_date": "x"}, format="json").status_code == 404
    assert snapshot() == []
    # the township's own inspector and the district above it may
    assert client_for(world.inspector).post(url(township), body(), format="json").json()["sent"] == 1
    assert client_for(world.bureau).post(url(township), body(), format="json").json() == {
        "sent": 0, "already": 1, "lists": 1}
