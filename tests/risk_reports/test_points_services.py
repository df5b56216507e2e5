"""The points' writes (issue 9 item 2): bulk from the dictionary, copy between workshops (a name clash
refuses the whole copy), edit, re-grade by LEC / LS / hand (RULES.md §8), retire (its code revoked),
the enterprise's shifts. Each refusal changes nothing."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enterprises.services import enterprise_update
from risk_reports.models import ChanganCode, RiskCategory, RiskPoint, ShiftSchedule
from risk_reports.services.points import (point_copy, point_grade, point_retire, point_update, points_from_categories,
                                          shifts_set)
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db


def cats(*codes):
    return [RiskCategory.objects.get(code=c) for c in codes]


def test_bulk_creates_one_point_per_category_with_its_copy_a_code_and_the_typical_class(world):
    dust, duct = cats("dust_collector", "dust_duct")
    points = points_from_categories(enterprise=world.e_hutang, by=world.principal, area="抛光车间",
                                    categories=[dust, duct, dust], responsible_person="王安全")
    assert [p.name for p in points] == [dust.name, duct.name]  # the repeated category once
    for point, category in zip(points, (dust, duct)):
        assert point.factors == category.factors and point.check_items == category.check_items
        assert point.cycle == category.cycle
        assert point.level == category.typical_level and point.basis == "manual"
        assert point.level_reason == "按辞典类别典型等级初定"
        assert point.codes.filter(revoked_at__isnull=True).count() == 1
    weekly = points_from_categories(enterprise=world.e_hutang, by=world.principal, area="二车间",
                                    categories=[dust], responsible_person="王安全", cycle="week")
    assert weekly[0].cycle == "week"


def test_bulk_refuses_a_name_the_area_has_and_creates_nothing(world):
    dust, duct = cats("dust_collector", "dust_duct")
    make_point(world.e_hutang, by=world.principal, name=duct.name, area="抛光车间")
    with pytest.raises(ValidationError) as info:
        points_from_categories(enterprise=world.e_hutang, by=world.principal, area="抛光车间",
                               categories=[dust, duct], responsible_person="王安全")
    assert duct.name in info.value.message_dict["categories"][0]
    assert RiskPoint.objects.count() == 1 and ChanganCode.objects.count() == 1


def test_bulk_is_for_the_enterprise_writer_only(world):
    for user in (world.staff, world.inspector, world.bureau):
        with pytest.raises(PermissionDenied):
            points_from_categories(enterprise=world.e_hutang, by=user, area="一车间", categories=cats("dust_duct"),
                                   responsible_person="王安全")
    assert not RiskPoint.objects.exists()


def test_copy_gives_each_point_a_new_code_and_keeps_its_grading(world):
    a = make_point(world.e_hutang, by=world.principal, name="冲床", area="一车间", basis="lec",
                   values={"L": 3, "E": 6, "C": 7})
    make_point(world.e_hutang, by=world.principal, name="配电箱", area="一车间")
    retired = make_point(world.e_hutang, by=world.principal, name="旧行车", area="一车间")
    point_retire(point=retired, by=world.principal)
    copies = point_copy(enterprise=world.e_hutang, by=world.principal, from_area="一车间", to_area="二车间")
    assert sorted(p.name for p in copies) == ["冲床", "配电箱"]  # the retired one stays behind
    press = next(p for p in copies if p.name == "冲床")
    assert (press.basis, press.score, press.level) == ("lec", Decimal("126"), "yellow")
    assert press.factors == a.factors and press.check_items == a.check_items
    tokens = set(ChanganCode.objects.filter(point__in=copies, revoked_at__isnull=True).values_list("token", flat=True))
    assert len(tokens) == 2 and a.codes.get().token not in tokens


def test_copy_refuses_as_a_whole_when_a_name_clashes(world):
    make_point(world.e_hutang, by=world.principal, name="冲床", area="一车间")
    make_point(world.e_hutang, by=world.principal, name="配电箱", area="一车间")
    make_point(world.e_hutang, by=world.principal, name="配电箱", area="二车间")
    with pytest.raises(ValidationError) as info:
        point_copy(enterprise=world.e_hutang, by=world.principal, from_area="一车间", to_area="二车间")
    assert info.value.message_dict["to_area"] == ["“二车间”已有同名风险点：配电箱，未复制任何风险点。"]
    assert RiskPoint.objects.filter(area="二车间").count() == 1
    with pytest.raises(ValidationError):
        point_copy(enterprise=world.e_hutang, by=world.principal, from_area="一车间", to_area="一车间")
    with pytest.raises(ValidationError):
        point_copy(enterprise=world.e_hutang, by=world.principal, from_area="三车间", to_area="四车间")


@pytest.mark.parametrize("basis, values, score, level", [
    ("lec", {"L": 3, "E": 6, "C": 7}, Decimal("126"), "yellow"),    # 3 × 6 × 7 = 126: 70–159 yellow
    ("lec", {"L": 6, "E": 6, "C": 7}, Decimal("252"), "orange"),    # 6 × 6 × 7 = 252: 160–320 orange
    ("lec", {"L": 10, "E": 6, "C": 7}, Decimal("420"), "red"),      # 10 × 6 × 7 = 420: > 320 red
    ("lec", {"L": 1, "E": 6, "C": 3}, Decimal("18"), "blue"),       # 1 × 6 × 3 = 18: below 70 blue
    ("ls", {"L": 4, "S": 4}, Decimal("16"), "orange"),              # 4 × 4 = 16: 15–19 orange
    ("ls", {"L": 2, "S": 3}, Decimal("6"), "blue"),                 # 2 × 3 = 6: 1–8 blue
])
def test_grade_by_method(world, clock, basis, values, score, level):
    clock.move_to(datetime.datetime(2026, 10, 1, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    point = make_point(world.e_hutang, by=world.principal, level="blue")
    clock.move_to(datetime.datetime(2026, 11, 16, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    point = point_grade(point=point, by=world.principal, basis=basis, values=values)
    point.refresh_from_db()
    assert (point.basis, point.score, point.level) == (basis, score, level)
    assert point.graded_on == datetime.date(2026, 11, 16) and point.graded_by == world.principal
    assert point.level_reason == ""


def test_grade_refuses_values_outside_the_scale_and_a_hand_class_without_reason(world):
    point = make_point(world.e_hutang, by=world.principal, level="blue")
    with pytest.raises(ValidationError) as info:
        point_grade(point=point, by=world.principal, basis="lec", values={"L": 4, "E": 6, "C": 7})
    assert "L" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        point_grade(point=point, by=world.principal, basis="manual", level="red", level_reason=" ")
    assert "level_reason" in info.value.message_dict
    with pytest.raises(ValidationError):
        point_grade(point=point, by=world.principal, basis="manual", level="purple", level_reason="x")
    point_grade(point=point, by=world.principal, basis="manual", level="red", level_reason="涉及重大危险源")
    point.refresh_from_db()
    assert (point.level, point.score, point.level_reason) == ("red", None, "涉及重大危险源")


def test_update_edits_the_points_own_copy_only(world):
    point = make_point(world.e_hutang, by=world.principal, category="dust_collector")
    category = RiskCategory.objects.get(code="dust_collector")
    point_update(point=point, by=world.principal, name=" 1号除尘器 ", check_items=["泄爆片完好", " ", "灰斗已卸灰"],
                 measures={"engineering": ["设泄爆口"], "ppe": []}, accident_types=["fire", "fire"])
    point.refresh_from_db()
    assert point.name == "1号除尘器" and point.check_items == ["泄爆片完好", "灰斗已卸灰"]
    assert point.measures == {"engineering": ["设泄爆口"]} and point.accident_types == ["fire"]
    category.refresh_from_db()
    assert category.check_items != point.check_items  # the dictionary is untouched
    with pytest.raises(ValidationError):
        point_update(point=point, by=world.principal, check_items=[])
    with pytest.raises(ValidationError):
        point_update(point=point, by=world.principal, accident_types=["meteor"])
    with pytest.raises(PermissionDenied):
        point_update(point=point, by=world.staff, name="x")
    with pytest.raises(TypeError):
        point_update(point=point, by=world.principal, level="red")
    point.refresh_from_db()
    assert point.name == "1号除尘器"


def test_update_refuses_a_name_the_workshop_has(world):
    make_point(world.e_hutang, by=world.principal, name="冲床", area="一车间")
    other = make_point(world.e_hutang, by=world.principal, name="剪板机", area="一车间")
    with pytest.raises(ValidationError):
        point_update(point=other, by=world.principal, name="冲床")


def test_retire_ends_the_life_revokes_the_code_and_frees_the_name(world):
    point = make_point(world.e_hutang, by=world.principal, name="冲床", area="一车间")
    point_retire(point=point, by=world.principal)
    point.refresh_from_db()
    assert point.retired_on == datetime.date(2026, 11, 16)
    code = point.codes.get()
    assert code.revoked_at is not None and code.revoked_by == world.principal and code.revoke_reason
    with pytest.raises(ValidationError):
        point_retire(point=point, by=world.principal)
    with pytest.raises(ValidationError):
        point_grade(point=point, by=world.principal, basis="manual", level="red", level_reason="x")
    make_point(world.e_hutang, by=world.principal, name="冲床", area="一车间")  # the name is free again


def test_a_deregistered_enterprises_points_cannot_change(world):
    point = make_point(world.e_hutang, by=world.principal, name="冲床", area="一车间")
    enterprise_update(enterprise=world.e_hutang, by=world.bureau, status="deregistered",
                      effective_date=datetime.date(2026, 11, 1), reason="注销")
    point.refresh_from_db()
    for write in (lambda: point_update(point=point, by=world.principal, name="x"),
                  lambda: point_grade(point=point, by=world.principal, basis="manual", level="red", level_reason="x"),
                  lambda: point_retire(point=point, by=world.principal),
                  lambda: point_copy(enterprise=point.enterprise, by=world.principal, from_area="一车间", to_area="二车间"),
                  lambda: shifts_set(enterprise=point.enterprise, by=world.principal, starts=["08:00"])):
        with pytest.raises(ValidationError) as info:
            write()
        assert "已注销" in " ".join(info.value.messages)
    point.refresh_from_db()
    assert point.name == "冲床" and point.retired_on is None


def test_shifts_are_hh_mm_unique_one_to_four(world):
    schedule = shifts_set(enterprise=world.e_hutang, by=world.principal, starts=["16:00", "8:00", "0：00"])
    assert schedule.starts == ["00:00", "08:00", "16:00"]
    for bad in (["08:00", "8:00"], ["25:00"], [], ["00:00", "06:00", "12:00", "18:00", "21:00"], ["八点"]):
        with pytest.raises(ValidationError):
            shifts_set(enterprise=world.e_hutang, by=world.principal, starts=bad)
    assert ShiftSchedule.objects.get().starts == ["00:00", "08:00", "16:00"]
    with pytest.raises(PermissionDenied):
        shifts_set(enterprise=world.e_hutang, by=world.staff, starts=["08:00"])
