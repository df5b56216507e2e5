"""Problems named by rules (issue 10 item 2; RULES.md §7), on the hand-built city of
tests/risk_reports/test_figures_city.py (测试市: 甲区 with 甲一镇, 甲二镇, 甲三镇; 乙区 with 乙一镇, 乙二镇;
2026 Q3 on the pinned clock).

The four shipped rules reproduce seed 001 problem (二) — hand-checked in tests/risk_reports/
test_figures_city.py ``test_the_four_problems_of_a_district`` / ``_of_the_city`` — on a live table
and on a snapshot's; a bureau's own threshold changes who is named; every bad rule is refused in
Chinese with nothing saved; the pages and the API are scoped like everything else."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
import pytest
from rest_framework.test import APIClient

from grid.models import Region
from portal.assessments import problems, services
from portal.assessments.models import ProblemRule
from portal.assessments.problems import evaluate, problems_for
from portal.figures import registry
from portal.rules.services import threshold_create
from tests.api_errors import fields, refusal
from tests.enterprises.factories import make_enterprise_user
from tests.factories import RegionFactory, UserFactory
from tests.risk_reports.test_figures_city import Q3, city  # noqa: F401  (the hand-built city)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 16)  # the pinned clock's day
RULES = "/api/v1/problem-rules/"

# the four risk figures the shipped rules hold to (seed 001 problem (二)), in the rules' order
FIGURES = ["risk.points_per_enterprise", "risk.overdue_rate", "risk.scan_hazards_per_enterprise",
           "risk.principal_participation"]
SHIPPED = ["企业平均辨识风险数最低", "常安码风险逾期率超过上限", "企业平均扫码自查发现隐患数最低", "主要负责人扫码参与率低于下限"]


def named(findings):
    """``[(title, [(unit, value)])]`` of findings, in order."""
    return [(f.title, [(region.name, cell.value) for region, cell in f.units]) for f in findings]


def freeze(region, capture):
    with capture(execute=True):
        snapshot = services.snapshot_request(region=region, period=Q3, by=None, today=TODAY)
    snapshot.refresh_from_db()
    return snapshot


def rule(**fields_):
    body = {"title": "逾期率最高", "figure": "risk.overdue_rate", "comparison": "highest", "n": 1,
            "sentence": "{units}逾期率最高，为{values}。", "region": None}
    body.update(fields_)
    return services.problem_rule_create(by=None, **body)


# -- the shipped rules: seed 001 problem (二) ------------------------------------------------------------------------
DISTRICT = [
    # the lowest average: 甲三 1.0 (甲二 1.5, 甲一 2.5)
    ("企业平均辨识风险数最低", [("甲三镇", 1.0)]),
    # over 30 %: 甲二 54.55, 甲一 31.82 (甲三 28.57 is not), worst first
    ("常安码风险逾期率超过上限", [("甲二镇", 54.55), ("甲一镇", 31.82)]),
    # the two lowest hazards per enterprise: 甲二 0.0, 甲三 0.5 (甲一 1.0)
    ("企业平均扫码自查发现隐患数最低", [("甲二镇", 0.0), ("甲三镇", 0.5)]),
    # under 60 %: 甲一 and 甲二, 50 % each, in the bureau's order
    ("主要负责人扫码参与率低于下限", [("甲一镇", 50.0), ("甲二镇", 50.0)]),
]
DISTRICT_SENTENCES = [
    "风险辨识能力不足，甲三镇企业平均辨识风险数最低，为1处/家。",
    "“常安码”使用频次不足，甲二镇、甲一镇风险逾期率超过30%。",
    "“常安码”自查流于形式，平均每家企业扫码自查发现隐患最少的是甲二镇0条/家、甲三镇0.5条/家。",
    "主要负责人参与扫码力度不够，甲一镇、甲二镇企业主要负责人参与率低于60%。",
]
CITY = [
    ("企业平均辨识风险数最低", [("甲区", 1.67)]),                       # 10/6 (乙区 6/3 = 2.0)
    ("常安码风险逾期率超过上限", [("乙区", 68.75), ("甲区", 37.5)]),      # 11/16, 15/40
    ("企业平均扫码自查发现隐患数最低", [("乙区", 0.33), ("甲区", 0.5)]),  # 1/3, 3/6
    ("主要负责人扫码参与率低于下限", [("乙区", 50.0)]),                  # 1/2; 甲区's 3/5 = 60 % is not under 60 %
]


def test_the_shipped_rules_are_seed_001_problem_two():
    # (the key tasks' own shipped rule, assessments 0005, is checked in test_key_tasks_snapshot.py)
    rules = list(ProblemRule.objects.filter(region=None).exclude(figure__startswith="assessments.key_tasks_")
                 .order_by("order"))
    assert [(r.title, r.figure, r.comparison, r.n, r.threshold) for r in rules] == [
        ("企业平均辨识风险数最低", "risk.points_per_enterprise", "lowest", 1, ""),
        ("常安码风险逾期率超过上限", "risk.overdue_rate", "above", None, "risk.overdue_rate_max"),
        ("企业平均扫码自查发现隐患数最低", "risk.scan_hazards_per_enterprise", "lowest", 2, ""),
        ("主要负责人扫码参与率低于下限", "risk.principal_participation", "below", None,
         "risk.principal_participation_min"),
    ]
    for shipped in rules:
        shipped.full_clean()  # what a migration ships passes the rules a bureau's rule must


def test_a_district_s_four_findings_on_a_live_table(city):  # noqa: F811
    findings = problems_for(registry.table(FIGURES, city.a, Q3))
    assert named(findings) == DISTRICT
    assert [f.sentence for f in findings] == DISTRICT_SENTENCES
    assert findings[1].thresholds == {city.a2.path: 30, city.a1.path: 30}
    assert [f.figure.name for f in findings] == FIGURES


def test_the_city_s_four_findings_on_a_live_table(city):  # noqa: F811
    findings = problems_for(registry.table(FIGURES, city.city, Q3))
    assert named(findings) == CITY
    assert [f.sentence for f in findings] == [
        "风险辨识能力不足，甲区企业平均辨识风险数最低，为1.67处/家。",
        "“常安码”使用频次不足，乙区、甲区风险逾期率超过30%。",
        "“常安码”自查流于形式，平均每家企业扫码自查发现隐患最少的是乙区0.33条/家、甲区0.5条/家。",
        "主要负责人参与扫码力度不够，乙区企业主要负责人参与率低于60%。",
    ]


def test_the_same_findings_on_a_snapshot(city, django_capture_on_commit_callbacks):  # noqa: F811
    snapshot = freeze(city.city, django_capture_on_commit_callbacks)
    district = problems_for(services.snapshot_table(snapshot, city.a))
    assert named(district) == DISTRICT
    assert [f.sentence for f in district] == DISTRICT_SENTENCES
    assert named(problems_for(services.snapshot_table(snapshot, city.city))) == CITY


def test_the_findings_cost_one_query_for_the_rules_and_one_per_threshold(city, django_assert_num_queries):  # noqa: F811
    names = [f.name for f in registry.all("risk")]  # every risk figure, as the notice's table holds them
    assert set(FIGURES) <= set(names)
    table = registry.table(names, city.a, Q3)
    rule(title="逾期率最高", region=city.city)  # another rule on a threshold-free comparison: no query more
    rule(title="逾期率过高", comparison="above", n=None, threshold="risk.overdue_rate_max",
         sentence="{units}逾期率高于{threshold}%。")  # the same threshold: no query more
    with django_assert_num_queries(3):
        # 1. the active rules of 甲区 or above; 2. risk.overdue_rate_max for the three townships;
        # 3. risk.principal_participation_min for them
        findings = problems_for(table)
    assert len(findings) == 6


def test_a_rule_whose_figure_is_not_in_the_table_is_left_out(city, django_assert_num_queries):  # noqa: F811
    table = registry.table(["risk.points_per_enterprise", "risk.overdue_rate"], city.a, Q3)
    with django_assert_num_queries(2):  # the rules; risk.overdue_rate_max (participation is not in the table)
        findings = problems_for(table)
    assert [f.title for f in findings] == ["企业平均辨识风险数最低", "常安码风险逾期率超过上限"]


# -- what a rule names ---------------------------------------------------------------------------------------------
def test_ties_at_the_cut_are_all_named_and_a_unit_without_value_never(city):  # noqa: F811
    # 甲四镇 has no enterprise: no average (None), never the lowest
    RegionFactory(name="甲四镇", level=Region.Level.TOWNSHIP, parent=city.a, order=4)
    lowest = ProblemRule.objects.get(figure="risk.points_per_enterprise")
    table = registry.table(["risk.points_per_enterprise", "risk.usage_rate"], city.a, Q3)
    assert named([evaluate(lowest, table)]) == [("企业平均辨识风险数最低", [("甲三镇", 1.0)])]
    # 乙一 2/1 and 乙二 4/2 tie at 2.0: n = 1 names both
    finding = evaluate(lowest, registry.table(["risk.points_per_enterprise"], city.b, Q3))
    assert named([finding]) == [("企业平均辨识风险数最低", [("乙一镇", 2.0), ("乙二镇", 2.0)])]
    assert finding.sentence == "风险辨识能力不足，乙一镇、乙二镇企业平均辨识风险数最低，为2处/家、2处/家。"
    # the highest usage rate: 甲一 and 甲二 at 100 % tie for n = 1, 甲三 50 % is not named
    highest = rule(title="使用率最高", figure="risk.usage_rate", n=1,
                   sentence="{units}常安码使用率最高（{count}个），{each}。")
    finding = evaluate(highest, table)
    assert named([finding]) == [("使用率最高", [("甲一镇", 100.0), ("甲二镇", 100.0)])]
    assert finding.sentence == "甲一镇、甲二镇常安码使用率最高（2个），甲一镇100%、甲二镇100%。"
    # n larger than the units with a value: those there are
    assert len(evaluate(rule(title="三个最低", figure="risk.points_per_enterprise", comparison="lowest", n=5),
                        table).units) == 3


def test_a_rule_naming_no_unit_gives_no_finding(city):  # noqa: F811
    table = registry.table(["risk.overdue_rate"], city.a, Q3)
    under = rule(title="逾期率低于上限", comparison="below", n=None, threshold="risk.overdue_rate_max",
                 sentence="{units}逾期率低于{threshold}%，{figure}良好。")
    assert [(r.name, c.value) for r, c in evaluate(under, table).units] == [("甲三镇", 28.57)]
    assert evaluate(under, table).sentence == "甲三镇逾期率低于30%，常安码逾期率良好。"
    # 甲区 raises its limit to 60 %: no township is over it (甲二 54.55 the highest), all three under it
    threshold_create(name="risk.overdue_rate_max", region=city.a, value=60, effective_from=datetime.date(2026, 7, 1))
    assert evaluate(ProblemRule.objects.get(title="常安码风险逾期率超过上限"), table) is None
    assert [(f.title, len(f.units)) for f in problems_for(table)] == [("逾期率低于上限", 3)]


def test_the_rules_of_the_table_s_region_or_above_apply(city):  # noqa: F811
    table_a = registry.table(["risk.overdue_rate"], city.a, Q3)
    table_b = registry.table(["risk.overdue_rate"], city.b, Q3)
    of_b = rule(title="乙区逾期最高", region=city.b)
    of_city = rule(title="全市逾期最高", region=city.city, order=99)
    off = rule(title="停用", active=False)
    assert [f.title for f in problems_for(table_a)] == ["常安码风险逾期率超过上限", "全市逾期最高"]
    assert [f.title for f in problems_for(table_b)] == ["乙区逾期最高", "常安码风险逾期率超过上限", "全市逾期最高"]
    assert off.title not in [f.title for f in problems_for(registry.table(["risk.overdue_rate"], city.city, Q3))]
    assert of_b.region == city.b and of_city.region == city.city


# -- thresholds per region -----------------------------------------------------------------------------------------
def test_a_bureau_s_own_threshold_changes_who_is_named(city):  # noqa: F811
    # 甲区 sets 25 % for itself from July: 甲三's 28.57 % is now over it
    threshold_create(name="risk.overdue_rate_max", region=city.a, value=25, effective_from=datetime.date(2026, 7, 1))
    district = problems_for(registry.table(FIGURES, city.a, Q3))
    assert named(district)[1] == ("常安码风险逾期率超过上限", [("甲二镇", 54.55), ("甲一镇", 31.82), ("甲三镇", 28.57)])
    assert district[1].sentence == "“常安码”使用频次不足，甲二镇、甲一镇、甲三镇风险逾期率超过25%。"
    # 乙区 sets 40 % as its participation floor: its 50 % is no longer a problem in the city's list
    threshold_create(name="risk.principal_participation_min", region=city.b, value=40,
                     effective_from=datetime.date(2026, 1, 1))
    # a version taking effect after the quarter's last day does not count for it
    threshold_create(name="risk.overdue_rate_max", region=city.b, value=80, effective_from=datetime.date(2026, 10, 1))
    city_findings = problems_for(registry.table(FIGURES, city.city, Q3))
    assert [f.title for f in city_findings] == SHIPPED[:3]
    # the named units are held to different thresholds (乙区 30, 甲区 25): the sentence gives each
    assert city_findings[1].thresholds == {city.b.path: 30, city.a.path: 25}
    assert city_findings[1].sentence == "“常安码”使用频次不足，乙区、甲区风险逾期率超过30、25%。"


# -- bad input: said in Chinese, nothing saved --------------------------------------------------------------------
BAD = [
    ({"figure": "risk.nothing"}, "figure", "未注册指标“risk.nothing”。"),
    ({"figure": "inspections.coverage:no_such_set"}, "figure", "指标“inspections.coverage”没有参数“no_such_set”。"),
    ({"comparison": "above", "n": None, "threshold": "risk.nothing_max"}, "threshold", "未知阈值“risk.nothing_max”。"),
    ({"comparison": "above", "n": None, "threshold": ""}, "threshold", "请选择“高于”或“低于”所比较的阈值。"),
    ({"comparison": "above", "threshold": "risk.overdue_rate_max"}, "n",
     "“高于”或“低于”点名超过阈值的所有单位，不需填写点名个数。"),
    ({"comparison": "lowest", "n": None}, "n", "请填写“最低”或“最高”点名的单位个数。"),
    ({"n": 0}, "n", "至少点名 1 个单位。"),
    ({"threshold": "risk.overdue_rate_max"}, "threshold", "“最低”或“最高”不与阈值比较，请留空阈值。"),
    ({"sentence": "{units}逾期率为{value}，{unit}。"}, "sentence",
     "句子中有未知的占位符 {value}、{unit}；可用 {units}、{values}、{each}、{threshold}、{figure}、{count}。"),
    ({"sentence": "{units}逾期率最高{"}, "sentence", "句子中有未闭合的花括号；花括号本身请写作 {{ 和 }}。"),
    ({"sentence": "逾期率最高。"}, "sentence", "句子必须点出单位：请写入 {units} 或 {each}。"),
    ({"sentence": "{units}超过{threshold}%。"}, "sentence", "“最低”或“最高”没有阈值：请从句子中删去 {threshold}。"),
]


GOOD = {"title": "逾期率最高", "figure": "risk.overdue_rate", "comparison": "highest", "n": 1, "threshold": "",
        "sentence": "{units}逾期率最高。"}


@pytest.mark.parametrize(("change", "field", "message"), BAD)
def test_a_bad_rule_is_refused_in_chinese_and_nothing_is_saved(city, change, field, message):  # noqa: F811
    bureau = UserFactory(role="bureau_staff", region=city.a)
    before = list(ProblemRule.objects.values())
    with pytest.raises(ValidationError) as refused:
        services.problem_rule_create(by=bureau, region=city.a, **{**GOOD, **change})
    assert refused.value.message_dict[field] == [message]
    assert list(ProblemRule.objects.values()) == before
    # the same change to a rule that exists leaves it as it was
    mine = services.problem_rule_create(by=bureau, region=city.a, **GOOD)
    saved = ProblemRule.objects.filter(pk=mine.pk).values().get()
    with pytest.raises(ValidationError) as refused:
        services.problem_rule_update(rule=mine, by=bureau, **change)
    assert refused.value.message_dict[field] == [message]
    assert ProblemRule.objects.filter(pk=mine.pk).values().get() == saved


def test_every_mistake_is_said_at_once():
    with pytest.raises(ValidationError) as refused:
        services.problem_rule_create(by=None, region=None, title="", figure="risk.nothing", comparison="lowest",
                                     sentence="{nope}")
    assert set(refused.value.message_dict) == {"title", "figure", "n", "sentence"}
    assert not ProblemRule.objects.filter(figure="risk.nothing").exists()


def test_who_may_write_which_rule(city):  # noqa: F811
    bureau, other = UserFactory(role="bureau_staff", region=city.a), UserFactory(role="bureau_staff", region=city.b)
    inspector = UserFactory(role="township_inspector", region=city.a1)
    body = {"title": "逾期率最高", "figure": "risk.overdue_rate", "comparison": "highest", "n": 1,
            "sentence": "{units}逾期率最高。"}
    count = ProblemRule.objects.count()
    for by, region in [(other, city.a), (bureau, None), (bureau, city.city), (inspector, city.a1)]:
        with pytest.raises(PermissionDenied):
            services.problem_rule_create(by=by, region=region, **body)
    assert ProblemRule.objects.count() == count
    mine = services.problem_rule_create(by=bureau, region=city.a, **body)
    shipped = ProblemRule.objects.get(figure="risk.overdue_rate", region=None)
    for by, target in [(other, mine), (bureau, shipped), (inspector, mine)]:
        with pytest.raises(PermissionDenied):
            services.problem_rule_update(rule=target, by=by, title="改")
        with pytest.raises(PermissionDenied):
            services.problem_rule_deactivate(rule=target, by=by)
    with pytest.raises(PermissionDenied):  # moving its rule out of its region
        services.problem_rule_update(rule=mine, by=bureau, region=city.b)
    mine.refresh_from_db()
    shipped.refresh_from_db()
    assert (mine.title, mine.region, mine.active) == ("逾期率最高", city.a, True)
    assert (shipped.title, shipped.active) == ("常安码风险逾期率超过上限", True)
    superuser = UserFactory(is_superuser=True)
    assert services.problem_rule_update(rule=shipped, by=superuser, order=25).order == 25
    assert services.problem_rule_deactivate(rule=mine, by=bureau).active is False


# -- pages ---------------------------------------------------------------------------------------------------------
def form_body(**overrides):
    body = {"title": "逾期率最高", "figure": "risk.overdue_rate", "comparison": "highest", "n": "1",
            "threshold": "", "sentence": "{units}逾期率最高，为{values}。", "order": "50", "active": "on"}
    body.update(overrides)
    return body


def test_a_bureau_writes_its_rules_and_tries_them(client, city):  # noqa: F811
    bureau = UserFactory(role="bureau_staff", region=city.a)
    client.force_login(bureau)
    listing = client.get(reverse("assessments:problem_rule_list")).content.decode()
    assert "企业平均辨识风险数最低" in listing and "新建规则" in listing
    response = client.post(reverse("assessments:problem_rule_create"), form_body(region=city.a.pk))
    mine = ProblemRule.objects.get(title="逾期率最高")
    assert response.status_code == 302 and response["Location"] == reverse("assessments:problem_rule_detail",
                                                                             args=[mine.pk])
    assert (mine.region, mine.n, mine.order, mine.active) == (city.a, 1, 50, True)
    # the figure filter finds it; the active filter too
    filtered = client.get(reverse("assessments:problem_rule_list"), {"figure": "risk.overdue_rate"}).content.decode()
    assert "逾期率最高" in filtered and "企业平均辨识风险数最低" not in filtered
    # try it on the current quarter (2026 Q4 so far) of 甲区: the due cycles of October
    page = client.get(reverse("assessments:problem_rule_detail", args=[mine.pk]), {"try": "1"}).content.decode()
    assert 'id="problem-rule-preview"' in page and "2026年第4季度" in page and 'id="problem-rule-finding"' in page
    response = client.post(reverse("assessments:problem_rule_edit", args=[mine.pk]),
                           form_body(region=city.a.pk, title="逾期率居末", n="2"))
    mine.refresh_from_db()
    assert response.status_code == 302 and (mine.title, mine.n) == ("逾期率居末", 2)
    client.post(reverse("assessments:problem_rule_deactivate", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.active is False
    inactive = client.get(reverse("assessments:problem_rule_list"), {"active": "false"}).content.decode()
    assert "逾期率居末" in inactive and "企业平均辨识风险数最低" not in inactive


def test_the_preview_names_the_units_of_the_quarter(client, city):  # noqa: F811
    client.force_login(UserFactory(role="bureau_staff", region=city.a))
    lowest = ProblemRule.objects.get(figure="risk.points_per_enterprise")
    page = client.get(reverse("assessments:problem_rule_detail", args=[lowest.pk]), {"try": "1"}).content.decode()
    # Q4 so far: the same points alive, so the same lowest average as in Q3 (甲三 2/2)
    assert "风险辨识能力不足，甲三镇企业平均辨识风险数最低，为1处/家。" in page


def test_a_bad_rule_on_the_page_says_why_and_saves_nothing(client, city):  # noqa: F811
    client.force_login(UserFactory(role="bureau_staff", region=city.a))
    count = ProblemRule.objects.count()
    response = client.post(reverse("assessments:problem_rule_create"),
                           form_body(region=city.a.pk, figure="risk.nothing", sentence="{unit}"))
    page = response.content.decode()
    assert response.status_code == 200 and "未注册指标“risk.nothing”。" in page and "未知的占位符 {unit}" in page
    assert ProblemRule.objects.count() == count


def test_the_pages_are_scoped(client, city):  # noqa: F811
    bureau = UserFactory(role="bureau_staff", region=city.a)
    mine = services.problem_rule_create(by=bureau, region=city.a, title="甲区逾期率最高", figure="risk.overdue_rate",
                                        comparison="highest", n=1, sentence="{units}逾期率最高。")
    shipped = ProblemRule.objects.get(figure="risk.overdue_rate", region=None)
    before = list(ProblemRule.objects.values())
    detail, edit, off = (reverse(f"assessments:problem_rule_{name}", args=[mine.pk])
                         for name in ("detail", "edit", "deactivate"))
    # another district's bureau: the rule does not exist for it
    client.force_login(UserFactory(role="bureau_staff", region=city.b))
    assert "甲区逾期率最高" not in client.get(reverse("assessments:problem_rule_list")).content.decode()
    assert client.get(detail).status_code == 404
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_body(region=city.b.pk)).status_code == 404
    assert client.post(off).status_code == 404
    # a bureau reads a deployment-wide rule but does not change it
    assert client.get(reverse("assessments:problem_rule_edit", args=[shipped.pk])).status_code == 403
    # a township inspector of 甲区 reads the rules that apply to it, writes none
    client.force_login(UserFactory(role="township_inspector", region=city.a1))
    assert client.get(detail).status_code == 200
    assert "problem-rule-edit" not in client.get(detail).content.decode()
    assert client.get(reverse("assessments:problem_rule_create")).status_code == 403
    assert client.post(reverse("assessments:problem_rule_create"), form_body(region=city.a1.pk)).status_code == 403
    assert client.post(edit, form_body(region=city.a.pk)).status_code == 403
    assert client.post(off).status_code == 403
    # an enterprise's principal has no such page
    client.force_login(make_enterprise_user(city.a1x, "safety_manager"))
    assert client.get(reverse("assessments:problem_rule_list")).status_code == 404
    assert client.get(detail).status_code == 404
    assert list(ProblemRule.objects.values()) == before


def test_the_menu_shows_the_rules_to_the_bureau(client, city):  # noqa: F811
    client.force_login(UserFactory(role="bureau_staff", region=city.a))
    assert reverse("assessments:problem_rule_list") in client.get("/").content.decode()
    client.force_login(UserFactory(role="township_inspector", region=city.a1))
    assert reverse("assessments:problem_rule_list") not in client.get("/").content.decode()


# -- API -----------------------------------------------------------------------------------------------------------
def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def api_body(**overrides):
    body = {"title": "逾期率最高", "figure": "risk.overdue_rate", "comparison": "highest", "n": 1,
            "sentence": "{units}逾期率最高，为{values}。"}
    body.update(overrides)
    return body


def test_the_api_reads_and_writes_through_the_services(city):  # noqa: F811
    bureau = api(UserFactory(role="bureau_staff", region=city.a))
    response = bureau.post(RULES, api_body(region=city.a.pk), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["figure_label"], body["comparison_display"], body["region_name"]) == ("常安码逾期率", "最高的 n 个单位",
                                                                                       "甲区")
    listed = bureau.get(RULES).json()
    assert [r["title"] for r in listed["results"]] == ["逾期率最高"] + SHIPPED + ["重点工作任务逾期未完成"]  # order 0 first
    assert [r["title"] for r in bureau.get(RULES, {"figure": "risk.overdue_rate"}).json()["results"]] == [
        "逾期率最高", "常安码风险逾期率超过上限"]
    response = bureau.patch(f"{RULES}{body['id']}/", {"n": 2}, format="json")
    assert response.status_code == 200 and response.json()["n"] == 2
    response = bureau.post(f"{RULES}{body['id']}/deactivate/")
    assert response.status_code == 200 and response.json()["active"] is False
    assert bureau.get(RULES, {"active": "true"}).json()["count"] == 5  # the four of seed 001 and the key tasks'


def test_the_api_refuses_a_bad_rule_in_chinese(city):  # noqa: F811
    bureau = api(UserFactory(role="bureau_staff", region=city.a))
    count = ProblemRule.objects.count()
    response = bureau.post(RULES, api_body(region=city.a.pk, comparison="above", n=None, threshold="risk.nothing_max"),
                           format="json")
    assert fields(response) == {"threshold": ["未知阈值“risk.nothing_max”。"]}
    assert fields(bureau.post(RULES, api_body(region=city.a.pk, figure="risk.nothing"), format="json")) == {
        "figure": ["未注册指标“risk.nothing”。"]}
    assert fields(bureau.post(RULES, api_body(region=city.a.pk, n=0), format="json")) == {"n": ["至少点名 1 个单位。"]}
    assert ProblemRule.objects.count() == count


def test_the_api_is_scoped(city):  # noqa: F811
    owner = UserFactory(role="bureau_staff", region=city.a)
    mine = services.problem_rule_create(by=owner, region=city.a, title="甲区逾期率最高", figure="risk.overdue_rate",
                                        comparison="highest", n=1, sentence="{units}逾期率最高。")
    shipped = ProblemRule.objects.get(figure="risk.overdue_rate", region=None)
    before = list(ProblemRule.objects.values())
    other = api(UserFactory(role="bureau_staff", region=city.b))
    assert "甲区逾期率最高" not in [r["title"] for r in other.get(RULES).json()["results"]]
    assert refusal(other.get(f"{RULES}{mine.pk}/"), 404)["code"] == "not_found"
    assert refusal(other.patch(f"{RULES}{mine.pk}/", {"title": "改"}, format="json"), 404)
    assert refusal(other.post(f"{RULES}{mine.pk}/deactivate/"), 404)
    assert refusal(other.post(RULES, api_body(region=city.a.pk), format="json"), 403)
    assert refusal(other.patch(f"{RULES}{shipped.pk}/", {"title": "改"}, format="json"), 403)
    inspector = api(UserFactory(role="township_inspector", region=city.a1))
    assert "甲区逾期率最高" in [r["title"] for r in inspector.get(RULES).json()["results"]]
    assert refusal(inspector.post(RULES, api_body(region=city.a1.pk), format="json"), 403)
    assert refusal(inspector.patch(f"{RULES}{mine.pk}/", {"title": "改"}, format="json"), 403)
    assert refusal(inspector.post(f"{RULES}{mine.pk}/deactivate/"), 403)
    principal = api(make_enterprise_user(city.a1x, "safety_manager"))
    assert principal.get(RULES).json()["count"] == 0
    assert refusal(principal.get(f"{RULES}{shipped.pk}/"), 404)
    assert list(ProblemRule.objects.values()) == before


def test_a_formatted_number_has_no_trailing_zeros():
    from decimal import Decimal
    assert [problems.plain(v) for v in (Decimal("30.0000"), 1.0, 0.5, 54.55, 0, None)] == [
        "30", "1", "0.5", "54.55", "0", "—"]


def test_a_frozen_quarter_keeps_its_thresholds_when_a_later_version_appears(city, django_capture_on_commit_callbacks):  # noqa: F811
    from portal.assessments import services
    from portal.assessments.problems import problems_for
    from portal.rules.services import threshold_create

    with django_capture_on_commit_callbacks(execute=True):
        snapshot = services.snapshot_request(region=city.city, period=Q3, by=None)
    table = services.snapshot_table(snapshot, city.a)
    before = [f.sentence for f in problems_for(table)]
    # the district lowers its overdue limit, back-dated into the quarter: a live table follows it, the
    # frozen one keeps the 30 % it was computed with
    threshold_create(name="risk.overdue_rate_max", region=city.a, value=25, effective_from=Q3.start, by=None)
    assert [f.sentence for f in problems_for(services.snapshot_table(snapshot, city.a))] == before
    live = [f.sentence for f in problems_for(registry.table([f.name for f in table.figures], city.a, Q3))]
    assert live != before
