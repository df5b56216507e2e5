"""The dictionary and grading API: the same services as the pages, so the same answers; readers
(enterprise users, a township inspector) get 403 on writes with the database unchanged; the
standard and the scales refuse bad input in Chinese in the API's one error shape."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from risk_reports.dictionary_catalogue import CATEGORIES
from risk_reports.models import GradingBand, GradingScale, RiskCategory, RiskPoint
from risk_reports.services import dictionary as services

from tests.api_errors import fields, refusal
from tests.risk_reports.factories import make_point
from tests.risk_reports.test_dictionary_pages import category_form, make_category, snapshot

pytestmark = pytest.mark.django_db

CATS = "/api/v1/risk-categories/"
SCALES = "/api/v1/grading-scales/"
BANDS = "/api/v1/grading-bands/"
GRADE = "/api/v1/risk-grade/"


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def category_body(**overrides):
    body = {
        "name": "钢丝绳电动葫芦", "typical_level": "yellow", "cycle": "week",
        "factors": ["钢丝绳断股", "制动器失灵", "限位器失效"], "accident_types": ["lifting", "struck_by"],
        "measures": {"engineering": ["设置上升限位器"], "management": ["持证操作", "每周检查钢丝绳"],
                     "ppe": ["佩戴安全帽"], "emergency": ["吊物坠落立即停机并疏散"]},
        "check_items": ["钢丝绳无断股", "制动可靠", "限位器灵敏"],
    }
    body.update(overrides)
    return body


# -- reading ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["bureau", "inspector", "principal", "staff", "grid_member"])
def test_everyone_signed_in_reads(world, who):
    client = api(getattr(world, who))
    response = client.get(CATS)
    assert response.status_code == 200
    # 94 shipped categories, 50 a page
    assert response.json()["count"] == len(CATEGORIES) and len(response.json()["results"]) == 50
    assert len(client.get(CATS, {"page": 2}).json()["results"]) == len(CATEGORIES) - 50
    collector = RiskCategory.objects.get(code="dust_collector")
    body = client.get(f"{CATS}{collector.pk}/").json()
    assert body["domain"] == "dust" and body["typical_level"] == "orange" and body["cycle"] == "day"
    assert body["accident_type_names"] == [{"code": "other_explosion", "name": "其他爆炸"},
                                           {"code": "fire", "name": "火灾"}, {"code": "mechanical", "name": "机械伤害"}]
    assert set(body["measures"]) == {"engineering", "management", "ppe", "emergency"}
    # the LEC scale: L 7 values + E 6 + C 6 = 19; the four bands of each method
    assert client.get(SCALES, {"method": "lec"}).json()["count"] == 19
    assert client.get(SCALES, {"method": "lec", "factor": "E"}).json()["count"] == 6
    assert client.get(BANDS, {"method": "ls"}).json()["count"] == 4


def test_anonymous_reads_nothing(client, world):
    assert refusal(client.get(CATS), 403)["code"] == "not_authenticated"


def test_filters(world):
    bureau = world.bureau
    make_category(bureau, "测试类别甲", typical_level="red", cycle="shift")
    make_category(bureau, "测试类别乙", typical_level="red", cycle="day")
    services.category_deactivate(category=make_category(bureau, "测试类别丙", typical_level="blue", cycle="day"),
                                 by=bureau)
    client = api(world.principal)

    def names(**query):
        return [row["name"] for row in client.get(CATS, {"q": "测试类别", **query}).json()["results"]]

    assert names() == ["测试类别甲", "测试类别乙", "测试类别丙"]
    assert names(typical_level="red") == ["测试类别甲", "测试类别乙"]
    assert names(cycle="day", active="true") == ["测试类别乙"]
    assert names(active="false") == ["测试类别丙"]
    # the shipped dust categories: 5 orange + 3 yellow = 8; of them orange: 5
    assert client.get(CATS, {"domain": "dust"}).json()["count"] == 8
    assert client.get(CATS, {"domain": "dust", "typical_level": "orange"}).json()["count"] == 5
    # general ones (no key domain): 94 shipped - (8 + 9 + 3 + 6 + 5 + 6) in key domains = 57, and the 3 made here
    assert client.get(CATS, {"domain": "null"}).json()["count"] == 60
    assert refusal(client.get(CATS, {"typical_level": "purple"}))["fields"]["typical_level"]


# -- writing ---------------------------------------------------------------------------------------
def test_the_bureau_creates_edits_and_deactivates(world):
    client = api(world.bureau)
    response = client.post(CATS, category_body(domain=None), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    category = RiskCategory.objects.get(pk=body["id"])
    assert category.name == "钢丝绳电动葫芦" and category.code.startswith("custom-") and body["active"]
    response = client.patch(f"{CATS}{category.pk}/", {"cycle": "day", "factors": ["甲", "乙", "丙", "丁"]},
                            format="json")
    assert response.status_code == 200, response.json()
    category.refresh_from_db()
    assert category.cycle == "day" and category.factors == ["甲", "乙", "丙", "丁"]
    assert category.measures["management"] == ["持证操作", "每周检查钢丝绳"]  # not given: unchanged
    response = client.post(f"{CATS}{category.pk}/deactivate/")
    assert response.status_code == 200 and response.json()["active"] is False
    assert refusal(client.post(f"{CATS}{category.pk}/deactivate/"))["detail"] == "该类别已停用。"
    assert client.post(f"{CATS}{category.pk}/reactivate/").json()["active"] is True
    assert client.delete(f"{CATS}{category.pk}/").status_code == 405  # never deleted


def test_page_and_api_give_the_same_answer(client, world):
    """The same edit through the page and through the API leaves the same row; the same bad edit
    gets the same messages."""
    forklift = RiskCategory.objects.get(code="forklift")
    crane = RiskCategory.objects.get(code="bridge_crane")
    form = category_form(name="叉车（页面）", typical_level="orange", cycle="shift", domain="",
                         factors="超速行驶\n货叉带人\n制动失效")
    client.force_login(world.bureau)
    assert client.post(reverse("risk_reports:category_edit", args=[forklift.pk]), form).status_code == 302
    body = category_body(name="叉车（接口）", typical_level="orange", cycle="shift", domain=None,
                         factors=["超速行驶", "货叉带人", "制动失效"])
    assert api(world.bureau).put(f"{CATS}{crane.pk}/", body, format="json").status_code == 200
    compared = ("typical_level", "cycle", "factors", "accident_types", "measures", "check_items", "domain_id")
    by_page = RiskCategory.objects.filter(pk=forklift.pk).values(*compared).get()
    by_api = RiskCategory.objects.filter(pk=crane.pk).values(*compared).get()
    assert by_page == by_api

    before = snapshot()
    page_form = client.post(reverse("risk_reports:category_edit", args=[forklift.pk]),
                            category_form(factors="一\n二", check_items="只查一项")).context["form"]
    api_fields = fields(api(world.bureau).patch(f"{CATS}{forklift.pk}/", {"factors": ["一", "二"],
                                                                          "check_items": ["只查一项"]}, format="json"))
    assert page_form.errors["factors"] == api_fields["factors"] == ["请至少列出三项危险有害因素。"]
    assert page_form.errors["check_items"] == api_fields["check_items"] == ["请至少列出三项排查内容。"]
    assert snapshot() == before


@pytest.mark.parametrize("overrides, expected", [
    ({"factors": ["一", "二"]}, {"factors": ["请至少列出三项危险有害因素。"]}),
    ({"measures": {"engineering": ["防护罩"], "management": ["制度"], "ppe": ["手套"]}},
     {"measures": ["请填写全部四类管控措施：工程技术、管理、个体防护和应急处置。"]}),
    ({"measures": {"engineering": ["防护罩"], "management": ["制度"], "ppe": ["手套"], "emergency": []}},
     {"measures": ["请填写全部四类管控措施：工程技术、管理、个体防护和应急处置。"]}),
    ({"accident_types": []}, {"accident_types": ["事故类型请从 GB 6441 的 20 类中选择。"]}),
    ({"typical_level": "purple"}, {"typical_level": ["“purple” 不是合法选项。"]}),
    ({"name": "叉车"}, {"name": ["具有 名称 的 风险类别 已存在。"]}),
])
def test_an_invalid_category_is_refused_in_chinese(world, overrides, expected):
    before = snapshot()
    assert fields(api(world.bureau).post(CATS, category_body(**overrides), format="json")) == expected
    assert snapshot() == before


def test_an_unknown_accident_type_is_refused_in_chinese(world):
    before = snapshot()
    found = fields(api(world.bureau).post(CATS, category_body(accident_types=["lifting", "alien_attack"]),
                                          format="json"))
    assert list(found) == ["accident_types.1"] and "alien_attack" in found["accident_types.1"][0]
    assert "不是合法选项" in found["accident_types.1"][0]
    assert snapshot() == before
    # and through the service (the standard itself), for a caller that skips the serializer
    with pytest.raises(services.ValidationError) as error:
        make_category(world.bureau, "外星事故", accident_types=["alien_attack"])
    assert error.value.message_dict == {"accident_types": ["事故类型请从 GB 6441 的 20 类中选择。"]}


def test_a_point_keeps_its_copy_when_the_api_edits_its_category(world):
    collector = RiskCategory.objects.get(code="dust_collector")
    point = make_point(world.e_hutang, by=world.principal, category=collector, name="1号除尘器")
    copied = ("factors", "accident_types", "measures", "check_items", "cycle")
    before = RiskPoint.objects.filter(pk=point.pk).values(*copied).get()
    response = api(world.bureau).put(f"{CATS}{collector.pk}/", category_body(name="干式除尘器", cycle="shift"),
                                     format="json")
    assert response.status_code == 200
    assert RiskPoint.objects.filter(pk=point.pk).values(*copied).get() == before
    # deactivating it keeps the point's link
    api(world.bureau).post(f"{CATS}{collector.pk}/deactivate/")
    assert RiskPoint.objects.get(pk=point.pk).category_id == collector.pk


@pytest.mark.parametrize("who", ["principal", "staff", "inspector", "grid_member"])
def test_readers_get_403_on_every_write(world, who):
    client = api(getattr(world, who))
    forklift = RiskCategory.objects.get(code="forklift")
    scale = GradingScale.objects.filter(method="lec", factor="L").first()
    band = GradingBand.objects.get(method="lec", level="red")
    before = snapshot()
    for response in (
        client.post(CATS, category_body(), format="json"),
        client.post(CATS, {}, format="json"),  # 403 before the input is read
        client.patch(f"{CATS}{forklift.pk}/", {"name": "改名"}, format="json"),
        client.put(f"{CATS}{forklift.pk}/", category_body(), format="json"),
        client.post(f"{CATS}{forklift.pk}/deactivate/"),
        client.post(SCALES, {"method": "lec", "factor": "L", "value": 2, "meaning": "新"}, format="json"),
        client.patch(f"{SCALES}{scale.pk}/", {"meaning": "改"}, format="json"),
        client.delete(f"{SCALES}{scale.pk}/"),
        client.patch(f"{BANDS}{band.pk}/", {"lower": 100}, format="json"),
    ):
        assert refusal(response, 403)["code"] == "permission_denied"
    assert snapshot() == before
    # reading is theirs, the calculator too
    assert client.get(f"{CATS}{forklift.pk}/").status_code == 200
    assert client.post(GRADE, {"method": "ls", "values": {"L": 3, "S": 3}}, format="json").status_code == 200


def test_a_missing_record_is_a_404(world):
    client = api(world.bureau)
    missing = RiskCategory.objects.order_by("-pk").first().pk + 1
    assert refusal(client.patch(f"{CATS}{missing}/", {"name": "x"}, format="json"), 404)["code"] == "not_found"
    assert refusal(client.post(f"{CATS}{missing}/deactivate/"), 404)["code"] == "not_found"


# -- scales, bands and the calculator --------------------------------------------------------------
def test_risk_grade(world):
    client = api(world.principal)
    # LEC 3 × 6 × 7 = 126: 70–159, yellow
    response = client.post(GRADE, {"method": "lec", "values": {"L": 3, "E": 6, "C": 7}}, format="json")
    assert response.status_code == 200
    assert response.json() == {"method": "lec", "score": 126.0, "level": "yellow", "level_display": "一般风险（黄）"}
    # 0.5 × 1 × 1 = 0.5: blue
    assert client.post(GRADE, {"method": "lec", "values": {"L": "0.5", "E": 1, "C": 1}},
                       format="json").json()["score"] == 0.5


def test_lec_values_outside_the_scale_are_refused_naming_the_factor(world):
    client = api(world.principal)
    found = fields(client.post(GRADE, {"method": "lec", "values": {"L": 7, "E": 6, "C": 8}}, format="json"))
    assert found == {"values.L": ["L 的取值应为以下之一：10、6、3、1、0.5、0.2、0.1。"],
                     "values.C": ["C 的取值应为以下之一：100、40、15、7、3、1。"]}
    found = fields(client.post(GRADE, {"method": "lec", "values": {"L": 3, "E": 6}}, format="json"))
    assert list(found) == ["values.C"]
    assert list(fields(client.post(GRADE, {"method": "fmea", "values": {}}, format="json"))) == ["method"]


def test_bands_out_of_order_are_refused(world):
    client = api(world.bureau)
    orange = GradingBand.objects.get(method="lec", level="orange")
    before = snapshot()
    # orange at 400 would sit above red's 320
    assert fields(client.patch(f"{BANDS}{orange.pk}/", {"lower": 400}, format="json")) == {
        "lower": ["重大风险（红）的下限（320）必须高于较大风险（橙）的下限（400）。"]}
    # equal to yellow's 70: not strictly above
    assert fields(client.patch(f"{BANDS}{orange.pk}/", {"lower": 70}, format="json")) == {
        "lower": ["较大风险（橙）的下限（70）必须高于一般风险（黄）的下限（70）。"]}
    assert snapshot() == before
    response = client.patch(f"{BANDS}{orange.pk}/", {"lower": 150, "inclusive": False}, format="json")
    assert response.status_code == 200 and response.json()["lower"] == 150.0
    orange.refresh_from_db()
    assert (orange.lower, orange.inclusive) == (150, False)
    # the calculator follows: 1 × 10 × 15 = 150 is not above 150 -> yellow; 3 × 3 × 15 = 135 yellow too
    assert api(world.principal).post(GRADE, {"method": "lec", "values": {"L": 1, "E": 10, "C": 15}},
                                     format="json").json()["level"] == "yellow"


def test_scale_values(world):
    client = api(world.bureau)
    before = snapshot()
    # zero, twice the same value, a factor the method lacks
    assert "L：分值须为正数（不能是 0）。" in fields(client.post(
        SCALES, {"method": "lec", "factor": "L", "value": 0, "meaning": "零"}, format="json"))["value"]
    assert fields(client.post(SCALES, {"method": "lec", "factor": "L", "value": 6, "meaning": "重复"},
                              format="json")) == {"value": ["L：分值 6 重复。"]}
    assert list(fields(client.post(SCALES, {"method": "ls", "factor": "E", "value": 2, "meaning": "无"},
                                   format="json"))) == ["factor"]
    assert snapshot() == before
    # a new value, then the calculator takes it
    response = client.post(SCALES, {"method": "lec", "factor": "L", "value": 8, "meaning": "很可能"}, format="json")
    assert response.status_code == 201 and response.json()["value"] == 8.0
    assert client.post(GRADE, {"method": "lec", "values": {"L": 8, "E": 6, "C": 7}},
                       format="json").json() == {"method": "lec", "score": 336.0, "level": "red",
                                                 "level_display": "重大风险（红）"}  # 8 × 6 × 7 = 336 > 320


def test_a_factor_keeps_at_least_one_value(world):
    client = api(world.bureau)
    services.grading_method_save(method="ls", by=world.bureau,
                                 scale={"L": [(5, "极可能"), (1, "基本不可能")], "S": [(3, "较大")]},
                                 bands={"red": (20, True), "orange": (15, True), "yellow": (9, True),
                                        "blue": (1, True)})
    only = GradingScale.objects.get(method="ls", factor="S")
    before = snapshot()
    assert refusal(client.delete(f"{SCALES}{only.pk}/"))["detail"] == "S 至少要保留一个分值。"
    assert snapshot() == before
    two = GradingScale.objects.get(method="ls", factor="L", value=1)
    assert client.delete(f"{SCALES}{two.pk}/").status_code == 204
    assert list(GradingScale.objects.filter(method="ls", factor="L").values_list("value", flat=True)) == [5]


def test_grading_method_save_keeps_the_rows_of_kept_values(world):
    e6 = GradingScale.objects.get(method="lec", factor="E", value=6)
    scale = {f: [(r.value, r.meaning) for r in GradingScale.objects.filter(method="lec", factor=f)] for f in "LEC"}
    scale["E"] = [(Decimal(6), "每天工作时间内暴露（改）"), (Decimal(1), "每年几次暴露")]
    services.grading_method_save(method="lec", by=world.bureau, scale=scale,
                                 bands={"red": ("320", False), "orange": ("160", True), "yellow": ("70", True),
                                        "blue": ("0", True)})
    e6.refresh_from_db()  # the same row, its meaning changed
    assert e6.meaning == "每天工作时间内暴露（改）"
    assert GradingScale.objects.filter(method="lec", factor="E").count() == 2
    with pytest.raises(PermissionDenied):
        services.grading_method_save(method="lec", by=world.principal, scale=scale, bands={})


def test_the_code_is_fixed_once_created(world):
    forklift = RiskCategory.objects.get(code="forklift")
    response = api(world.bureau).patch(f"{CATS}{forklift.pk}/", {"code": "renamed", "cycle": "shift"}, format="json")
    assert response.status_code == 200 and response.json()["code"] == "forklift"
    forklift.refresh_from_db()
    assert (forklift.code, forklift.cycle) == ("forklift", "shift")
