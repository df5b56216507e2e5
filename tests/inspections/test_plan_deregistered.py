"""Seed 000 item 2: 对已销号企业开展核查工作（全年） — verification checks of deregistered enterprises all
year. A plan leaves deregistered enterprises out unless it asks for them explicitly: in the
services, the add-by-filter and sampling pages, and the API."""
import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from enterprises.models import Status
from enterprises.services import enterprise_change_status
from inspections import services
from inspections.models import PlanItem
from portal.sampling.models import Sample

from tests.enterprises.factories import make_enterprise
from tests.inspections.factories import make_inspection

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(datetime.datetime(2026, 5, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def gone(world):
    """Two deregistered enterprises in 湖塘镇 beside the world's three producing ones."""
    rows = []
    for name in ("常州湖塘已注销甲厂", "常州湖塘已注销乙厂"):
        e = make_enterprise(township=world.hutang, name=name)
        enterprise_change_status(enterprise=e, by=world.bureau, status=Status.DEREGISTERED,
                                 effective_date=D(2026, 2, 20), reason="无生产销号")
        e.refresh_from_db()
        rows.append(e)
    return rows


def plan(world):
    return services.plan_create(region=world.wujin, by=world.bureau, title="2026年已销号企业核查计划", year=2026)


def snapshot():
    return list(PlanItem.objects.order_by("pk").values()), Sample.objects.count()


# -- services ---------------------------------------------------------------------------------------
def test_the_service_leaves_deregistered_enterprises_out_unless_asked(world, gone):
    p = plan(world)
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        services.plan_items_add(plan=p, by=world.bureau, enterprises=gone, due_date=D(2026, 12, 31))
    assert info.value.code == "deregistered"
    assert snapshot() == before
    # a mixed pick keeps only the producing one by default
    assert services.plan_items_add(plan=p, by=world.bureau, enterprises=[world.e_hutang, *gone],
                                   due_date=D(2026, 12, 31)) == 1
    # asked for explicitly, the two deregistered ones are planned too
    assert services.plan_items_add(plan=p, by=world.bureau, enterprises=gone, due_date=D(2026, 12, 31),
                                   include_deregistered=True) == 2
    assert set(p.items.values_list("enterprise__name", flat=True)) == {
        "常州湖塘机械有限公司", "常州湖塘已注销甲厂", "常州湖塘已注销乙厂"}


def test_an_inspection_of_a_deregistered_enterprise_completes_its_plan_item(world, gone):
    p = plan(world)
    services.plan_items_add(plan=p, by=world.bureau, enterprises=gone[:1], due_date=D(2026, 4, 30),
                            include_deregistered=True)
    make_inspection(gone[0], world.inspector, inspected_on=D(2026, 4, 20), kind="verification",
                    plan_item=p.items.get())
    # 1 item due by 15 May, inspected on 20 April -> 100 %
    assert services.plan_completion(p)["rate"] == 100.0


def test_sampling_draws_from_deregistered_enterprises_only_when_asked(world, gone):
    from enterprises.models import Enterprise
    p = plan(world)
    roster = Enterprise.objects.filter(township=world.hutang)  # 2 producing + 2 deregistered
    sample = services.plan_items_sample(plan=p, by=world.bureau, queryset=roster, due_date=D(2026, 12, 31),
                                        percent=100)
    assert sample.population_size == 2 and not sample.filters["include_deregistered"]
    p2 = services.plan_create(region=world.hutang, by=world.inspector, title="湖塘镇销号核查", year=2026)
    sample = services.plan_items_sample(plan=p2, by=world.inspector, queryset=roster.filter(status="deregistered"),
                                        due_date=D(2026, 12, 31), n=2, include_deregistered=True)
    assert (sample.population_size, sample.drawn_size) == (2, 2) and sample.filters["include_deregistered"]
    assert set(p2.items.values_list("enterprise_id", flat=True)) == {e.pk for e in gone}


# -- pages ------------------------------------------------------------------------------------------
def page(client, user, url, data=None):
    client.force_login(user)
    response = client.post(url, data) if data is not None else client.get(url)
    return response, unescape(response.content.decode())


def test_the_filter_page_offers_deregistered_enterprises_as_an_explicit_choice(world, gone, client):
    p = plan(world)
    base = f"/inspections/plans/{p.pk}/items/filter/?township={world.hutang.pk}"
    _, html = page(client, world.bureau, base)
    assert "已注销企业" in html and "不含" in html and "包括（核查）" in html
    # by default: 湖塘机械 and 湖塘纺织 only
    assert "2 家企业符合条件" in html and "已注销甲厂" not in html
    url = f"{base}&deregistered=include&status=deregistered"
    _, html = page(client, world.bureau, url)
    assert "2 家企业符合条件" in html and "已注销甲厂" in html and "已注销乙厂" in html
    response, _ = page(client, world.bureau, url, {"due_date": "2026-12-31"})
    assert response.status_code == 302
    assert sorted(p.items.values_list("enterprise__name", "source")) == [
        ("常州湖塘已注销乙厂", "filter"), ("常州湖塘已注销甲厂", "filter")]


def test_the_filter_page_without_the_choice_adds_no_deregistered_enterprise(world, gone, client):
    p = plan(world)
    url = f"/inspections/plans/{p.pk}/items/filter/?status=deregistered"
    _, html = page(client, world.bureau, url)
    assert "0 家企业符合条件" in html
    before = snapshot()
    page(client, world.bureau, url, {"due_date": "2026-12-31"})
    assert snapshot() == before


def test_the_sampling_page_draws_deregistered_enterprises_when_asked(world, gone, client):
    p = plan(world)
    url = f"/inspections/plans/{p.pk}/items/sample/?deregistered=include&township={world.hutang.pk}"
    _, html = page(client, world.bureau, url)
    assert "4 家企业符合条件" in html  # 2 producing + 2 deregistered in 湖塘镇
    response, _ = page(client, world.bureau, url, {"due_date": "2026-12-31", "percent": "100"})
    assert response.status_code == 302
    sample = Sample.objects.get()
    assert sample.population_size == 4 and sample.filters["include_deregistered"]
    assert "已注销企业：包括（核查）" in sample.filters["description"]
    assert p.items.count() == 4


# -- API --------------------------------------------------------------------------------------------
def test_the_api_plans_deregistered_enterprises_only_when_asked(world, gone):
    p = plan(world)
    client = APIClient()
    client.force_login(world.bureau)
    url = f"/api/v1/inspection-plans/{p.pk}/items/"
    before = snapshot()
    refused = client.post(url, {"enterprises": [e.pk for e in gone], "due_date": "2026-12-31"}, format="json")
    assert refused.status_code == 400 and "已注销" in str(refused.json())
    assert snapshot() == before
    added = client.post(url, {"enterprises": [e.pk for e in gone], "due_date": "2026-12-31",
                              "include_deregistered": True}, format="json")
    assert added.status_code == 201 and added.json()["added"] == 2
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert "include_deregistered" in schema["components"]["schemas"]["PlanItemsAdd"]["properties"]
