"""The risk control dictionary's pages and the grading page: every signed-in user reads them, the
bureau edits them (a reader gets 403 and the database stays as it was), a category is held to the
standard in Chinese, a point keeps its own copy when the bureau edits its category, a method's
bands stay ordered, and the calculator grades with the current scales."""
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from risk_reports.models import GradingBand, GradingScale, RiskCategory, RiskPoint
from risk_reports.services import dictionary as services

from tests.risk_reports.factories import make_point
from tests.test_browser import _login, browser  # noqa: F401  (the Chromium fixture)

pytestmark = pytest.mark.django_db

LIST = reverse("risk_reports:category_list")
GRADING = reverse("risk_reports:grading")


def page(client, user, url, data=None):
    client.force_login(user)
    response = client.post(url, data) if data is not None else client.get(url)
    return response, unescape(response.content.decode())


def category_form(**overrides):
    """A valid POST of the category form (every list field as one-per-line text)."""
    data = {
        "name": "钢丝绳电动葫芦", "code": "", "domain": "", "typical_level": "yellow", "cycle": "week",
        "factors": "钢丝绳断股\n制动器失灵\n限位器失效", "accident_types": ["lifting", "struck_by"],
        "measures_engineering": "设置上升限位器", "measures_management": "持证操作\n每周检查钢丝绳",
        "measures_ppe": "佩戴安全帽", "measures_emergency": "吊物坠落立即停机并疏散",
        "check_items": "钢丝绳无断股\n制动可靠\n限位器灵敏", "order": "",
    }
    data.update(overrides)
    return data


def snapshot():
    return (list(RiskCategory.objects.order_by("pk").values()), list(GradingScale.objects.order_by("pk").values()),
            list(GradingBand.objects.order_by("pk").values()))


def make_category(by, name, **fields):
    values = {"typical_level": "yellow", "cycle": "week", "factors": ["因素一", "因素二", "因素三"],
              "accident_types": ["mechanical"], "check_items": ["检查一", "检查二", "检查三"],
              "measures": {"engineering": ["工程"], "management": ["管理"], "ppe": ["防护"], "emergency": ["应急"]}}
    values.update(fields)
    return services.category_create(by=by, name=name, **values)


# -- reading ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["bureau", "inspector", "principal", "staff", "grid_member"])
def test_everyone_signed_in_reads_the_list_and_a_category(client, world, who):
    user = getattr(world, who)
    response, html = page(client, user, LIST)
    assert response.status_code == 200
    assert "干式除尘器（袋式、滤筒）" in html
    collector = RiskCategory.objects.get(code="dust_collector")
    response, html = page(client, user, reverse("risk_reports:category_detail", args=[collector.pk]))
    assert response.status_code == 200
    # accident types by their GB 6441 names, measures under the four kinds, cycle, check items
    for text in ("其他爆炸", "火灾", "机械伤害", "工程技术措施", "管理措施", "个体防护措施", "应急处置措施",
                 "每日", "泄爆片完好无变形、泄爆口无遮挡。", "除尘器设于厂房外并与厂房保持安全距离"):
        assert text in html, text
    may_edit = who == "bureau"
    assert ('id="category-edit"' in html) is may_edit
    assert ('id="category-create"' in page(client, user, LIST)[1]) is may_edit


def test_the_menu_offers_the_dictionary_and_the_methods_to_readers(client, world):
    for user in (world.principal, world.inspector, world.bureau):
        html = page(client, user, reverse("home"))[1]
        assert "风险管控辞典" in html and "风险评估方法" in html


def test_anonymous_is_sent_to_sign_in(client, world):
    assert client.get(LIST).status_code == 302
    assert client.get(GRADING).status_code == 302


def test_the_detail_counts_the_points_the_user_sees(client, world):
    collector = RiskCategory.objects.get(code="dust_collector")
    make_point(world.e_hutang, by=world.principal, category=collector, name="1号除尘器")
    make_point(world.e_hutang, by=world.principal, category=collector, name="2号除尘器")
    make_point(world.e_luoyang, category=collector, name="洛阳除尘器")
    url = reverse("risk_reports:category_detail", args=[collector.pk])
    # the Hutang principal sees their enterprise's 2; the Wujin bureau sees all 3 (both townships)
    assert 'id="category-points">2<' in page(client, world.principal, url)[1]
    assert 'id="category-points">3<' in page(client, world.bureau, url)[1]
    assert 'id="category-points">2<' in page(client, world.inspector, url)[1]  # Hutang's inspector


def test_list_filters_and_paging(client, world):
    make_category(world.bureau, "测试类别甲", typical_level="red", cycle="shift")
    make_category(world.bureau, "测试类别乙", typical_level="red", cycle="day")
    make_category(world.bureau, "测试类别丙", typical_level="blue", cycle="day")
    services.category_deactivate(category=RiskCategory.objects.get(name="测试类别丙"), by=world.bureau)

    def names(query):
        html = page(client, world.principal, f"{LIST}?{query}")[1]
        return [n for n in ("测试类别甲", "测试类别乙", "测试类别丙") if n in html], html

    assert names("q=测试类别")[0] == ["测试类别甲", "测试类别乙", "测试类别丙"]
    assert names("q=测试类别&typical_level=red")[0] == ["测试类别甲", "测试类别乙"]
    assert names("q=测试类别&cycle=day")[0] == ["测试类别乙", "测试类别丙"]
    assert names("q=测试类别&active=false")[0] == ["测试类别丙"]
    assert names("q=测试类别&active=true&cycle=day")[0] == ["测试类别乙"]
    # the class as its coloured badge
    assert 'class="risk-level risk-level-red"' in names("q=测试类别甲")[1]
    # the shipped dust categories: 5 orange + 3 yellow = 8 (dictionary_catalogue, domain "dust")
    html = page(client, world.principal, f"{LIST}?domain=dust")[1]
    assert 'id="category-count">共 8 条<' in html
    assert "干式除尘器（袋式、滤筒）" in html and "叉车" not in html
    # paging: 3 of them, 2 a page -> page 2 holds the third
    first = names("q=测试类别&per_page=2")[0]
    second = names("q=测试类别&per_page=2&page=2")[0]
    assert len(first) == 2 and len(second) == 1 and set(first) | set(second) == {"测试类别甲", "测试类别乙", "测试类别丙"}
    # a bad filter value shows the filter's error and no rows, not a 500
    response, html = page(client, world.principal, f"{LIST}?typical_level=purple")
    assert response.status_code == 200 and 'id="filter-errors"' in html and "干式除尘器" not in html


# -- writing ---------------------------------------------------------------------------------------
def test_the_bureau_creates_a_category(client, world):
    response, _html = page(client, world.bureau, reverse("risk_reports:category_create"), category_form())
    assert response.status_code == 302
    category = RiskCategory.objects.get(name="钢丝绳电动葫芦")
    assert response["Location"] == reverse("risk_reports:category_detail", args=[category.pk])
    assert category.factors == ["钢丝绳断股", "制动器失灵", "限位器失效"]
    assert category.accident_types == ["lifting", "struck_by"]
    assert category.measures == {"engineering": ["设置上升限位器"], "management": ["持证操作", "每周检查钢丝绳"],
                                 "ppe": ["佩戴安全帽"], "emergency": ["吊物坠落立即停机并疏散"]}
    assert category.active and category.code.startswith("custom-") and category.domain is None


def test_the_bureau_edits_a_category_and_the_points_keep_their_copy(client, world):
    forklift = RiskCategory.objects.get(code="forklift")
    point = make_point(world.e_hutang, by=world.principal, category=forklift, name="3号叉车")
    copy = RiskPoint.objects.filter(pk=point.pk).values("factors", "accident_types", "measures", "check_items",
                                                           "cycle").get()
    url = reverse("risk_reports:category_edit", args=[forklift.pk])
    response, html = page(client, world.bureau, url)
    assert response.status_code == 200 and forklift.factors[0] in html
    data = category_form(name="叉车（含电动叉车）", code="ignored", cycle="shift", typical_level="orange",
                         factors="超速行驶\n货叉带人\n制动失效\n视线受阻")
    response, _html = page(client, world.bureau, url, data)
    assert response.status_code == 302
    forklift.refresh_from_db()
    assert forklift.name == "叉车（含电动叉车）" and forklift.code == "forklift"  # the code is not edited
    assert forklift.cycle == "shift" and forklift.factors == ["超速行驶", "货叉带人", "制动失效", "视线受阻"]
    assert RiskPoint.objects.filter(pk=point.pk).values("factors", "accident_types", "measures", "check_items",
                                                          "cycle").get() == copy
    assert RiskPoint.objects.get(pk=point.pk).category == forklift


@pytest.mark.parametrize("overrides, field, message", [
    ({"factors": "只有一个\n第二个"}, "factors", "请至少列出三项危险有害因素。"),
    ({"check_items": "只查一项"}, "check_items", "请至少列出三项排查内容。"),
    ({"accident_types": []}, "accident_types", "事故类型请从 GB 6441 的 20 类中选择。"),
    ({"accident_types": ["lifting", "alien_attack"]}, "accident_types", "alien_attack"),
    ({"measures_ppe": ""}, None, "请填写全部四类管控措施：工程技术、管理、个体防护和应急处置。"),
    ({"name": "叉车"}, "name", "已存在"),
])
def test_a_category_below_the_standard_is_refused_in_chinese(client, world, overrides, field, message):
    before = snapshot()
    response, html = page(client, world.bureau, reverse("risk_reports:category_create"), category_form(**overrides))
    assert response.status_code == 200
    assert message in html
    form = response.context["form"]
    assert message in " ".join(form.errors.get(field or "__all__", [])) or message in " ".join(
        str(e) for e in form.non_field_errors())
    assert snapshot() == before


def test_readers_may_not_write(client, world):
    """Enterprise users and a township inspector read the dictionary and the methods but every
    write is a 403 and changes nothing."""
    forklift = RiskCategory.objects.get(code="forklift")
    band = GradingBand.objects.get(method="lec", level="red")
    before = snapshot()
    for user in (world.principal, world.staff, world.inspector, world.grid_member):
        assert page(client, user, reverse("risk_reports:category_create"))[0].status_code == 403
        assert page(client, user, reverse("risk_reports:category_create"), category_form())[0].status_code == 403
        assert page(client, user, reverse("risk_reports:category_edit", args=[forklift.pk]))[0].status_code == 403
        assert page(client, user, reverse("risk_reports:category_edit", args=[forklift.pk]),
                    category_form(name="改名"))[0].status_code == 403
        assert page(client, user, reverse("risk_reports:category_deactivate", args=[forklift.pk]), {}
                    )[0].status_code == 403
        assert page(client, user, GRADING, {"method": "lec", "lec-band_red": "1000"})[0].status_code == 403
        response, html = page(client, user, GRADING)
        assert response.status_code == 200 and 'id="edit-lec"' not in html
    assert snapshot() == before
    assert GradingBand.objects.get(pk=band.pk).lower == 320


def test_an_unknown_category_is_a_404(client, world):
    missing = RiskCategory.objects.order_by("-pk").first().pk + 1
    assert page(client, world.bureau, reverse("risk_reports:category_detail", args=[missing]))[0].status_code == 404
    assert page(client, world.bureau, reverse("risk_reports:category_edit", args=[missing]))[0].status_code == 404


def test_deactivate_and_reactivate(client, world):
    forklift = RiskCategory.objects.get(code="forklift")
    make_point(world.e_hutang, by=world.principal, category=forklift, name="叉车")
    detail = reverse("risk_reports:category_detail", args=[forklift.pk])
    response, _ = page(client, world.bureau, reverse("risk_reports:category_deactivate", args=[forklift.pk]), {})
    assert response.status_code == 302 and response["Location"] == detail
    forklift.refresh_from_db()
    assert not forklift.active and forklift.points.count() == 1  # never deleted: its point still names it
    html = page(client, world.bureau, detail)[1]
    assert 'id="category-reactivate"' in html and "已停用" in html
    # deactivating it again says so and changes nothing
    response = client.post(reverse("risk_reports:category_deactivate", args=[forklift.pk]), follow=True)
    assert "该类别已停用。" in unescape(response.content.decode())
    assert page(client, world.bureau, reverse("risk_reports:category_deactivate", args=[forklift.pk]))[
        0].status_code == 405  # GET: POST only
    page(client, world.bureau, reverse("risk_reports:category_reactivate", args=[forklift.pk]), {})
    forklift.refresh_from_db()
    assert forklift.active


# -- grading ---------------------------------------------------------------------------------------
def grading_form(method="lec", **overrides):
    """The grading page's form of ``method`` as it stands, with ``overrides`` (without the prefix)."""
    data = {"method": method}
    for factor in ("L", "E", "C") if method == "lec" else ("L", "S"):
        rows = GradingScale.objects.filter(method=method, factor=factor).order_by("-value")
        data[f"{method}-scale_{factor}"] = "\n".join(f"{r.value.normalize():f} {r.meaning}" for r in rows)
    for band in GradingBand.objects.filter(method=method):
        data[f"{method}-band_{band.level}"] = f"{band.lower.normalize():f}"
        if band.inclusive:
            data[f"{method}-band_{band.level}_inclusive"] = "on"
    data.update({f"{method}-{k}": v for k, v in overrides.items()})
    return data


def test_the_grading_page_shows_the_scales_and_bands(client, world):
    response, html = page(client, world.principal, GRADING)
    assert response.status_code == 200
    for text in ("每天工作时间内暴露", "完全可以预料", "大灾难，10 人以上死亡", "极可能发生", "&gt; 320", "≥ 160", "≥ 70",
                 "≥ 20", "≥ 15", "≥ 9", "≥ 1"):
        assert unescape(text) in html, text
    assert 'data-factor="E"' in html and ">0.5<" in html and ">10<" in html  # plain numbers, not 1E+1


def test_the_bureau_moves_a_band_and_edits_a_scale(client, world):
    data = grading_form("lec", band_red="240", scale_L="10 完全可以预料\n6 相当可能\n3 可能，但不经常\n1 可能性小，完全意外")
    response, _ = page(client, world.bureau, GRADING, data)
    assert response.status_code == 302
    red = GradingBand.objects.get(method="lec", level="red")
    assert (red.lower, red.inclusive) == (240, False)
    # L lost 0.5, 0.2 and 0.1: 7 - 3 = 4 values
    assert list(GradingScale.objects.filter(method="lec", factor="L").order_by("-value").values_list(
        "value", flat=True)) == [10, 6, 3, 1]


@pytest.mark.parametrize("overrides, message", [
    ({"band_orange": "400"}, "重大风险（红）的下限（320）必须高于较大风险（橙）的下限（400）。"),
    ({"band_blue": "70"}, "一般风险（黄）的下限（70）必须高于低风险（蓝）的下限（70）。"),
    ({"band_blue": "-1"}, "低风险（蓝）的下限应为 0 至 99999999.99 之间的数，最多两位小数。"),
    ({"scale_E": ""}, "E 至少要保留一个分值。"),
    ({"scale_C": "100 大灾难\n0 无后果"}, "C：分值须为正数（不能是 0）。"),
    ({"scale_C": "100 大灾难\n100 重复"}, "C：分值 100 重复。"),
    ({"scale_L": "10完全可以预料"}, "L 第 1 行：请先写分值，空一格，再写其含义。"),
])
def test_bad_scales_and_bands_are_refused_and_change_nothing(client, world, overrides, message):
    before = snapshot()
    response, html = page(client, world.bureau, GRADING, grading_form("lec", **overrides))
    assert response.status_code == 200
    assert message in html
    assert snapshot() == before


def test_the_calculator(client, world):
    # LEC 3 × 6 × 7 = 126: 70–159, yellow
    response, html = page(client, world.principal, f"{GRADING}?calc=lec&calc-lec-L=3&calc-lec-E=6&calc-lec-C=7")
    assert response.status_code == 200
    assert 'data-score="126"' in html and 'id="calc-result-lec"' in html
    assert 'risk-level-yellow" data-level="yellow">一般风险（黄）' in html
    # LS 4 × 5 = 20: red
    html = page(client, world.principal, f"{GRADING}?calc=ls&calc-ls-L=4&calc-ls-S=5")[1]
    assert 'data-score="20"' in html and 'data-level="red"' in html
    # a value off the scale: the message names the factor and what it may be
    html = page(client, world.principal, f"{GRADING}?calc=lec&calc-lec-L=7&calc-lec-E=6&calc-lec-C=7")[1]
    assert "L 的取值应为以下之一：10、6、3、1、0.5、0.2、0.1。" in html and 'id="calc-result-lec"' not in html


def test_points_keep_their_grading_when_the_bands_move(world):
    point = make_point(world.e_hutang, by=world.principal, category="forklift", basis="lec",
                       values={"L": 3, "E": 6, "C": 7})
    assert (point.score, point.level) == (126, "yellow")
    services.grading_band_save(band=GradingBand.objects.get(method="lec", level="yellow"), by=world.bureau,
                               lower=Decimal(130))
    point.refresh_from_db()
    assert (point.score, point.level) == (126, "yellow")


# -- in Chromium -----------------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_bureau_edits_the_dictionary_in_chromium(browser, live_server, world):  # noqa: F811
    """Through the menu to a category, edited and taken out of use (the confirm dialog), then the
    grading page's calculator and a band moved: every page under the enforced CSP (the fixture
    fails on any violation)."""
    page = browser.new_page(locale="zh-CN")
    _login(page, live_server, "bureau")
    page.click("#nav-risk")
    page.locator(".dropdown-item", has_text="风险管控辞典").click()
    expect(page.locator("h1")).to_have_text("风险管控辞典")
    page.select_option("#id_domain", "dust")
    page.click("#category-filters button[type=submit]")
    expect(page.locator("#category-count")).to_contain_text("8")  # 5 orange + 3 yellow dust categories
    page.get_by_role("link", name="干式除尘器（袋式、滤筒）").click()
    expect(page.locator("#category-cycle")).to_have_text("每日")
    page.click("#category-edit")
    page.select_option("#id_cycle", "shift")
    page.fill("#id_factors", "泄爆装置缺失\n积灰自燃\n火花进入除尘器")
    page.click("#category-form button[type=submit]")
    expect(page.locator("#category-cycle")).to_have_text("每班")
    expect(page.locator("#category-factors li")).to_have_count(3)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#category-deactivate")
    expect(page.locator("#category-state")).to_have_text("已停用")

    page.click("#nav-risk")
    page.locator(".dropdown-item", has_text="风险评估方法").click()
    page.select_option("#id_calc-lec-L", "3")
    page.select_option("#id_calc-lec-E", "6")
    page.select_option("#id_calc-lec-C", "7")
    page.click("#calc-lec button[type=submit]")
    expect(page.locator("#calc-result-lec")).to_contain_text("126")  # 3 × 6 × 7, yellow
    expect(page.locator("#calc-result-lec .risk-level-yellow")).to_be_visible()
    page.click("#method-lec summary")
    page.fill("#id_lec-band_red", "100")  # under orange's 160: refused
    page.click("#edit-lec button[type=submit]")
    expect(page.locator("#grading-errors-lec")).to_contain_text("必须高于")
    page.fill("#id_lec-band_red", "240")
    page.click("#edit-lec button[type=submit]")
    expect(page.locator("#bands-lec tr[data-level=red]")).to_contain_text("240")
