"""The assessments' paragraph of the quarterly notice (portal.assessments.paragraphs): the units'
quarterly scores (the highest and the lowest unit with its score) and the key tasks (met, overdue,
the units with overdue tasks named), read from the registered figures of the region and period;
left out when there is nothing to say. Tables built by hand, and one live table of Wujin's scores."""
import datetime
from decimal import Decimal

import pytest

from grid.models import Region
from portal.assessments import services_rubrics
from portal.assessments.models import RubricForm, Score
from portal.assessments.paragraphs import FIGURES
from portal.figures import paragraphs, registry
from portal.figures.periods import Period

pytestmark = pytest.mark.django_db
Q3 = Period.quarter(2026, 3)
KEY = "assessments.assessments"


def _table(units, totals):
    """A district's table from ``units`` [(name, score, met, overdue)] and its totals (score, met, overdue)."""
    district = Region(name="甲区", level=Region.Level.DISTRICT)
    rows = [registry.TableRow(Region(name=name, level=Region.Level.TOWNSHIP), {
        "assessments.unit_score": registry.Cell(score), "assessments.key_tasks_met": registry.Cell(met),
        "assessments.key_tasks_overdue": registry.Cell(overdue)}) for name, score, met, overdue in units]
    total = registry.TableRow(district, dict(zip(FIGURES, (registry.Cell(t) for t in totals))))
    return registry.Table(district, Q3, [registry.get(n) for n in FIGURES], rows, total)


def _built(table):
    return {p.key: text for p, text in paragraphs.build(table)}


def test_scores_and_key_tasks_with_the_units_named():
    # scores 92, 78.5, 85 → mean 85.17, highest 甲一镇, lowest 甲二镇; met 3 + 1 + 2 = 6, overdue 0 + 2 + 1 = 3
    table = _table([("甲一镇", 92, 3, 0), ("甲二镇", 78.5, 1, 2), ("甲三镇", 85, 2, 1)], (Decimal("85.1667"), 6, 3))
    assert _built(table)[KEY] == (
        "2026年第三季度，全区对3个单位开展季度考核评估，平均得分85.17分，最高为甲一镇92分，最低为甲二镇78.5分；"
        "重点工作任务各单位累计完成6项，逾期未完成3项（甲二镇2项、甲三镇1项）。")
    assert [p.title for p in paragraphs.all() if p.key == KEY] == ["扎实开展两评估和重点工作任务考核"]


def test_key_tasks_only_and_no_overdue():
    # no unit scored in the quarter; 4 + 2 tasks met, none overdue: nobody named
    table = _table([("甲一镇", None, 4, 0), ("甲二镇", None, 2, 0)], (None, 6, 0))
    assert _built(table)[KEY] == "2026年第三季度，全区重点工作任务各单位累计完成6项，逾期未完成0项。"


def test_one_unit_scored_and_no_key_task_list():
    table = _table([("甲一镇", 88, None, None), ("甲二镇", None, None, None)], (88, None, None))
    assert _built(table)[KEY] == "2026年第三季度，全区对甲一镇开展季度考核评估，得分88分。"


def test_nothing_to_say_leaves_the_paragraph_out():
    # no score, no task list (None) or a list with nothing met nor overdue yet (0): no paragraph
    assert KEY not in _built(_table([("甲一镇", None, None, None)], (None, None, None)))
    assert KEY not in _built(_table([("甲一镇", None, 0, 0), ("甲二镇", None, 0, 0)], (None, 0, 0)))


def _quarterly(form, unit, assessor, total):
    return Score.objects.create(kind=Score.Kind.QUARTERLY, form=form, region=unit, assessor=assessor,
                                period=str(Q3), period_start=Q3.start, period_end=Q3.end, items_total=total,
                                total=total)


def test_wujin_s_live_table_names_its_highest_and_lowest_township(world, django_assert_max_num_queries):
    form = services_rubrics.form_current(RubricForm.Kind.UNIT)
    _quarterly(form, world.hutang, world.wujin, Decimal("91.5"))
    _quarterly(form, world.luoyang, world.wujin, Decimal("74"))
    # a score Wujin did not give (the city scored Wujin) and one of another quarter: not counted
    _quarterly(form, world.wujin, world.city, Decimal("60"))
    Score.objects.create(kind=Score.Kind.QUARTERLY, form=form, region=world.hutang, assessor=world.wujin,
                         period="2026Q2", period_start=datetime.date(2026, 4, 1), period_end=datetime.date(2026, 6, 30),
                         items_total=10, total=10)
    with django_assert_max_num_queries(6):
        table = registry.table(FIGURES, world.wujin, Q3)
    # (91.5 + 74) / 2 = 82.75; no key task list for 2026: nothing about key tasks
    assert _built(table)[KEY] == (
        "2026年第三季度，全区对2个单位开展季度考核评估，平均得分82.75分，最高为湖塘镇91.5分，最低为洛阳镇74分。")
