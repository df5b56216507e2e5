"""The paragraph registry (portal.figures.paragraphs) and the three areas' paragraphs, built from the
frozen city (tests/notices/conftest.py); the numbers are those counted by hand in
tests/risk_reports/test_figures_city.py, rolled up to the city."""
import pytest

from portal.assessments.services import snapshot_table
from portal.figures import paragraphs, registry
from portal.figures.paragraphs import cn_numeral, number, period_text
from portal.figures.periods import Period

pytestmark = pytest.mark.django_db


def test_numbers_print_as_in_seed_001():
    # seed 001: 全市 32742 家 … 使用率达 99.77% … 平均每家企业辨识四类风险 9.23 条
    assert [number(32742), number(99.77), number(9.23), number(37.5), number(100.0), number(None)] == [
        "32742", "99.77", "9.23", "37.5", "100", "—"]
    assert str(paragraphs.Value(registry.Cell(99.77, 32742, 32817), registry.RATE)) == "99.77%"
    assert str(paragraphs.Value(registry.Cell(None), registry.RATE)) == "—"
    assert [cn_numeral(n) for n in (1, 3, 10, 12, 20, 27)] == ["一", "三", "十", "十二", "二十", "二十七"]
    assert period_text(Period.quarter(2026, 3)) == "2026年第三季度"
    assert period_text(Period.half(2026, 1)) == "2026年上半年"


def test_a_template_names_only_its_figures():
    with pytest.raises(ValueError, match="risk.points_typo"):
        paragraphs.register("test.bad", "坏段落", 99, figures=["risk.points"], template="{risk.points_typo}处")
    assert all(p.key != "test.bad" for p in paragraphs.all())
    with pytest.raises(ValueError):
        paragraphs.register("nodot", "坏段落", 99, figures=["risk.points"], template="{risk.points}")


def test_each_area_registers_its_paragraph_in_order():
    keys = [p.key for p in paragraphs.all()]
    assert keys.index("enterprises.roster") < keys.index("inspections.enforcement") < keys.index("risk.changan_code")


def test_the_paragraphs_of_the_frozen_city(frozen):
    built = {p.key: text for p, text in paragraphs.build(snapshot_table(frozen, frozen.region))}
    # on the roster (not deregistered): 甲区 6 (a2d deregistered), 乙区 3; all producing today; no cells
    assert built["enterprises.roster"] == "全市企业名录库在册工贸企业9家，其中正常生产企业9家；尚有9家企业未纳入网格管理。"
    # the four scan hazards are the only hazards; none closed; all past their deadline on 30 Sep
    assert built["inspections.enforcement"] == (
        "2026年第三季度，全市未开展核查检查；开展执法检查0次，共发现隐患4项，其中重大隐患0项，整改闭环隐患0项，"
        "当期发现隐患的整改闭环率为0%；期末逾期未整改隐患4项。")
    # using the code 5 + 2 = 7 of 9 producing = 77.78 %; points 10 + 6 = 16: red p1 p13, orange p2 p9 p14,
    # yellow p3 p5 p6 p15 and b2y's, blue p4 p10 p12 and b2x's three; overdue 26/56 = 46.43 %; principals 4/7
    assert built["risk.changan_code"] == (
        "截至2026年第三季度末，全市7家工贸企业已常态化使用“常安码”，常安码使用率达77.78%，累计辨识四类风险16处"
        "（其中重大风险2处、较大风险3处、一般风险5处、低风险6处），扫码自查排查隐患4条；风险逾期率为46.43%，"
        "企业主要负责人参与率为57.14%。")


def test_a_paragraph_of_figures_the_table_lacks_is_left_out(frozen):
    paragraphs.register("test.absent", "不存在的工作", 5, figures=["test.nothing"], template="{test.nothing}项")
    try:
        keys = [p.key for p, _text in paragraphs.build(snapshot_table(frozen, frozen.region))]
    finally:
        paragraphs.unregister("test.absent")
    assert "test.absent" not in keys and "risk.changan_code" in keys
