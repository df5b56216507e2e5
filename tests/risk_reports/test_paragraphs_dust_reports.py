"""The notice's dust-cleaning and risk-report paragraphs (portal.figures.paragraphs), written from the
hand-counted data of tests/risk_reports/test_dust_figures.py (the week with gaps) and
test_reports_figures.py (测试区's first quarter), through a live figures table as the notice's snapshot
would give them."""
import pytest

from portal.figures import paragraphs, registry
from risk_reports.paragraphs_dust_reports import DUST, REPORTS

from .test_dust_figures import WEEK, week  # noqa: F401 (the fixture)
from .test_reports_figures import Q1, Q2, district  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _text(key, names, region, period):
    table = registry.table(names, region, period)
    built = dict((p.key, text) for p, text in paragraphs.build(table))
    return built[key]


def test_registered_between_enforcement_and_the_changan_code():
    keys = [p.key for p in paragraphs.all()]
    assert keys.index("inspections.enforcement") < keys.index("risk.dust_cleaning") < keys.index("risk.reports") \
        < keys.index("risk.changan_code")


def test_the_dust_paragraph_of_the_week_with_gaps(week):
    # 湖塘 2 sites at the week's end (洛阳's C retired); site-days 11 + 5 = 16, photos 8 + 2 = 10 -> 62.5 %;
    # reminders 2 + 1, urges 0 + 1, no verification; one flagged (a repeat), one sent back
    assert _text("risk.dust_cleaning", DUST, week.wujin, WEEK) == (
        "2026年11月9日至2026年11月15日，全区督促涉爆粉尘企业2处重点粉尘场所开展粉尘清扫工作；"
        "建立“一天提醒、三天督促、七天核查”工作机制，督促涉粉企业每日通过“常安码”扫码上传清扫作业照片，"
        "每日上报率为62.5%（应上传16处次，已上传10处次）；对未按时上传的发出一天提醒3次、三天督促1次，"
        "开展七天核查0次；发现存疑照片1张，退回要求重新上传1张。")


def test_a_region_with_nothing_to_say_has_no_paragraph(world):
    keys = [p.key for p, _t in paragraphs.build(registry.table(DUST + REPORTS, world.wujin, WEEK))]
    assert "risk.dust_cleaning" not in keys and "risk.reports" not in keys


def test_the_report_paragraph_of_the_quarter_with_the_deadline(district):
    w = district
    # submitted in Q1: e1, e2; accepted: e1; owing: 4 + 1; missing by 31 March: e3, e4, e5; zero: e2; model: e1
    assert _text("risk.reports", REPORTS, w.district, Q1) == (
        "2026年第一季度，全区企业提交安全风险报告2份，审核通过1份；应完成年度风险报告企业5家，截至报告期限仍有3家未报告；"
        "重点行业领域或规上企业中较大以上风险报告数量为0的企业1家，将开展全覆盖检查；确定风险报告示范企业1家。")
    # Q2 holds no deadline and e4's late report lists an orange risk: neither sentence
    assert _text("risk.reports", REPORTS, w.district, Q2) == (
        "2026年第二季度，全区企业提交安全风险报告1份，审核通过0份；确定风险报告示范企业1家。")
