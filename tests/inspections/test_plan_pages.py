"""Enforcement plan pages: creating a plan, adding items by hand, by roster filter and by recorded
random sampling, removing one, the live completion figure (hand-counted), and scope: works for
the planner, 404 for an outsider, 403 for a read-only viewer (the assigned cross-inspector)."""
import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises.models import KeyDomain
from grid.models import Region
from inspections import services
from inspections.models import InspectionPlan, PlanItem
from portal.sampling.models import Sample
from portal.sampling.services import sample_replay

from tests.enterprises.factories import make_enterprise
from tests.factories import UserFactory
from tests.inspections.factories import make_inspection

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 6, 15)


def freeze(monkeypatch, day):
    """``timezone.localdate()`` answers ``day`` everywhere (the services, scope grants and pages)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze(monkeypatch, TODAY)
    return TODAY


def page(client, user, url, data=None):
    client.force_login(user)
    response = client.post(url, data) if data is not None else client.get(url)
    return response, unescape(response.content.decode())


def items_snapshot():
    return list(PlanItem.objects.order_by("pk").values()), list(Sample.objects.order_by("pk").values_list("pk"))


def annual_plan(world, region=None, by=None, title="2026年度执法检查计划"):
    return services.plan_create(region=region or world.wujin, by=by or world.bureau, title=title, year=2026)


def add(plan, by, enterprises, due, **kw):
    return services.plan_items_add(plan=plan, by=by, enterprises=enterprises, due_date=due, **kw)


# -- creating a plan --------------------------------------------------------------------------------
def test_bureau_staff_plan_for_their_district_and_inspectors_for_their_township(world, client):
    response, _ = page(client, world.bureau, "/inspections/plans/new/",
                       {"title": "武进区2026年执法计划", "kind": "annual", "year": "2026", "start": "", "end": ""})
    plan = InspectionPlan.objects.get(title="武进区2026年执法计划")
    assert response.status_code == 302 and response["Location"] == f"/inspections/plans/{plan.pk}/"
    assert (plan.region, plan.start, plan.end, plan.created_by) == (world.wujin, D(2026, 1, 1), D(2026, 12, 31),
                                                                    world.bureau)
    page(client, world.inspector, "/inspections/plans/new/",
         {"title": "湖塘镇交叉检查", "kind": "cross", "year": "2026", "start": "2026-03-01", "end": "2026-10-31"})
    plan = InspectionPlan.objects.get(title="湖塘镇交叉检查")
    assert (plan.region, plan.kind, plan.start) == (world.hutang, "cross", D(2026, 3, 1))


def test_the_superuser_picks_the_planning_unit(world, client):
    response, html = page(client, world.superuser, "/inspections/plans/new/")
    assert 'name="region"' in html
    page(client, world.superuser, "/inspections/plans/new/",
         {"region": world.luoyang.pk, "title": "洛阳镇计划", "kind": "annual", "year": "2026"})
    assert InspectionPlan.objects.get(title="洛阳镇计划").region == world.luoyang


def test_a_period_outside_the_year_is_refused_in_chinese_and_creates_nothing(world, client):
    response, html = page(client, world.bureau, "/inspections/plans/new/",
                          {"title": "跨年计划", "kind": "annual", "year": "2026", "start": "2025-12-01",
                           "end": "2026-06-30"})
    assert response.status_code == 200
    assert "计划期间须在计划年度之内。" in html
    response, html = page(client, world.bureau, "/inspections/plans/new/",
                          {"title": "", "kind": "annual", "year": "2026"})
    assert "该字段是必填项。" in html
    assert not InspectionPlan.objects.exists()


def test_roles_without_plans_get_404(world, client):
    plan = annual_plan(world)
    for user in (world.grid_member, world.principal, world.auditor, world.admin):
        for url in ("/inspections/plans/", f"/inspections/plans/{plan.pk}/"):
            response, _ = page(client, user, url)
            assert response.status_code == 404, (user, url)
        # making a plan is a step the role never takes: 403, as in the API
        response, _ = page(client, user, "/inspections/plans/new/")
        assert response.status_code == 403, user


# -- adding items -----------------------------------------------------------------------------------
def test_items_by_hand_from_a_name_search_within_the_plan_region(world, client):
    plan = annual_plan(world, region=world.hutang, by=world.inspector)
    url = f"/inspections/plans/{plan.pk}/items/add/"
    response, html = page(client, world.inspector, url + "?q=湖塘")
    assert world.e_hutang.name in html and world.e_hutang2.name in html and world.e_luoyang.name not in html
    response, _ = page(client, world.inspector, url, {"enterprises": [world.e_hutang.pk, world.e_hutang2.pk],
                                                      "due_date": "2026-09-30"})
    assert response.status_code == 302
    assert sorted(plan.items.values_list("enterprise_id", "due_date", "source")) == sorted([
        (world.e_hutang.pk, D(2026, 9, 30), "manual"), (world.e_hutang2.pk, D(2026, 9, 30), "manual")])
    # already planned ones are not offered again
    _, html = page(client, world.inspector, url + "?q=湖塘")
    assert world.e_hutang.name not in html.split('id="roster-results"')[1]


def test_an_enterprise_outside_the_plan_region_cannot_be_picked(world, client):
    plan = annual_plan(world, region=world.hutang, by=world.inspector)
    before = items_snapshot()
    response, html = page(client, world.inspector, f"/inspections/plans/{plan.pk}/items/add/",
                          {"enterprises": [world.e_luoyang.pk], "due_date": "2026-09-30"})
    assert response.status_code == 200 and "有效" in html  # Django's "pick a valid choice", in Chinese
    assert items_snapshot() == before


def test_a_due_date_outside_the_plan_period_is_refused_in_chinese(world, client):
    plan = annual_plan(world)
    before = items_snapshot()
    response, html = page(client, world.bureau, f"/inspections/plans/{plan.pk}/items/add/",
                          {"enterprises": [world.e_hutang.pk], "due_date": "2027-01-31"})
    assert response.status_code == 200
    assert "完成期限须在计划期间内（2026-01-01 至 2026-12-31）。" in html
    assert items_snapshot() == before


def test_items_by_roster_filter_preview_then_add_all(world, client):
    dust = KeyDomain.objects.get(code="dust")
    make_enterprise(township=world.luoyang, name="常州洛阳粉尘大厂", key_domains=["dust"], dust_workers_per_shift=15)
    make_enterprise(township=world.luoyang, name="常州洛阳粉尘小厂", key_domains=["dust"], dust_workers_per_shift=5)
    plan = annual_plan(world)
    url = f"/inspections/plans/{plan.pk}/items/filter/?key_domain={dust.pk}&min_dust_workers=10"
    response, html = page(client, world.bureau, url)
    # dust with >= 10 per shift: 湖塘机械 (12) and 洛阳粉尘大厂 (15); 粉尘小厂 (5) is left out
    assert "2 家企业符合条件" in html
    assert "洛阳粉尘大厂" in html and "洛阳粉尘小厂" not in html
    response, _ = page(client, world.bureau, url, {"due_date": "2026-08-31"})
    assert response.status_code == 302
    assert sorted(plan.items.values_list("enterprise__name", "source")) == [
        ("常州洛阳粉尘大厂", "filter"), ("常州湖塘机械有限公司", "filter")]


def test_items_by_recorded_random_sampling_shown_and_replayable(world, client):
    for i in range(2):
        make_enterprise(township=world.luoyang, name=f"常州洛阳抽查{i}厂")
    plan = annual_plan(world)
    url = f"/inspections/plans/{plan.pk}/items/sample/"
    response, html = page(client, world.bureau, url)
    assert "5 家企业符合条件" in html  # the 3 of the world and 2 more, all in Wujin
    response, _ = page(client, world.bureau, url, {"due_date": "2026-10-31", "n": "2"})
    assert response.status_code == 302
    sample = Sample.objects.get()
    plan.refresh_from_db()
    assert plan.sample == sample
    assert (sample.population_size, sample.drawn_size, len(sample.drawn_ids)) == (5, 2, 2)
    assert sample.seed is not None and sample_replay(sample) == sample.drawn_ids
    assert sorted(plan.items.values_list("enterprise_id", flat=True)) == sorted(sample.drawn_ids)
    assert set(plan.items.values_list("source", flat=True)) == {"sample"}
    _, html = page(client, world.bureau, f"/inspections/plans/{plan.pk}/")
    section = html.split('id="plan-sample"')[1]
    assert f">{sample.seed}<" in section and 'sample-population">5<' in section
    assert html.count('class="badge text-bg-light border me-1 sample-drawn"') == 2


def test_sampling_asks_for_a_number_or_a_percentage_in_chinese(world, client):
    plan = annual_plan(world)
    before = items_snapshot()
    _, html = page(client, world.bureau, f"/inspections/plans/{plan.pk}/items/sample/",
                   {"due_date": "2026-10-31", "n": "", "percent": ""})
    assert "请填写抽取数量或抽取比例，二者只能填其一。" in html
    assert items_snapshot() == before


def test_an_item_not_yet_inspected_is_removed_an_inspected_one_stays(world, client):
    plan = annual_plan(world)
    add(plan, world.bureau, [world.e_hutang, world.e_hutang2], D(2026, 9, 30))
    done, todo = plan.items.get(enterprise=world.e_hutang), plan.items.get(enterprise=world.e_hutang2)
    make_inspection(world.e_hutang, world.inspector, inspected_on=D(2026, 6, 1), plan_item=done)
    response, html = page(client, world.bureau, f"/inspections/plans/{plan.pk}/items/{done.pk}/remove/", {})
    response = client.get(response["Location"])
    assert "该计划条目已有检查记录，不能移出计划。" in response.content.decode()
    page(client, world.bureau, f"/inspections/plans/{plan.pk}/items/{todo.pk}/remove/", {})
    assert list(plan.items.values_list("pk", flat=True)) == [done.pk]


# -- completion ----------------------------------------------------------------------------------------
def _completion_world(world):
    e4 = make_enterprise(township=world.luoyang, name="常州洛阳第四厂")
    plan = annual_plan(world)
    add(plan, world.bureau, [world.e_hutang], D(2026, 3, 31))
    add(plan, world.bureau, [world.e_hutang2], D(2026, 5, 31))
    add(plan, world.bureau, [world.e_luoyang], D(2026, 6, 10))
    add(plan, world.bureau, [e4], D(2026, 9, 30))
    items = {i.enterprise_id: i for i in plan.items.all()}
    first = make_inspection(world.e_hutang, world.inspector, inspected_on=D(2026, 3, 20),
                            plan_item=items[world.e_hutang.pk])
    make_inspection(world.e_hutang2, world.inspector, inspected_on=D(2026, 6, 1), plan_item=items[world.e_hutang2.pk])
    return plan, items, first, e4


def test_completion_on_the_plan_page_is_hand_counted(world, client):
    plan, items, first, e4 = _completion_world(world)
    # due by 2026-06-15: 湖塘机械 (done 03-20), 湖塘纺织 (done 06-01, late but done), 洛阳冶金 (not done);
    # 第四厂 is due 09-30, not yet. 2 of 3 due items inspected -> 66.67 %, below the 100 % target.
    response, html = page(client, world.bureau, f"/inspections/plans/{plan.pk}/")
    assert response.status_code == 200
    assert 'id="completion-rate">66.67 %<' in html.replace("\n", "")
    assert "目标：100 %" in html and "未达到" in html
    overdue = html.split('id="overdue-items"')[1].split('id="plan-sample"')[0].split("计划条目")[0]
    assert world.e_luoyang.name in overdue and world.e_hutang2.name not in overdue and "第四厂" not in overdue
    assert f'href="/inspections/{first.pk}/"' in html
    luoyang_item = items[world.e_luoyang.pk]
    assert f'href="/inspections/new/?enterprise={world.e_luoyang.pk}&plan_item={luoyang_item.pk}"' in html
    assert f'href="/inspections/new/?enterprise={e4.pk}&plan_item={items[e4.pk].pk}"' in html
    # the list shows the same figure: 2 / 3
    _, html = page(client, world.bureau, "/inspections/plans/")
    assert "2 / 3 · <strong>66.67 %</strong>" in html


def test_plan_items_filter_by_state(world, client):
    plan, items, _first, _e4 = _completion_world(world)
    _, html = page(client, world.bureau, f"/inspections/plans/{plan.pk}/?state=overdue")
    table = html.split('id="plan-items"')[1]
    assert table.count('class="plan-item"') == 1 and world.e_luoyang.name in table
    _, html = page(client, world.bureau, f"/inspections/plans/{plan.pk}/?state=done")
    assert html.split('id="plan-items"')[1].count('class="plan-item"') == 2


def test_the_plan_list_is_a_fixed_number_of_queries(world, client):
    _completion_world(world)
    client.force_login(world.bureau)
    client.get("/inspections/plans/")  # warm the session and the user
    with CaptureQueriesContext(connection) as one:
        client.get("/inspections/plans/")
    for n in range(3):
        plan = annual_plan(world, title=f"计划{n}")
        add(plan, world.bureau, [world.e_hutang, world.e_luoyang], D(2026, 4, 30))
    with CaptureQueriesContext(connection) as four:
        response = client.get("/inspections/plans/")
    assert response.content.decode().count("/inspections/plans/") >= 4
    assert len(four) == len(one)


# -- scope ---------------------------------------------------------------------------------------------
def test_a_plan_out_of_scope_is_404_and_its_writes_change_nothing(world, client):
    plan = annual_plan(world, region=world.hutang, by=world.inspector)  # 湖塘's plan: nothing of 洛阳's
    add(plan, world.inspector, [world.e_hutang], D(2026, 9, 30))
    item = plan.items.get()
    before = items_snapshot()
    for url, data in ((f"/inspections/plans/{plan.pk}/", None),
                      (f"/inspections/plans/{plan.pk}/items/add/", {"enterprises": [world.e_hutang2.pk],
                                                                   "due_date": "2026-09-30"}),
                      (f"/inspections/plans/{plan.pk}/items/filter/", {"due_date": "2026-09-30"}),
                      (f"/inspections/plans/{plan.pk}/items/sample/", {"due_date": "2026-09-30", "n": "1"}),
                      (f"/inspections/plans/{plan.pk}/items/{item.pk}/remove/", {})):
        response, _ = page(client, world.luoyang_inspector, url, data)
        assert response.status_code == 404, url
    assert items_snapshot() == before
    _, html = page(client, world.luoyang_inspector, "/inspections/plans/")
    assert plan.title not in html


def test_the_assigned_cross_inspector_reads_the_plan_but_cannot_change_it(world, client):
    plan = services.plan_create(region=world.wujin, by=world.bureau, title="2026交叉检查", year=2026, kind="cross")
    add(plan, world.bureau, [world.e_hutang], D(2026, 9, 30), assignee=world.luoyang_inspector)
    third = Region.objects.filter(parent=world.wujin, level="township").exclude(
        pk__in=[world.hutang.pk, world.luoyang.pk]).first()
    other = UserFactory(role="township_inspector", region=third)
    add(plan, world.bureau, [world.e_hutang2], D(2026, 9, 30), assignee=other)
    item = plan.items.get(enterprise=world.e_hutang)
    response, html = page(client, world.luoyang_inspector, f"/inspections/plans/{plan.pk}/")
    assert response.status_code == 200
    # only their own assignment is listed, with the inspect button; no add or remove buttons
    assert world.e_hutang.name in html and world.e_hutang2.name not in html.split('id="plan-items"')[1]
    assert f"/inspections/new/?enterprise={world.e_hutang.pk}&plan_item={item.pk}" in html
    assert 'id="add-items"' not in html and "/remove/" not in html
    before = items_snapshot()
    for url, data in ((f"/inspections/plans/{plan.pk}/items/add/", {"enterprises": [world.e_hutang2.pk],
                                                                   "due_date": "2026-09-30"}),
                      (f"/inspections/plans/{plan.pk}/items/{item.pk}/remove/", {})):
        response, _ = page(client, world.luoyang_inspector, url, data)
        assert response.status_code == 403, url
    assert items_snapshot() == before


def test_a_township_reads_the_district_plan_but_only_the_district_changes_it(world, client):
    plan = annual_plan(world)
    add(plan, world.bureau, [world.e_hutang], D(2026, 9, 30))
    item = plan.items.get()
    response, html = page(client, world.inspector, f"/inspections/plans/{plan.pk}/")
    assert response.status_code == 200 and 'id="add-items"' not in html and "/remove/" not in html
    assert f"/inspections/new/?enterprise={world.e_hutang.pk}&plan_item={item.pk}" in html
    before = items_snapshot()
    for url, data in ((f"/inspections/plans/{plan.pk}/items/add/", {"enterprises": [world.e_hutang2.pk],
                                                                   "due_date": "2026-09-30"}),
                      (f"/inspections/plans/{plan.pk}/items/filter/", {"due_date": "2026-09-30"}),
                      (f"/inspections/plans/{plan.pk}/items/sample/", {"due_date": "2026-09-30", "n": "1"}),
                      (f"/inspections/plans/{plan.pk}/items/{item.pk}/remove/", {})):
        response, _ = page(client, world.inspector, url, data)
        assert response.status_code == 403, url
    assert items_snapshot() == before
