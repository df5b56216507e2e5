"""A draft from the frozen city (tests/notices/conftest.py) in seed 001's shape: title, addressees,
the three sections, the ranking tables checked against the hand-counted values of
tests/risk_reports/test_figures_city.py."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.assessments.models import Snapshot
from portal.notices import drafting, services
from portal.notices.models import Notice
from tests.notices.conftest import FINDING_SENTENCE, TODAY, draft

pytestmark = pytest.mark.django_db


def texts(notice, kind):
    return [b["text"] for b in notice.body if b["kind"] == kind]


def attachment(notice, figure):
    return next(a for a in notice.attachments if a["figure"] == figure)


def test_the_shipped_rules_name_seed_001_s_problems_in_the_draft(frozen, people):
    notice = draft(frozen, people.city_bureau)
    texts = [block["text"] for block in notice.body]
    problems = texts[texts.index("二、存在问题") + 1:texts.index("三、下一步工作")] if "三、下一步工作" in texts \
        else texts[texts.index("二、存在问题") + 1:]
    assert any("甲区企业平均辨识风险数最低，为1.67处/家" in t for t in problems), problems
    assert any("乙区企业主要负责人参与率低于60%" in t for t in problems), problems


def test_the_city_s_draft_has_seed_001_s_shape(frozen, people, finding):
    notice = draft(frozen, people.city_bureau)
    assert (notice.state, notice.issuing_region, notice.period, notice.snapshot) == (
        Notice.State.DRAFT, frozen.region, "2026Q3", frozen)
    assert notice.title == "关于2026年第三季度全市工贸行业安全生产工作情况的通报"
    assert (notice.authority, notice.number_prefix, notice.number) == ("测试市应急管理局", "常应急函", "")
    assert notice.addressees == "各区应急管理局" and notice.printing_office == "测试市应急管理局办公室"
    assert [r.region.name for r in notice.recipients.order_by("order")] == ["甲区", "乙区"]
    assert texts(notice, "h1") == ["一、主要工作", "二、存在问题"]
    assert texts(notice, "h2") == ["（一）夯实企业名录底数。", "（二）组织力量开展核查检查。",
                                   "（三）全力做好风险报告和“常安码”运行。"]
    assert notice.body[0]["text"] == "现将2026年第三季度全市工贸行业安全生产工作情况通报如下："
    # the problems section: the finding's sentence, after its heading
    problems = [b["text"] for b in notice.body[notice.body.index({"kind": "h1", "text": "二、存在问题"}) + 1:]]
    assert problems == [FINDING_SENTENCE]
    # 三、下一步工作 is the bureau's: a placeholder until written
    assert notice.next_steps == [drafting.NEXT_STEPS_PLACEHOLDER]
    printed = drafting.printed_body(notice)
    assert {"kind": "h1", "text": "三、下一步工作"} in printed
    assert printed[-len(notice.attachments)]["text"].startswith("附件：1．")


def test_the_ranking_tables_hold_the_frozen_values(frozen, people):
    notice = draft(frozen, people.city_bureau)
    # overdue cycles ÷ due cycles: 甲区 15/40 = 37.5 %, 乙区 11/16 = 68.75 %; lower is better; the city 26/56
    overdue = attachment(notice, "risk.overdue_rate")
    assert overdue["title"] == "各区常安码逾期率排名"
    assert overdue["header"] == ["单位", "常安码逾期率（%）", "分子/分母", "排名"]
    assert overdue["rows"] == [["甲区", "37.5", "15/40", "1"], ["乙区", "68.75", "11/16", "2"],
                               ["全市", "46.43", "26/56", "—"]]
    # an average: points per producing enterprise, 乙区 6/3 = 2 first, 甲区 10/6 = 1.67
    assert attachment(notice, "risk.points_per_enterprise")["rows"] == [
        ["乙区", "2", "6/3", "1"], ["甲区", "1.67", "10/6", "2"], ["全市", "1.78", "16/9", "—"]]
    # a count: no numerator column; ties share a rank (blue risks 3 and 3)
    assert attachment(notice, "risk.points")["rows"] == [["甲区", "10", "1"], ["乙区", "6", "2"], ["全市", "16", "—"]]
    figures = [a["figure"] for a in notice.attachments]
    assert "risk.points_blue" not in figures  # 3 and 3: a table where every unit is first says nothing
    assert "inspections.fines" not in figures  # no fine anywhere: nothing ranks
    # the figures the main-work paragraphs cite come first, in their order
    assert figures[:3] == ["enterprises.on_roster", "enterprises.producing", "enterprises.outside_grid"]
    assert figures.index("inspections.hazards_found") < figures.index("risk.enterprises_using")


def test_without_findings_the_problems_section_says_so(frozen, people):
    from portal.assessments.models import ProblemRule
    ProblemRule.objects.update(active=False)  # no rule in use: nothing is named
    notice = draft(frozen, people.city_bureau)
    assert notice.body[-1] == {"kind": "p", "text": drafting.NO_PROBLEMS}


def test_a_district_drafts_its_own_notice_from_the_city_s_snapshot(frozen, people, city):
    notice = draft(frozen, people.a_bureau, number_prefix="")
    assert notice.issuing_region == city.a and notice.number_prefix == "甲应急函"
    assert notice.title == "关于2026年第三季度全区工贸行业安全生产工作情况的通报"
    assert [r.region.name for r in notice.recipients.order_by("order")] == ["甲一镇", "甲二镇", "甲三镇"]
    # the townships: 甲三 2/7 = 28.57 %, 甲一 7/22 = 31.82 %, 甲二 6/11 = 54.55 %; 甲区 15/40
    assert attachment(notice, "risk.overdue_rate")["rows"] == [
        ["甲三镇", "28.57", "2/7", "1"], ["甲一镇", "31.82", "7/22", "2"], ["甲二镇", "54.55", "6/11", "3"],
        ["全区", "37.5", "15/40", "—"]]


def test_who_may_draft_and_from_what(frozen, people, city, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):  # a township inspector issues no notice
        draft(frozen, people.a1_inspector)
    with pytest.raises(ValidationError):  # another city's bureau: the snapshot holds none of its units
        draft(frozen, people.other_city)
    with pytest.raises(PermissionDenied):  # the city's staff do not draft a district's notice
        draft(frozen, people.city_bureau, region=city.a)
    Snapshot.objects.filter(pk=frozen.pk).update(state=Snapshot.State.REPLACED)
    frozen.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        draft(frozen, people.city_bureau)
    assert "现行" in error.value.messages[0]
    assert not Notice.objects.exists()
    assert [s.pk for s in services.draftable_snapshots(people.a_bureau)] == []
    Snapshot.objects.filter(pk=frozen.pk).update(state=Snapshot.State.CURRENT)
    assert [s.pk for s in services.draftable_snapshots(people.a_bureau)] == [frozen.pk]
    assert not services.draftable_snapshots(people.a1_inspector).exists()
    assert TODAY.year == 2026
