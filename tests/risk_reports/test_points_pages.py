"""The risk point pages for the three users: the enterprise's writer (principal), a read-only user
(its staff, the township inspector), an outsider (another township's inspector, another enterprise,
the auditor who holds no ``view_risk``): 404 and an unchanged database. And the re-grade offer,
shown only when every hazard linked to the point is closed after it was graded."""
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from inspections.services.hazards import hazard_plan, hazard_report, hazard_submit, hazard_verify
from risk_reports.importers import COLUMNS
from risk_reports.models import ChanganCode, PointHazard, RiskCategory, RiskPoint, ShiftSchedule
from tests.enterprises.factories import make_enterprise_user
from tests.factories import jpeg
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def points(world):
    """Two points of 湖塘机械 (一车间: yellow 冲床, red 配电房), one of 洛阳冶金 (blue)."""
    return {
        "press": make_point(world.e_hutang, by=world.principal, name="冲床", area="一车间", level="yellow"),
        "power": make_point(world.e_hutang, by=world.principal, name="配电房", area="一车间", level="red"),
        "furnace": make_point(world.e_luoyang, name="1号中频炉", area="熔炼车间", level="blue"),
    }


def snapshot():
    return (list(RiskPoint.objects.order_by("pk").values_list("pk", "name", "area", "level", "retired_on")),
            ChanganCode.objects.filter(revoked_at__isnull=True).count(),
            list(ShiftSchedule.objects.values_list("starts")))


# -- the list ---------------------------------------------------------------------------------------------------------
def test_the_list_shows_each_user_their_points_and_counts_by_class(client, world, points):
    client.force_login(world.principal)
    page = client.get(reverse("risk_reports:point_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "冲床" in text and "配电房" in text and "1号中频炉" not in text
    assert page.context["total"] == 2
    assert [(level, n) for level, _label, n in page.context["counts"]] == [
        ("red", 1), ("orange", 0), ("yellow", 1), ("blue", 0)]
    assert 'id="create-link"' in text

    client.force_login(world.inspector)  # 湖塘镇: its enterprises' points, no writes
    page = client.get(reverse("risk_reports:point_list"), {"level": "red"})
    assert [p.name for p in page.context["page"].object_list] == ["配电房"]
    assert 'id="create-link"' not in page.content.decode()

    client.force_login(world.grid_member)  # the cell holds 湖塘机械
    assert client.get(reverse("risk_reports:point_list")).context["total"] == 2

    client.force_login(world.luoyang_inspector)
    page = client.get(reverse("risk_reports:point_list"))
    assert [p.name for p in page.context["page"].object_list] == ["1号中频炉"]

    client.force_login(world.auditor)
    assert client.get(reverse("risk_reports:point_list")).status_code == 404


def test_retired_points_are_listed_only_when_asked(client, world, points):
    from risk_reports.services.points import point_retire
    point_retire(point=points["press"], by=world.principal)
    client.force_login(world.principal)
    assert client.get(reverse("risk_reports:point_list")).context["total"] == 1
    assert client.get(reverse("risk_reports:point_list"), {"retired": "true"}).context["total"] == 1
    assert client.get(reverse("risk_reports:point_list"), {"retired": ""}).context["total"] == 2


def test_the_export_is_the_filtered_list(client, world, points):
    client.force_login(world.inspector)
    response = client.get(reverse("risk_reports:point_export"), {"area": "一车间", "level": "red"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2:4] == ("车间/区域", "风险点名称") and [r[3] for r in rows[1:]] == ["配电房"]


# -- one point --------------------------------------------------------------------------------------------------------
def test_the_detail_for_the_three_users(client, world, points):
    url = reverse("risk_reports:point_detail", args=[points["press"].pk])
    client.force_login(world.principal)
    page = client.get(url)
    assert page.status_code == 200 and 'id="edit-link"' in page.content.decode()
    assert page.context["live_code"] == points["press"].codes.get()
    client.force_login(world.staff)
    page = client.get(url)
    assert page.status_code == 200 and 'id="edit-link"' not in page.content.decode()
    for outsider in (world.luoyang_inspector, world.auditor, make_enterprise_user(world.e_hutang2, "principal")):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


# -- writes: works, read-only 403, outsider 404 ------------------------------------------------------------------------
def test_create_prefills_from_the_category_and_records_the_point_with_its_code(client, world):
    client.force_login(world.principal)
    page = client.get(reverse("risk_reports:point_create"), {"category": "dust_collector"})
    category = RiskCategory.objects.get(code="dust_collector")
    form = page.context["form"]
    assert form.initial["name"] == category.name and form.initial["level"] == category.typical_level
    assert form.initial["check_items"] == "\n".join(category.check_items)
    data = {"category": category.pk, "name": "1号除尘器", "area": "抛光车间", "responsible_person": "王安全",
            "cycle": "day", "check_items": "泄爆片完好\n灰斗已卸灰", "factors": "积尘", "accident_types": ["fire"],
            "measures_engineering": "泄爆", "basis": "lec", "lec_L": "3", "lec_E": "6", "lec_C": "7"}
    response = client.post(reverse("risk_reports:point_create"), data)
    point = RiskPoint.objects.get(name="1号除尘器")
    assert response.status_code == 302 and response.url == reverse("risk_reports:point_detail", args=[point.pk])
    assert (point.score, point.level, point.check_items) == (Decimal("126"), "yellow", ["泄爆片完好", "灰斗已卸灰"])
    assert point.measures == {"engineering": ["泄爆"]} and point.codes.filter(revoked_at__isnull=True).count() == 1
    detail = client.get(response.url).content.decode()
    assert '<dd class="col-sm-8" id="grading-score">126</dd>' in detail and "L = 3 · E = 6 · C = 7" in detail

    response = client.post(reverse("risk_reports:point_create"), dict(data, name="2号除尘器", lec_L="4"))
    assert response.status_code == 400 and response.context["form"].errors["lec_L"]
    response = client.post(reverse("risk_reports:point_create"), data)  # the same name again
    assert response.status_code == 400 and "该车间已有同名风险点" in response.content.decode()
    assert RiskPoint.objects.count() == 1


@pytest.mark.parametrize("name", ["point_create", "point_bulk_create", "point_copy", "point_import"])
def test_the_enterprise_pages_are_the_writers(client, world, name):
    client.force_login(world.principal)
    assert client.get(reverse(f"risk_reports:{name}")).status_code == 200
    for reader in (world.staff, world.inspector, world.grid_member):
        client.force_login(reader)
        assert client.get(reverse(f"risk_reports:{name}")).status_code == 403
        assert client.post(reverse(f"risk_reports:{name}"), {"area": "x"}).status_code == 403
    client.force_login(world.auditor)
    assert client.get(reverse(f"risk_reports:{name}")).status_code == 404
    assert not RiskPoint.objects.exists()


def test_edit_grade_and_retire_for_the_three_users(client, world, points):
    press = points["press"]
    before = snapshot()
    for user, status in ((world.staff, 403), (world.inspector, 403), (world.luoyang_inspector, 404),
                         (make_enterprise_user(world.e_hutang2, "principal"), 404), (world.auditor, 404)):
        client.force_login(user)
        assert client.get(reverse("risk_reports:point_edit", args=[press.pk])).status_code == status
        assert client.post(reverse("risk_reports:point_edit", args=[press.pk]), {"name": "x"}).status_code == status
        assert client.post(reverse("risk_reports:point_grade", args=[press.pk]),
                           {"basis": "manual", "level": "red", "level_reason": "x"}).status_code == status
        assert client.post(reverse("risk_reports:point_retire", args=[press.pk])).status_code == status
    assert snapshot() == before

    client.force_login(world.principal)
    edit = client.get(reverse("risk_reports:point_edit", args=[press.pk]))
    data = {k: v for k, v in edit.context["form"].initial.items()}
    data.update({"name": "1号冲床", "check_items": "离合器完好\n防护罩完好"})
    assert client.post(reverse("risk_reports:point_edit", args=[press.pk]), data).status_code == 302
    press.refresh_from_db()
    assert press.name == "1号冲床" and press.check_items == ["离合器完好", "防护罩完好"]

    page = client.get(reverse("risk_reports:point_grade", args=[press.pk]))
    assert ("7", "7 — 严重，重伤") in page.context["form"].fields["lec_C"].choices
    response = client.post(reverse("risk_reports:point_grade", args=[press.pk]),
                           {"basis": "ls", "ls_L": "4", "ls_S": "4"})
    press.refresh_from_db()
    assert response.status_code == 302 and (press.basis, press.score, press.level) == ("ls", Decimal("16"), "orange")
    response = client.post(reverse("risk_reports:point_grade", args=[press.pk]), {"basis": "manual", "level": "red"})
    assert response.status_code == 400 and response.context["form"].errors["level_reason"]

    assert client.post(reverse("risk_reports:point_retire", args=[press.pk])).status_code == 302
    press.refresh_from_db()
    assert press.retired_on == datetime.date(2026, 11, 16) and not press.codes.filter(revoked_at__isnull=True).exists()


def test_bulk_page_creates_the_ticked_categories(client, world):
    dust, duct = RiskCategory.objects.filter(code__in=["dust_collector", "dust_duct"]).order_by("code")
    client.force_login(world.principal)
    page = client.get(reverse("risk_reports:point_bulk_create"))
    assert any(dust in categories for _domain, categories in page.context["groups"])
    response = client.post(reverse("risk_reports:point_bulk_create"), {
        "area": "抛光车间", "responsible_person": "王安全", "categories": [dust.pk, duct.pk], "cycle": ""})
    assert response.status_code == 302
    assert sorted(RiskPoint.objects.values_list("name", flat=True)) == sorted([dust.name, duct.name])


def test_copy_page_refuses_a_clash_and_changes_nothing(client, world, points):
    make_point(world.e_hutang, by=world.principal, name="配电房", area="二车间")
    before = snapshot()
    client.force_login(world.principal)
    response = client.post(reverse("risk_reports:point_copy"), {"from_area": "一车间", "to_area": "二车间"})
    assert response.status_code == 400
    assert "“二车间”已有同名风险点：配电房，未复制任何风险点。" in response.content.decode()
    assert snapshot() == before
    response = client.post(reverse("risk_reports:point_copy"), {"from_area": "一车间", "to_area": "三车间"})
    assert response.status_code == 302 and RiskPoint.objects.filter(area="三车间").count() == 2


def _workbook(*rows):
    book = Workbook()
    book.active.append(COLUMNS)
    for row in rows:
        book.active.append([row.get(c) for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "points.xlsx"
    return out


def test_import_page_lists_the_errors_and_imports_nothing_then_a_good_file(client, world):
    client.force_login(world.principal)
    good = {"车间/区域": "一车间", "风险点名称": "配电房", "责任人": "李四", "排查周期": "每周", "定级方法": "人工",
            "风险等级": "较大", "定级理由": "参照同类企业", "排查内容": "柜门锁闭；绝缘垫完好"}
    bad = dict(good, 风险点名称="行车", 排查周期="每两天")
    response = client.post(reverse("risk_reports:point_import"), {"file": _workbook(good, bad)})
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "排查周期")]
    assert 'id="import-errors"' in response.content.decode() and not RiskPoint.objects.exists()
    response = client.post(reverse("risk_reports:point_import"), {"file": _workbook(good)})
    assert response.status_code == 302 and RiskPoint.objects.get().level == "orange"
    template = client.get(reverse("risk_reports:point_import_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")


def test_shifts_page(client, world):
    client.force_login(world.principal)
    assert client.get(reverse("risk_reports:shifts")).status_code == 200
    response = client.post(reverse("risk_reports:shifts"), {"shift_1": "16:00", "shift_2": "08:00"})
    assert response.status_code == 302 and ShiftSchedule.objects.get().starts == ["08:00", "16:00"]
    response = client.post(reverse("risk_reports:shifts"), {"shift_1": "08:00", "shift_2": "08:00"})
    assert response.status_code == 400 and ShiftSchedule.objects.get().starts == ["08:00", "16:00"]
    client.force_login(world.staff)
    assert client.get(reverse("risk_reports:shifts")).status_code == 200
    assert client.post(reverse("risk_reports:shifts"), {"shift_1": "07:00"}).status_code == 403
    client.force_login(world.inspector)
    assert client.get(reverse("risk_reports:shifts"), {"enterprise": world.e_hutang.pk}).status_code == 200
    client.force_login(world.luoyang_inspector)
    assert client.get(reverse("risk_reports:shifts"), {"enterprise": world.e_hutang.pk}).status_code == 404
    assert ShiftSchedule.objects.get().starts == ["08:00", "16:00"]


# -- the re-grade offer -----------------------------------------------------------------------------------------------
def _hazard(world, point, description):
    hazard = hazard_report(enterprise=world.e_hutang, by=world.principal, source="self_check",
                           description=description, found_on=datetime.date(2026, 11, 2),
                           deadline=datetime.date(2026, 11, 30))
    PointHazard.objects.create(point=point, hazard=hazard, item=point.check_items[0])
    return hazard


def _close(world, hazard):
    hazard_plan(hazard=hazard, by=world.principal, responsible_person="王安全", measures="更换防护罩", funds=0,
                emergency_plan="停机挂牌")
    hazard_submit(hazard=hazard, by=world.principal, note="已更换", evidence=[jpeg()])
    hazard_verify(hazard=hazard, by=world.inspector)


def test_the_regrade_offer_only_when_every_linked_hazard_is_closed_after_the_grading(client, clock, world):
    clock.move_to(datetime.datetime(2026, 11, 1, 9, tzinfo=SH))
    point = make_point(world.e_hutang, by=world.principal, name="冲床", area="一车间")  # graded 2026-11-01
    clock.move_to(datetime.datetime(2026, 11, 16, 10, tzinfo=SH))
    url = reverse("risk_reports:point_detail", args=[point.pk])
    client.force_login(world.principal)
    assert 'id="regrade-offer"' not in client.get(url).content.decode()  # no hazard at all

    first, second = _hazard(world, point, "防护罩缺失"), _hazard(world, point, "急停按钮失效")
    _close(world, first)  # closed 2026-11-16, the second still open
    assert 'id="regrade-offer"' not in client.get(url).content.decode()
    _close(world, second)  # both closed on 2026-11-16, after the grading of 2026-11-01
    page = client.get(url).content.decode()
    assert 'id="regrade-offer"' in page and "防护罩缺失" in page
    client.force_login(world.inspector)  # a reader sees the hazards but is offered nothing
    assert 'id="regrade-offer"' not in client.get(url).content.decode()

    client.force_login(world.principal)  # re-graded today: nothing closed after it
    client.post(reverse("risk_reports:point_grade", args=[point.pk]), {"basis": "lec", "lec_L": "1", "lec_E": "6",
                                                                       "lec_C": "7"})
    assert 'id="regrade-offer"' not in client.get(url).content.decode()


def test_the_list_costs_the_same_queries_for_any_number_of_points(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    client.force_login(world.inspector)
    make_point(world.e_hutang, by=world.principal, name="冲床", area="一车间")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("risk_reports:point_list"))
    for n in range(10):
        make_point(world.e_hutang2, name=f"点{n}", area="二车间", category="dust_duct")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("risk_reports:point_list"))
    assert page.context["total"] == 11
    assert len(many) == len(few)  # the rows come with their enterprise and category: no query per row
    partial = client.get(reverse("risk_reports:point_list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="point-results")
    assert "<html" not in partial.content.decode() and 'id="point-table"' in partial.content.decode()
