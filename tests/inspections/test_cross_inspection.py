"""Cross-inspection (交叉检查): the assignment widens the assigned inspector's scope to exactly the
assigned enterprises, for the plan's period, and nothing else — not the enterprise next door, not
after the period, and never the verification, which stays with the enterprise's own township."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from inspections import services
from inspections.models import Hazard, PlanItem

from tests.factories import jpeg
from tests.inspections.factories import make_inspection
from tests.inspections.test_plan_pages import freeze, frozen, items_snapshot, page  # noqa: F401  (the frozen date)

pytestmark = pytest.mark.django_db
D = datetime.date


def cross_plan(world, end=None):
    plan = services.plan_create(region=world.wujin, by=world.bureau, title="2026年交叉检查", year=2026, kind="cross",
                                end=end)
    services.plan_items_add(plan=plan, by=world.bureau, enterprises=[world.e_hutang], due_date=plan.end,
                            assignee=world.luoyang_inspector)
    return plan


def test_the_assigned_inspector_opens_the_assigned_enterprise_only(world, client):
    plan = cross_plan(world)
    item = plan.items.get()
    response, html = page(client, world.luoyang_inspector, f"/enterprises/{world.e_hutang.pk}/")
    assert response.status_code == 200 and world.e_hutang.name in html
    response, _ = page(client, world.luoyang_inspector,
                       f"/inspections/new/?enterprise={world.e_hutang.pk}&plan_item={item.pk}")
    assert response.status_code == 200
    for url in (f"/enterprises/{world.e_hutang2.pk}/", f"/inspections/new/?enterprise={world.e_hutang2.pk}"):
        response, _ = page(client, world.luoyang_inspector, url)
        assert response.status_code == 404, url
    # the inspector of 湖塘 assigned nowhere sees nothing of 洛阳 through the plan
    response, _ = page(client, world.inspector, f"/enterprises/{world.e_luoyang.pk}/")
    assert response.status_code == 404


def test_the_grant_ends_with_the_plan_period(world, client):
    plan = cross_plan(world, end=D(2026, 5, 31))  # ended before the frozen today, 2026-06-15
    item = plan.items.get()
    for url in (f"/enterprises/{world.e_hutang.pk}/",
                f"/inspections/new/?enterprise={world.e_hutang.pk}&plan_item={item.pk}"):
        response, _ = page(client, world.luoyang_inspector, url)
        assert response.status_code == 404, url


def test_the_grant_is_gone_the_day_after_the_period(world, client, monkeypatch):
    cross_plan(world)
    response, _ = page(client, world.luoyang_inspector, f"/enterprises/{world.e_hutang.pk}/")
    assert response.status_code == 200
    freeze(monkeypatch, D(2027, 1, 1))
    response, _ = page(client, world.luoyang_inspector, f"/enterprises/{world.e_hutang.pk}/")
    assert response.status_code == 404


def test_the_cross_inspector_inspects_and_the_item_counts_as_done(world, client):
    plan = cross_plan(world)
    item = plan.items.get()
    make_inspection(world.e_hutang, world.luoyang_inspector, kind="cross", inspected_on=D(2026, 6, 10), plan_item=item)
    # 1 item, due 2026-12-31, done: nothing due yet, 1 done
    assert services.plan_completion(plan) == {"total": 1, "due": 0, "done": 1, "done_due": 0, "overdue": 0,
                                              "rate": None}
    _, html = page(client, world.bureau, f"/inspections/plans/{plan.pk}/?state=done")
    assert html.split('id="plan-items"')[1].count('class="plan-item"') == 1


def test_the_cross_inspector_cannot_verify_the_hazards_of_hutang(world, client):
    cross_plan(world)
    inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=D(2026, 6, 1),
                                 failures={"GEN-12": {"description": "灭火器过期"}})
    hazard = inspection.hazards.get()
    services.hazard_plan(hazard=hazard, by=world.principal, responsible_person="王五", measures="更换灭火器",
                         funds=Decimal("800"), emergency_plan="临时增配灭火器")
    services.hazard_submit(hazard=hazard, by=world.principal, note="已更换", evidence=[jpeg()])
    assert Hazard.objects.filter(pk=hazard.pk).exists()
    with pytest.raises(PermissionDenied) as exc:  # who may verify is decided first: a 403
        services.hazard_verify(hazard=hazard, by=world.luoyang_inspector)
    assert "只有企业所在镇（街道）的执法人员或上级应急管理局可以验收该隐患" in str(exc.value)
    # nor through the page: they see the hazard (the grant) but the verification changes nothing
    response, _ = page(client, world.luoyang_inspector, f"/inspections/hazards/{hazard.pk}/")
    assert response.status_code == 200
    response, _ = page(client, world.luoyang_inspector, f"/inspections/hazards/{hazard.pk}/verify/", {"note": "核实"})
    assert response.status_code in (200, 400, 403)  # refused, whatever the page says
    hazard.refresh_from_db()
    assert hazard.status == "submitted" and hazard.events.count() == 3


# -- assigning through the page ----------------------------------------------------------------------
def test_the_page_assigns_an_inspector_of_another_township(world, client):
    plan = services.plan_create(region=world.wujin, by=world.bureau, title="交叉检查", year=2026, kind="cross")
    url = f"/inspections/plans/{plan.pk}/items/add/"
    response, html = page(client, world.bureau, url)
    assert f'value="{world.luoyang_inspector.pk}"' in html  # offered as assignee
    before = items_snapshot()
    # the enterprise's own township inspector: refused, in Chinese
    _, html = page(client, world.bureau, url, {"enterprises": [world.e_hutang.pk], "due_date": "2026-09-30",
                                               "assignee": world.inspector.pk})
    assert "交叉检查不能检查执法人员本镇（街道）的企业，以下企业属于其本镇（街道）：常州湖塘机械有限公司。" in html
    # nobody assigned: refused
    _, html = page(client, world.bureau, url, {"enterprises": [world.e_hutang.pk], "due_date": "2026-09-30"})
    assert "交叉检查须为每家企业指定执法人员。" in html
    assert items_snapshot() == before
    response, _ = page(client, world.bureau, url, {"enterprises": [world.e_hutang.pk], "due_date": "2026-09-30",
                                                   "assignee": world.luoyang_inspector.pk})
    assert response.status_code == 302
    assert list(PlanItem.objects.values_list("enterprise", "assignee")) == [
        (world.e_hutang.pk, world.luoyang_inspector.pk)]
