"""Campaign pages (专项整治, 百日清零…): creating one, adding targets by roster filter, the
inspections in it and the hand-counted not-cleared list (未清零) with its "已清零" once closed."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import KeyDomain
from inspections import services
from inspections.models import Campaign

from tests.enterprises.factories import enterprise_writer
from tests.factories import jpeg
from tests.inspections.factories import criterion, make_inspection
from tests.inspections.test_plan_pages import frozen, page  # noqa: F401  (today is 2026-06-15)

pytestmark = pytest.mark.django_db
D = datetime.date


def make_campaign(world, **kw):
    kw = {"region": world.wujin, "by": world.bureau, "name": "粉尘涉爆百日清零", "kind": "hundred_days",
          "start": D(2026, 3, 1), "end": D(2026, 5, 31), **kw}
    return services.campaign_create(**kw)


def campaigns_snapshot():
    return list(Campaign.objects.order_by("pk").values()), list(
        Campaign.targets.through.objects.order_by("pk").values_list("campaign_id", "enterprise_id"))


def test_bureau_staff_create_a_campaign(world, client):
    response, _ = page(client, world.bureau, "/inspections/campaigns/new/",
                       {"name": "工贸行业安全生产大检查", "kind": "general", "start": "2026-04-01", "end": "2026-06-30"})
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/campaigns/{campaign.pk}/"
    assert (campaign.region, campaign.kind, campaign.created_by) == (world.wujin, "general", world.bureau)


def test_a_campaign_ending_before_it_starts_is_refused_in_chinese(world, client):
    response, html = page(client, world.bureau, "/inspections/campaigns/new/",
                          {"name": "回头看", "kind": "follow_up", "start": "2026-06-30", "end": "2026-06-01"})
    assert response.status_code == 200 and "专项行动结束日期不能早于开始日期。" in html
    assert campaigns_snapshot() == ([], [])


def test_targets_by_roster_filter_preview_then_add(world, client):
    campaign = make_campaign(world)
    dust = KeyDomain.objects.get(code="dust")
    url = f"/inspections/campaigns/{campaign.pk}/targets/add/?key_domain={dust.pk}"
    _, html = page(client, world.bureau, url)
    assert "1 家企业符合条件" in html and world.e_hutang.name in html
    response, _ = page(client, world.bureau, url, {})
    assert response.status_code == 302
    assert list(campaign.targets.all()) == [world.e_hutang]


def _major(world, enterprise, found, closed_on=None):
    """A major hazard of ``enterprise`` found on ``found``; verified closed by the bureau on ``closed_on``."""
    inspection = make_inspection(enterprise, world.inspector if enterprise.township == world.hutang
                                 else world.luoyang_inspector, inspected_on=found, checklist="dust",
                                 failures={"DUST-04": {"major_criterion": criterion("DUST-3").pk}})
    hazard = inspection.hazards.get()
    if closed_on:
        writer = enterprise_writer(enterprise)  # the enterprise rectifies, the bureau verifies
        services.hazard_plan(hazard=hazard, by=writer, responsible_person="王五", measures="加装泄爆片",
                             funds=Decimal("5000"), emergency_plan="停用除尘系统")
        services.hazard_submit(hazard=hazard, by=writer, note="已整改", evidence=[jpeg()])
        services.hazard_verify(hazard=hazard, by=world.bureau, on=closed_on)
    return hazard


def test_the_not_cleared_list_is_hand_counted(world, client):
    campaign = make_campaign(world, targets=[world.e_hutang, world.e_hutang2, world.e_luoyang])
    # 湖塘机械: a major hazard found 04-01, still open            -> not cleared, 1 open at the end, 1 still open
    _major(world, world.e_hutang, D(2026, 4, 1))
    # 湖塘纺织: found 04-10, closed 06-10 (after the end, 05-31)    -> not cleared, 1 at the end, 0 now: 已清零
    _major(world, world.e_hutang2, D(2026, 4, 10), closed_on=D(2026, 6, 10))
    # 洛阳冶金: found 04-05, closed 05-20 (before the end)          -> cleared; and a general hazard does not count
    _major(world, world.e_luoyang, D(2026, 4, 5), closed_on=D(2026, 5, 20))
    make_inspection(world.e_luoyang, world.luoyang_inspector, inspected_on=D(2026, 4, 6), campaign=campaign,
                    failures={"GEN-12": {"description": "灭火器过期"}})
    rows = {e.name: (e.open_at_end, e.still_open) for e in services.campaign_not_cleared(campaign)}
    assert rows == {world.e_hutang.name: (1, 1), world.e_hutang2.name: (1, 0)}

    response, html = page(client, world.bureau, f"/inspections/campaigns/{campaign.pk}/")
    assert response.status_code == 200
    assert 'id="target-count">3<' in html and 'id="checked-count">1<' in html
    assert 'id="not-cleared-count">2<' in html and 'id="still-open-count">1<' in html
    section = html.split('id="not-cleared"')[1].split('id="campaign-inspections"')[0]
    assert section.count('class="not-cleared-row"') == 2 and world.e_luoyang.name not in section
    hutang2_row = section.split(world.e_hutang2.name)[1].split("</tr>")[0]
    assert "已清零" in hutang2_row
    inspections = html.split('id="campaign-inspections"')[1]
    assert world.e_luoyang.name in inspections.split('id="campaign-targets"')[0]


def test_the_campaign_list_counts_targets_and_inspections_in_a_fixed_number_of_queries(world, client):
    first = make_campaign(world, targets=[world.e_hutang, world.e_luoyang])
    make_inspection(world.e_hutang, world.inspector, inspected_on=D(2026, 4, 2), campaign=first)
    client.force_login(world.bureau)
    client.get("/inspections/campaigns/")
    with CaptureQueriesContext(connection) as one:
        response = client.get("/inspections/campaigns/")
    html = response.content.decode()
    row = html.split(first.name)[1].split("</tr>")[0]
    assert '<td class="text-end" data-label="对象企业">2</td>' in row
    assert '<td class="text-end" data-label="被检查企业数">1</td>' in row
    for n in range(3):
        make_campaign(world, name=f"回头看{n}", kind="follow_up", targets=[world.e_hutang2])
    with CaptureQueriesContext(connection) as four:
        client.get("/inspections/campaigns/")
    assert len(four) == len(one)
    response = client.get("/inspections/campaigns/?kind=follow_up")
    table = response.content.decode().split('id="campaign-table"')[1]
    assert table.count('href="/inspections/campaigns/') == 3 and first.name not in table


def test_out_of_scope_and_other_roles_get_404_and_change_nothing(world, client):
    campaign = make_campaign(world, region=world.hutang, by=world.inspector, name="湖塘镇回头看")  # nothing of 洛阳's
    dust = KeyDomain.objects.get(code="dust")
    before = campaigns_snapshot()
    for user in (world.luoyang_inspector, world.grid_member, world.principal, world.auditor):
        for url, data in ((f"/inspections/campaigns/{campaign.pk}/", None),
                          (f"/inspections/campaigns/{campaign.pk}/targets/add/?key_domain={dust.pk}", {})):
            response, _ = page(client, user, url, data)
            assert response.status_code == 404, (user, url)
    for user in (world.grid_member, world.principal, world.auditor):
        response, _ = page(client, user, "/inspections/campaigns/")
        assert response.status_code == 404
    _, html = page(client, world.luoyang_inspector, "/inspections/campaigns/")
    assert campaign.name not in html
    assert campaigns_snapshot() == before


def test_a_township_campaign_is_read_by_the_district_and_changed_by_the_township(world, client):
    campaign = make_campaign(world, region=world.hutang, by=world.inspector, name="湖塘镇回头看")
    dust = KeyDomain.objects.get(code="dust")
    url = f"/inspections/campaigns/{campaign.pk}/targets/add/?key_domain={dust.pk}"
    response, _ = page(client, world.bureau, f"/inspections/campaigns/{campaign.pk}/")
    assert response.status_code == 200
    response, _ = page(client, world.inspector, url, {})
    assert response.status_code == 302 and list(campaign.targets.all()) == [world.e_hutang]


def test_a_township_reads_the_district_campaign_but_cannot_change_it(world, client):
    campaign = make_campaign(world, targets=[world.e_hutang])
    dust = KeyDomain.objects.get(code="dust")
    response, html = page(client, world.inspector, f"/inspections/campaigns/{campaign.pk}/")
    assert response.status_code == 200 and "/targets/add/" not in html
    before = campaigns_snapshot()
    response, _ = page(client, world.inspector, f"/inspections/campaigns/{campaign.pk}/targets/add/?key_domain={dust.pk}",
                       {})
    assert response.status_code == 403
    assert campaigns_snapshot() == before
