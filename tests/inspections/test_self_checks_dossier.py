"""The enterprise page (一企一档) gains its self-check lists section (issue 11 item 4): the
enterprise's lists newest first with campaign, checklist, sent, due, state, done at and the failed
items linked to their hazards; limited, with a link to the full list filtered on the enterprise;
scoped; a fixed number of queries."""
import datetime
from html import unescape

import pytest

from enterprises.dossier import sections_for
from inspections import dossier_sections_self_checks as section_module
from inspections import services
from inspections.models import SelfCheckList

from tests.inspections.self_check_factories import answers_for, make_campaign, send

pytestmark = pytest.mark.django_db
D = datetime.date


def section(client, user, enterprise):
    client.force_login(user)
    response = client.get(f"/enterprises/{enterprise.pk}/")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    start = html.index('id="section-self_checks"')
    end = html.find('id="section-', start + 1)
    return html[start:end if end != -1 else len(html)]


@pytest.fixture
def lists(world, clock):
    """Two campaigns: the first's list (sent 2026-11-16) done by 湖塘机械 with GEN-04 failed, the
    second's (sent 2026-11-18, due 2026-11-20) still waiting and, by 2026-11-25, late."""
    first = make_campaign(world)
    send(first, world.bureau, due_date=D(2026, 11, 30))
    mine = SelfCheckList.objects.get(campaign=first, enterprise=world.e_hutang)
    services.self_check_submit(self_check=mine, by=world.principal,
                               answers=answers_for(mine, {"GEN-04": "特种作业人员证书过期"}))
    clock.move_to("2026-11-18T09:00:00+08:00")
    second = make_campaign(world, name="回头看", targets=[world.e_hutang])
    send(second, world.bureau, due_date=D(2026, 11, 20))
    clock.move_to("2026-11-25T09:00:00+08:00")
    return {"done": mine, "waiting": SelfCheckList.objects.get(campaign=second)}


def test_the_section_lists_newest_first_with_failed_items_linked(client, world, lists):
    html = section(client, world.inspector, world.e_hutang)
    assert '<h2 class="h5">企业自查清单</h2>' in html
    assert html.index("回头看") < html.index("工贸行业安全生产大检查")  # newest first
    hazard = lists["done"].answers.get(item_code="GEN-04").hazard
    assert f'href="/inspections/hazards/{hazard.pk}/"' in html and ">GEN-04</a>" in html
    assert f'href="/inspections/self-checks/{lists["done"].pk}/"' in html
    assert f'href="/inspections/self-checks/{lists["waiting"].pk}/"' in html
    assert "2026-11-16" in html and "2026-11-30" in html and "2026-11-20" in html
    assert "已完成自查" in html and "已逾期" in html  # done; the second past its due date
    assert f'href="/inspections/self-checks/?enterprise={world.e_hutang.pk}"' in html
    data = section_module.self_checks_section(world.e_hutang, world.inspector)
    assert (data["total"], data["done"], data["late"], data["more"]) == (2, 1, 1, False)
    assert [s.campaign.name for s in data["self_checks"]] == ["回头看", "工贸行业安全生产大检查"]
    assert [[a.item_code for a in s.failed] for s in data["self_checks"]] == [[], ["GEN-04"]]


def test_the_section_is_limited_with_a_link_to_the_full_list(client, world, lists, monkeypatch):
    monkeypatch.setattr(section_module, "LATEST_SELF_CHECKS", 1)
    html = section(client, world.bureau, world.e_hutang)
    assert "回头看" in html and "工贸行业安全生产大检查" not in html
    assert "全部 2 份自查清单" in html
    assert f'href="/inspections/self-checks/?enterprise={world.e_hutang.pk}"' in html
    # the full list, filtered on the enterprise, has both
    listing = unescape(client.get(f"/inspections/self-checks/?enterprise={world.e_hutang.pk}").content.decode())
    assert "回头看" in listing and "工贸行业安全生产大检查" in listing and world.e_hutang2.name not in listing


def test_the_enterprise_reads_its_own_and_scope_keeps_the_rest_out(client, world, lists):
    html = section(client, world.principal, world.e_hutang)
    assert "回头看" in html and "GEN-04" in html
    assert f'href="/inspections/self-checks/{lists["done"].pk}/"' in html
    other = section(client, world.inspector, world.e_hutang2)  # sent the first list only, not done
    assert "工贸行业安全生产大检查" in other and "回头看" not in other and "GEN-04" not in other
    # another township's inspector: the page is a 404, and the section asked directly shows nothing
    client.force_login(world.luoyang_inspector)
    assert client.get(f"/enterprises/{world.e_hutang.pk}/").status_code == 404
    data = {s["key"]: s for s in sections_for(world.e_hutang, world.luoyang_inspector)}["self_checks"]
    assert data["self_checks"] == [] and data["total"] == 0
    # a role without the inspection pages gets no link to them
    grid = section_module.self_checks_section(world.e_hutang, world.grid_member)
    assert grid["list_url"] is None and grid["detail_link"] is None


def test_no_list_yet(client, world):
    html = section(client, world.inspector, world.e_hutang)
    assert "尚未向该企业下发自查清单。" in html and "/inspections/self-checks/?enterprise" not in html


def test_a_fixed_number_of_queries(world, lists, django_assert_num_queries):
    user = type(world.inspector).objects.select_related("region").get(pk=world.inspector.pk)
    with django_assert_num_queries(3):  # the counts; the latest lists; their failed answers
        section_module.self_checks_section(world.e_hutang, user)
    for n in range(12):
        send(make_campaign(world, name=f"专项{n}", targets=[world.e_hutang]), world.bureau)
    with django_assert_num_queries(3):
        data = section_module.self_checks_section(world.e_hutang, user)
    assert len(data["self_checks"]) == 10 and data["total"] == 14 and data["more"]
