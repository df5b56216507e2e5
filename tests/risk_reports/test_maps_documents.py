"""The PDFs of "one map, two cards, four lists" (issue 11 item 3), read back with pdftotext: the map
with its legend and numbered points, a notice card and an emergency card for each significant-or-above
point (and none for the others), the four lists from the records; the Fandol fonts embedded."""
import datetime
from decimal import Decimal
import subprocess

import pytest

from inspections.services.hazards import hazard_plan, hazard_report
from risk_reports.documents_maps import document_pdf
from tests.risk_reports.factories import make_point
from tests.risk_reports.maps_factories import make_plan, place

pytestmark = pytest.mark.django_db


def pdf_text(content, tmp_path, name="doc.pdf"):
    path = tmp_path / name
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split()), fonts


@pytest.fixture
def firm(world):
    e = world.e_hutang
    e.principal_name, e.principal_phone = "王厂长", "13900000001"
    e.save(update_fields=["principal_name", "principal_phone"])
    w = world
    w.red = make_point(e, level="red", name="抛光工位", area="抛光车间", responsible_person="李班长",
                       responsible_phone="13900000002", factors=["铝镁粉尘积聚", "除尘器失效"],
                       accident_types=["fire"],
                       measures={"engineering": ["湿式除尘器"], "management": ["每班清扫"], "ppe": ["防静电工作服"],
                                 "emergency": ["立即停机断电", "疏散人员至安全区域"]})
    w.orange = make_point(e, level="orange", name="喷漆房", area="涂装车间", factors=["有机溶剂挥发"],
                          measures={"emergency": ["关闭供漆阀门"]})
    w.yellow = make_point(e, level="yellow", name="叉车通道", area="仓库")
    w.blue = make_point(e, level="blue", name="办公区配电箱", area="办公楼")
    return w


def test_the_map_draws_each_plan_with_its_points_and_the_legend(firm, tmp_path):
    w = firm
    plan = make_plan(w.e_hutang, site="一号厂房")
    place(plan, w.red, "0.2", "0.3")
    place(plan, w.yellow, "0.8", "0.6")
    other = make_plan(w.e_hutang, site="二号厂房")
    place(other, w.orange, "0.5", "0.5")
    text, fonts = pdf_text(document_pdf("map", user=w.principal, enterprise=w.e_hutang), tmp_path)
    assert text.count("安全风险平面分布图") == 2  # one page a plan
    assert "一号厂房" in text and "二号厂房" in text
    assert "图例" in text and all(t in text for t in ("重大风险", "较大风险", "一般风险", "低风险"))
    assert "抛光工位" in text and "叉车通道" in text and "喷漆房" in text
    assert "办公区配电箱" not in text  # on no plan
    # counts of the placed points by class: 1 red, 1 orange, 1 yellow, 0 blue
    assert "重大风险 1 个，较大风险 1 个，一般风险 1 个，低风险 0 个" in text
    assert "Fandol" in fonts and "yes" in fonts


def test_a_township_reads_the_same_map_and_a_retired_plan_is_gone(firm, tmp_path):
    from risk_reports.services.maps import site_plan_retire

    w = firm
    plan = make_plan(w.e_hutang, site="一号厂房")
    place(plan, w.red)
    old = make_plan(w.e_hutang, site="旧仓库")
    site_plan_retire(plan=old, by=None)
    text, _fonts = pdf_text(document_pdf("map", user=w.inspector, enterprise=w.e_hutang), tmp_path)
    assert "一号厂房" in text and "抛光工位" in text and "旧仓库" not in text


def test_the_cards_of_each_significant_point(firm, tmp_path):
    w = firm
    notice, fonts = pdf_text(document_pdf("notice", user=w.principal, enterprise=w.e_hutang), tmp_path, "n.pdf")
    # two significant points (red 抛光工位, orange 喷漆房): two notice cards, red first
    assert notice.count("安全风险告知卡") == 2
    assert notice.index("抛光工位") < notice.index("喷漆房")
    assert "叉车通道" not in notice and "办公区配电箱" not in notice
    for text in ("铝镁粉尘积聚", "除尘器失效", "火灾", "湿式除尘器", "每班清扫", "防静电工作服", "李班长", "13900000002",
                 "工程技术措施", "管理措施", "个体防护措施"):
        assert text in notice, text
    emergency, _ = pdf_text(document_pdf("emergency", user=w.principal, enterprise=w.e_hutang), tmp_path, "e.pdf")
    assert emergency.count("应急处置卡") == 2
    for text in ("立即停机断电", "疏散人员至安全区域", "关闭供漆阀门", "王厂长", "13900000001", "119", "120"):
        assert text in emergency, text
    assert "叉车通道" not in emergency and "Fandol" in fonts


def test_no_card_without_a_significant_point(world, tmp_path):
    make_point(world.e_hutang2, level="yellow", name="染缸")
    text, _ = pdf_text(document_pdf("notice", user=world.bureau, enterprise=world.e_hutang2), tmp_path)
    assert "没有较大及以上风险点" in text


def test_the_four_lists(firm, tmp_path):
    w = firm
    open_one = hazard_report(enterprise=w.e_hutang, by=w.principal, source="self_check", description="除尘器滤袋破损",
                             location="抛光车间", found_on=datetime.date(2026, 11, 2), deadline=datetime.date(2026, 11, 30))
    hazard_plan(hazard=open_one, by=w.principal, responsible_person="赵主任", measures="更换滤袋并检测风量",
                funds=Decimal("3500"), emergency_plan="停用3号工位")
    hazard_report(enterprise=w.e_hutang, by=w.principal, source="self_check", description="灭火器过期",
                  found_on=datetime.date(2026, 3, 5), deadline=datetime.date(2026, 3, 20))
    hazard_report(enterprise=w.e_hutang2, by=w.inspector, source="patrol", description="别家企业的隐患",
                  found_on=datetime.date(2026, 11, 3), deadline=datetime.date(2026, 11, 30))
    text, fonts = pdf_text(document_pdf("lists", user=w.principal, enterprise=w.e_hutang), tmp_path)
    for title in ("风险清单", "管控措施清单", "问题隐患清单", "问题隐患整改清单"):
        assert title in text, title
    # risk list: all four live points, red first
    assert text.index("抛光工位") < text.index("叉车通道") < text.index("办公区配电箱")
    assert "铝镁粉尘积聚" in text and "直接判定" in text
    assert "湿式除尘器" in text and "立即停机断电" in text
    # hazards of the year: both of the enterprise's, none of another enterprise's
    assert "除尘器滤袋破损" in text and "灭火器过期" in text and "别家企业的隐患" not in text
    assert "赵主任" in text and "更换滤袋并检测风量" in text and "3500" in text and "2026-11-30" in text
    assert "Fandol" in fonts
