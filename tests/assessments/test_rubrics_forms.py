"""The two assessment forms as data (issue 12 item 1): shipped from RULES.md §2 and §3, the unit
form incomplete until the bureau writes its row 8, versioned so that a score keeps the form it used,
and items filled from a registered figure by a rule that is data."""
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
import pytest

from portal.assessments import services_rubrics as services
from portal.assessments.models import RubricForm, Score
from portal.figures import registry
from portal.figures.periods import Period
from portal.rules.services import threshold
from tests.assessments.rubrics_helpers import fill_unit_form, points_for

pytestmark = pytest.mark.django_db
OCTOBER = Period.month(2026, 10)


def test_the_shipped_enterprise_form_is_rules_2_and_complete():
    form = services.form_current(RubricForm.Kind.ENTERPRISE)
    items = form.items_list()
    assert form.version == 1 and len(items) == 12
    assert [int(i.points) for i in items] == [10, 5, 10, 5, 5, 5, 15, 15, 5, 5, 5, 15]
    assert form.total_points == 100 and form.is_complete
    assert (items[0].due_month, items[0].due_day) == (2, None) and items[5].due_month is None
    assert items[11].due_month == 10
    assert threshold("assessments.enterprise_pass_mark") == Decimal("60")


def test_the_shipped_unit_form_adds_up_but_row_8_is_the_bureau_s_to_fill_in():
    form = services.form_current(RubricForm.Kind.UNIT)
    items = form.items_list()
    assert [int(i.points) for i in items] == [8, 10, 10, 7, 10, 10, 15, 15, 10, 5]
    assert form.total_points == 100
    assert [i.number for i in items if i.unfilled] == [8]
    assert not form.is_complete and len(form.problems()) == 1 and "8" in form.problems()[0]


def test_an_incomplete_form_scores_nothing(world):
    with pytest.raises(ValidationError) as error:
        services.score_unit(region=world.hutang, kind="self", period=OCTOBER, by=world.inspector,
                            points={n: "1" for n in range(1, 11)})
    assert "8" in " ".join(error.value.messages)
    assert not Score.objects.exists()


def test_a_form_that_does_not_add_up_is_incomplete(world):
    form = services.form_current(RubricForm.Kind.ENTERPRISE)
    items = [{f: getattr(i, f) for f in services.ITEM_FIELDS} for i in form.items_list()]
    items[0]["points"] = "5"
    edited = services.form_edit(form=form, by=world.bureau, title=form.title, items=items)
    assert edited.pk == form.pk and edited.total_points == 95 and not edited.is_complete
    assert "95" in edited.problems()[0]
    with pytest.raises(ValidationError):
        services.score_enterprise(enterprise=world.e_hutang, period=OCTOBER, by=world.inspector,
                                  points={n: "0" for n in range(1, 13)})
    assert not Score.objects.exists()


def test_editing_a_form_in_use_makes_a_new_version_and_the_score_keeps_its_own(world):
    form = services.form_current(RubricForm.Kind.ENTERPRISE)
    score = services.score_enterprise(enterprise=world.e_hutang, period=OCTOBER, by=world.inspector,
                                      points=points_for(form, 88))
    assert score.form == form and score.total == 88
    items = [{f: getattr(i, f) for f in services.ITEM_FIELDS} for i in form.items_list()]
    items[0]["title"], items[0]["points"], items[1]["points"] = "制定并报审专项整治方案", "12", "3"
    new = services.form_edit(form=form, by=world.bureau, title="企业评估表（2027）", items=items)
    assert new.pk != form.pk and new.version == 2 and new.is_complete
    form.refresh_from_db()
    assert form.title == "安全生产专项整治情况评估表（企业）" and form.items.get(number=1).points == 10
    score.refresh_from_db()
    assert score.form_id == form.pk and score.total == 88
    assert [line.item.form_id for line in score.lines.select_related("item")] == [form.pk] * 12
    # the old version is no longer edited; the next score uses v2
    with pytest.raises(ValidationError):
        services.form_edit(form=form, by=world.bureau, title="x", items=items)
    nov = services.score_enterprise(enterprise=world.e_hutang, period=Period.month(2026, 11), by=world.inspector,
                                    points=points_for(new, 70))
    assert nov.form_id == new.pk


def test_only_the_bureau_edits_forms_and_a_bad_item_changes_nothing(world):
    form = services.form_current(RubricForm.Kind.UNIT)
    items = [{f: getattr(i, f) for f in services.ITEM_FIELDS} for i in form.items_list()]
    with pytest.raises(PermissionDenied):
        services.form_edit(form=form, by=world.inspector, title=form.title, items=items)
    items[7].update(unfilled=False, title="")  # neither written nor marked to be filled in
    items[2]["points"] = "abc"
    items[3].update(method="figure", figure="nobody.registered", multiplier="1")
    with pytest.raises(ValidationError) as error:
        services.form_edit(form=form, by=world.bureau, title=form.title, items=items)
    assert set(error.value.message_dict) == {"items.7.title", "items.2.points", "items.3.figure"}
    form = services.form_current(RubricForm.Kind.UNIT)
    assert form.version == 1 and len(form.items_list()) == 10 and form.items_list()[7].unfilled


def test_an_item_filled_from_a_figure_by_a_rule_that_is_data(world):
    # "share of enterprises with an accepted risk report × 10 points": a rate figure, 0.1 point per %
    registry.register("ztest.accepted_share", "已受理风险报告企业占比", "%", True,
                      lambda region, period: {world.hutang.path: registry.Rate(3, 4),
                                              world.luoyang.path: registry.Rate(1, 4)}, kind="rate")
    try:
        form = fill_unit_form(by=world.bureau, method="figure", figure="ztest.accepted_share",
                              multiplier="0.2", cap="10")
        assert form.is_complete and form.version == 1
        points = points_for(form, 80)  # hand-scored items: 85 at most; row 8 from the figure
        score = services.score_unit(region=world.hutang, kind="quarterly", period=Period.quarter(2026, 3),
                                    by=world.bureau, points=points)
        line = score.lines.get(item__number=8)
        # 75 % × 0.2 = 15, capped at 10
        assert line.from_figure and line.figure_value == Decimal("75") and line.points == Decimal("10")
        assert score.total == 90
        low = services.score_unit(region=world.luoyang, kind="quarterly", period=Period.quarter(2026, 3),
                                  by=world.bureau, points=points)
        assert low.lines.get(item__number=8).points == 5 and low.total == 85  # 25 % × 0.2
    finally:
        registry.unregister("ztest.accepted_share")


def test_a_month_not_started_is_not_scored(world):
    form = services.form_current(RubricForm.Kind.ENTERPRISE)
    with pytest.raises(ValidationError):
        services.score_enterprise(enterprise=world.e_hutang, period=Period.month(2026, 12), by=world.inspector,
                                  points=points_for(form, 80))
    assert datetime.date(2026, 12, 1) > datetime.date(2026, 11, 16) and not Score.objects.exists()
