"""The rubric figures in the quarter's snapshot (issue 12 item 4): a hand-built Wujin — the district
scores 湖塘镇 80 and 洛阳镇 90 for 2026 Q4, the townships score their enterprises in October and
November — frozen with the snapshot code unchanged; values, numerators, denominators and ranks are
the ones counted by hand, each figure one query, and a problem rule can name them."""
from decimal import Decimal

import pytest

from portal.assessments import services, services_rubrics
from portal.assessments.figures_rubrics import enterprise_score_avg, unit_score
from portal.assessments.models import ProblemRule, RubricForm, SnapshotValue
from portal.figures import registry
from portal.figures.periods import Period
from tests.assessments.rubrics_helpers import fill_unit_form, points_for

pytestmark = pytest.mark.django_db
Q4 = Period.quarter(2026, 4)


@pytest.fixture
def scored(world):
    unit_form = fill_unit_form(by=world.bureau)
    form = services_rubrics.form_current(RubricForm.Kind.ENTERPRISE)
    for region, total in ((world.hutang, 80), (world.luoyang, 90)):
        services_rubrics.score_unit(region=region, kind="quarterly", period=Q4, by=world.bureau,
                                    points=points_for(unit_form, total))
    # a self-score and another quarter count for nothing here
    services_rubrics.score_unit(region=world.hutang, kind="self", period=Period.month(2026, 10), by=world.inspector,
                                points=points_for(unit_form, 100))
    services_rubrics.score_unit(region=world.hutang, kind="quarterly", period=Period.quarter(2026, 3),
                                by=world.bureau, points=points_for(unit_form, 10))
    for enterprise, month, total in ((world.e_hutang, 10, 70), (world.e_hutang2, 10, 50), (world.e_hutang, 11, 90),
                                     (world.e_luoyang, 10, 80)):
        services_rubrics.score_enterprise(enterprise=enterprise, period=Period.month(2026, month), by=world.bureau,
                                          points=points_for(form, total))
    return world


def test_the_figures_count_by_hand_in_one_query_each(scored, django_assert_num_queries):
    w = scored
    with django_assert_num_queries(1):
        units = unit_score(w.wujin, Q4)
    assert units == {w.hutang.path: registry.Ratio(Decimal("80"), 1), w.luoyang.path: registry.Ratio(Decimal("90"), 1)}
    with django_assert_num_queries(1):
        enterprises = enterprise_score_avg(w.wujin, Q4)
    assert {k: v.value for k, v in enterprises.items()} == {w.hutang.path: 70, w.luoyang.path: 80}  # 210/3, 80/1
    assert unit_score(w.city, Q4) == {}  # the city scored no district
    # below a township, by village: 常州湖塘机械 is in 湖塘村, 常州湖塘纺织 in none
    by_village = enterprise_score_avg(w.hutang, Q4)
    assert by_village[w.village.path].value == 80 and by_village[None].value == 50


def test_the_district_s_snapshot_stores_and_ranks_them(scored):
    w = scored
    snapshot = services.snapshot_compute(region=w.wujin, period=Q4, by=w.bureau)
    rows = {(r.figure, r.region.name): r for r in SnapshotValue.objects.filter(
        snapshot=snapshot, figure__startswith="assessments.").select_related("region")}
    hutang, luoyang = rows[("assessments.unit_score", "湖塘镇")], rows[("assessments.unit_score", "洛阳镇")]
    assert (hutang.value, hutang.numerator, hutang.denominator, hutang.rank) == (80, 80, 1, 2)
    assert (luoyang.value, luoyang.rank) == (90, 1)
    assert rows[("assessments.unit_score", "湟里镇")].value is None
    assert rows[("assessments.unit_score", "湟里镇")].rank is None
    total = rows[("assessments.unit_score", "武进区")]
    assert (total.value, total.numerator, total.denominator) == (None, None, None)  # the city scored it not
    avg = rows[("assessments.enterprise_score_avg", "湖塘镇")]
    assert (avg.value, avg.numerator, avg.denominator, avg.rank) == (70, 210, 3, 2)
    assert rows[("assessments.enterprise_score_avg", "洛阳镇")].rank == 1
    wujin = rows[("assessments.enterprise_score_avg", "武进区")]
    assert (wujin.value, wujin.numerator, wujin.denominator) == (Decimal("72.5"), 290, 4)
    assert hutang.kind == "average" and hutang.higher_is_better


def test_a_problem_rule_names_the_lowest_scored_unit(scored):
    rule = ProblemRule(title="评估得分最低", figure="assessments.unit_score", comparison="lowest", n=1,
                       sentence="季度评估得分最低的是{units}。")
    rule.full_clean()


def test_a_unit_s_own_score_is_the_one_the_level_above_gave_it(scored):
    """``assessments.unit_score`` does not roll up: in the city's snapshot and table, 武进区's row is
    the 70 the city gave it, not its townships' mean (85); the city itself was scored by no one."""
    w = scored
    unit_form = RubricForm.objects.get(pk=services_rubrics.form_current(RubricForm.Kind.UNIT).pk)
    services_rubrics.score_unit(region=w.wujin, kind="quarterly", period=Q4, by=w.city_staff,
                                points=points_for(unit_form, 70))
    table = registry.table(["assessments.unit_score"], w.city, Q4)
    assert {row.region.name: row["assessments.unit_score"].value for row in table.rows
            if row["assessments.unit_score"].value is not None} == {"武进区": 70}
    assert table.total["assessments.unit_score"].value is None
    wujin_table = registry.table(["assessments.unit_score"], w.wujin, Q4)
    assert wujin_table.total["assessments.unit_score"].value == 70  # its own: the city's score, not 85

    snapshot = services.snapshot_compute(region=w.city, period=Q4, by=w.city_staff)
    rows = {r.region.name: r for r in SnapshotValue.objects.filter(snapshot=snapshot, figure="assessments.unit_score")
            .select_related("region")}
    assert (rows["武进区"].value, rows["武进区"].rank) == (70, 1)
    assert (rows["湖塘镇"].value, rows["洛阳镇"].value) == (80, 90)  # the district's scores of its townships
    assert rows["常州市"].value is None
