"""A township reads the district's plans and campaigns and carries out the district plan's items
in its own township; it does not change them, nor see another township's items."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied

from enterprises.models import Enterprise
from inspections.models import Campaign, InspectionPlan, PlanItem
from inspections.services import campaign_create, campaign_targets_add, plan_create, plan_items_add
from portal.accounts import scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def district_plan(world):
    plan = plan_create(region=world.wujin, by=world.bureau, title="2022年度区执法计划", year=2022)
    plan_items_add(plan=plan, by=world.bureau, enterprises=Enterprise.objects.all(), due_date=datetime.date(2022, 8, 31))
    return plan


def test_township_reads_the_district_plan_and_only_its_own_items(world, district_plan):
    assert scope.visible(world.inspector, InspectionPlan.objects.all()).get() == district_plan
    items = scope.visible(world.inspector, PlanItem.objects.all())
    assert {i.enterprise for i in items} == {world.e_hutang, world.e_hutang2}
    # the district sees all three; another district's bureau would see none
    assert scope.visible(world.bureau, PlanItem.objects.all()).count() == 3
    assert not scope.visible(world.principal, InspectionPlan.objects.all()).exists()


def test_township_does_not_change_the_district_plan(world, district_plan):
    with pytest.raises(PermissionDenied) as exc:  # who may change it is decided first: a 403
        plan_items_add(plan=district_plan, by=world.inspector, enterprises=[world.e_hutang],
                       due_date=datetime.date(2022, 9, 30))
    assert "武进区" in str(exc.value)
    assert district_plan.items.count() == 3


def test_township_reads_district_campaigns_but_does_not_add_targets(world):
    campaign = campaign_create(region=world.wujin, by=world.bureau, name="百日清零", kind="hundred_days",
                               start=datetime.date(2022, 3, 1), end=datetime.date(2022, 6, 8))
    assert scope.visible(world.luoyang_inspector, Campaign.objects.all()).get() == campaign
    with pytest.raises(PermissionDenied):
        campaign_targets_add(campaign=campaign, by=world.luoyang_inspector, enterprises=[world.e_luoyang])
    assert not campaign.targets.exists()


def test_district_plan_item_can_be_inspected_by_the_township(client, world, district_plan):
    item = district_plan.items.get(enterprise=world.e_hutang)
    client.force_login(world.inspector)
    response = client.get(f"/inspections/new/?enterprise={world.e_hutang.pk}&checklist=general&plan_item={item.pk}")
    assert response.status_code == 200
