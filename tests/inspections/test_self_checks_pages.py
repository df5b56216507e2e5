"""Self-check list pages: the campaign's send action (count, then send), the list with filters, paging
and its .xlsx export, the enterprise's to-do and fill form (once per client key), scope from outside."""
import io
from html import unescape

import pytest
from openpyxl import load_workbook

from inspections.models import Hazard, SelfCheckAnswer, SelfCheckList
from portal.submissions.models import Submission
from portal.ui import todos_for

from tests.enterprises.factories import make_enterprise_user
from tests.factories import jpeg
from tests.inspections.self_check_factories import answers_for, general, make_campaign, send

pytestmark = pytest.mark.django_db


def page(client, user, url, data=None):
    client.force_login(user)
    response = client.post(url, data) if data is not None else client.get(url)
    return response, unescape(response.content.decode())


def state():
    return (list(SelfCheckList.objects.order_by("pk").values()), SelfCheckAnswer.objects.count(),
            Hazard.objects.count(), Submission.objects.count())


def fill_data(self_check, key, failures=None, skip=()):
    data = {"client_key": key}
    for answer in answers_for(self_check, failures, skip):
        data[f"result_{answer['item']}"] = answer["result"]
        data[f"note_{answer['item']}"] = answer["note"]
    return data


def test_the_campaign_page_shows_the_send_action_which_counts_then_sends(world, client):
    campaign = make_campaign(world)
    response, html = page(client, world.bureau, f"/inspections/campaigns/{campaign.pk}/")
    assert "campaign-self-checks" in html and f"/inspections/campaigns/{campaign.pk}/self-checks/send/" in html
    url = f"/inspections/campaigns/{campaign.pk}/self-checks/send/"
    response, html = page(client, world.bureau, url)
    assert response.status_code == 200 and "3 家目标企业将收到自查清单" in html
    response, html = page(client, world.bureau, url, {"checklist": general().pk, "due_date": "2026-11-30"})
    assert response.status_code == 302 and response["Location"] == f"/inspections/self-checks/?campaign={campaign.pk}"
    assert SelfCheckList.objects.count() == 3
    response, html = page(client, world.bureau, url)
    assert "0 家目标企业将收到自查清单" in html and "3 家已收到" in html
    # a bad due date: the form says why, nothing sent
    campaign2 = make_campaign(world, name="回头看")
    response, html = page(client, world.bureau, f"/inspections/campaigns/{campaign2.pk}/self-checks/send/",
                          {"checklist": general().pk, "due_date": "2026-11-01"})
    assert response.status_code == 200 and "截止日期不能早于今天。" in html
    assert SelfCheckList.objects.count() == 3


def test_who_may_send_scope_from_outside(world, client):
    campaign = make_campaign(world)
    url = f"/inspections/campaigns/{campaign.pk}/self-checks/send/"
    data = {"checklist": general().pk, "due_date": "2026-11-30"}
    assert page(client, world.principal, url, data)[0].status_code == 404  # an enterprise sees no campaign
    assert page(client, world.inspector, url, data)[0].status_code == 403  # the district's campaign: read-only
    assert page(client, world.grid_member, url, data)[0].status_code == 404
    assert SelfCheckList.objects.count() == 0


def test_the_list_filters_pages_and_scopes(world, client):
    campaign = make_campaign(world)
    send(campaign, world.bureau)
    mine = SelfCheckList.objects.get(enterprise=world.e_hutang)
    from inspections.services import self_check_submit
    self_check_submit(self_check=mine, by=world.principal, answers=answers_for(mine, {"GEN-01": "缺"}))
    response, html = page(client, world.bureau, "/inspections/self-checks/")
    assert response.status_code == 200 and html.count('class="self-check-row"') == 3
    assert "自查清单" in html  # the menu and the title
    _, html = page(client, world.bureau, f"/inspections/self-checks/?township={world.luoyang.pk}")
    assert html.count('class="self-check-row"') == 1 and world.e_luoyang.name in html
    _, html = page(client, world.bureau, "/inspections/self-checks/?state=done")
    assert html.count('class="self-check-row"') == 1 and world.e_hutang.name in html
    _, html = page(client, world.bureau, "/inspections/self-checks/?per_page=2")
    assert html.count('class="self-check-row"') == 2 and "page=2" in html
    # the township sees its own enterprises' lists only
    _, html = page(client, world.luoyang_inspector, "/inspections/self-checks/")
    assert html.count('class="self-check-row"') == 1 and world.e_hutang.name not in html
    assert page(client, world.luoyang_inspector, f"/inspections/self-checks/{mine.pk}/")[0].status_code == 404
    _, html = page(client, world.inspector, f"/inspections/self-checks/{mine.pk}/")
    assert 'data-item="GEN-01" data-result="fail"' in html and "/inspections/hazards/" in html


def test_the_export_opens_with_openpyxl_and_keeps_the_filter(world, client):
    campaign = make_campaign(world)
    send(campaign, world.bureau)
    client.force_login(world.bureau)
    response = client.get(f"/inspections/self-checks/export.xlsx?township={world.hutang.pk}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "板块：湖塘镇" in rows[0][0]
    assert rows[1][:4] == ("专项行动", "企业名称", "统一社会信用代码", "镇（街道）")
    assert sorted(r[1] for r in rows[2:]) == sorted([world.e_hutang.name, world.e_hutang2.name])
    assert {r[7] for r in rows[2:]} == {"待自查"}
    client.force_login(world.luoyang_inspector)
    rows = list(load_workbook(io.BytesIO(client.get("/inspections/self-checks/export.xlsx").content))
                .active.iter_rows(values_only=True))
    assert [r[1] for r in rows[2:]] == [world.e_luoyang.name]


def test_the_enterprise_to_do_and_fill_form_submit_once(world, client):
    campaign = make_campaign(world)
    send(campaign, world.bureau)
    mine = SelfCheckList.objects.get(enterprise=world.e_hutang)
    todos = {t.label: t.count for t in todos_for(world.principal)}
    assert todos["待填报的自查清单"] == 1
    response, html = page(client, world.principal, f"/inspections/self-checks/{mine.pk}/fill/")
    assert response.status_code == 200 and html.count('class="card mb-2 self-check-item"') == len(answers_for(mine))
    data = fill_data(mine, "key-fill-0001", {"GEN-03": "应急预案未演练"})
    data["photo_GEN-03"] = jpeg()
    client.force_login(world.principal)
    first = client.post(f"/inspections/self-checks/{mine.pk}/fill/", data)
    assert first.status_code == 302 and first["Location"] == f"/inspections/self-checks/{mine.pk}/"
    assert Hazard.objects.get().source == "self_check"
    before = state()
    data["photo_GEN-03"] = jpeg()
    again = client.post(f"/inspections/self-checks/{mine.pk}/fill/", data)  # a double tap: the first result
    assert again.status_code == 302 and again["Location"] == first["Location"] and state() == before
    # another key on a submitted list: refused, in Chinese, nothing changes
    response, html = page(client, world.principal, f"/inspections/self-checks/{mine.pk}/fill/",
                          fill_data(mine, "key-fill-0002"))
    assert response.status_code == 200 and "不能再次提交" in html and state() == before
    assert {t.label: t.count for t in todos_for(world.principal)}.get("待填报的自查清单", 0) == 0


def test_the_fill_form_says_what_is_missing_and_changes_nothing(world, client):
    campaign = make_campaign(world)
    send(campaign, world.bureau)
    mine = SelfCheckList.objects.get(enterprise=world.e_hutang)
    before = state()
    response, html = page(client, world.principal, f"/inspections/self-checks/{mine.pk}/fill/",
                          fill_data(mine, "key-fill-0003", skip=("GEN-02",)))
    assert response.status_code == 200 and "请回答每一项：GEN-02 未回答。" in html and state() == before


def test_fill_scope_from_outside(world, client):
    campaign = make_campaign(world)
    send(campaign, world.bureau)
    other = SelfCheckList.objects.get(enterprise=world.e_luoyang)
    mine = SelfCheckList.objects.get(enterprise=world.e_hutang)
    before = state()
    # another enterprise's list: 404, as if it did not exist
    assert page(client, world.principal, f"/inspections/self-checks/{other.pk}/fill/",
                fill_data(other, "key-fill-0004"))[0].status_code == 404
    assert page(client, world.principal, f"/inspections/self-checks/{other.pk}/")[0].status_code == 404
    # the enterprise's staff (read-only) and the township's inspector: 403
    assert page(client, world.staff, f"/inspections/self-checks/{mine.pk}/fill/",
                fill_data(mine, "key-fill-0005"))[0].status_code == 403
    assert page(client, world.inspector, f"/inspections/self-checks/{mine.pk}/fill/",
                fill_data(mine, "key-fill-0006"))[0].status_code == 403
    assert state() == before


def test_the_township_to_do_names_late_lists(world, client, clock):
    campaign = make_campaign(world)
    send(campaign, world.bureau, due_date=__import__("datetime").date(2026, 11, 20))
    clock.move_to("2026-11-25T10:00:00+08:00")
    assert {t.label: t.count for t in todos_for(world.inspector)}["企业自查清单逾期未完成"] == 2
    assert {t.label: t.count for t in todos_for(world.principal)}["已过截止日期的自查清单"] == 1
    _, html = page(client, world.inspector, "/inspections/self-checks/?state=sent&overdue=true")
    assert html.count('class="self-check-row"') == 2
    other = make_enterprise_user(world.e_luoyang, "principal", username="lp")
    assert {t.label: t.count for t in todos_for(other)}["已过截止日期的自查清单"] == 1
