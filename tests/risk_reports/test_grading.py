"""Grading a risk point by method (RULES.md §8): LEC D = L × E × C and the LS matrix R = L × S, with
the scales and bands shipped as data the bureau may change; a value outside a method's scale is
refused in Chinese and nothing is graded."""
from decimal import Decimal

from django.core.exceptions import ValidationError
import pytest

from risk_reports.models import GradingBand, GradingScale
from risk_reports.services import risk_grade

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("values, score, level", [
    ({"L": 6, "E": 6, "C": 15}, 540, "red"),        # > 320
    ({"L": 3, "E": 6, "C": 40}, 720, "red"),
    ({"L": 6, "E": 6, "C": 7}, 252, "orange"),      # 160–320
    ({"L": 10, "E": 2, "C": 15}, 300, "orange"),
    ({"L": 3, "E": 6, "C": 7}, 126, "yellow"),      # 70–159
    ({"L": 1, "E": 10, "C": 7}, 70, "yellow"),      # the band's lower bound is in it
    ({"L": 1, "E": 6, "C": 7}, 42, "blue"),         # 20–69
    ({"L": 0.5, "E": 1, "C": 1}, Decimal("0.5"), "blue"),  # below 20: blue by default
])
def test_lec(values, score, level):
    assert risk_grade(method="lec", values=values) == (Decimal(score), level)


def test_lec_320_is_orange_and_above_it_red():
    # 320 itself sits in 160–320; the red band starts above it (its bound is not included)
    band = GradingBand.objects.get(method="lec", level="red")
    assert (band.lower, band.inclusive) == (320, False)
    assert not band.admits(Decimal(320)) and band.admits(Decimal("320.01"))


@pytest.mark.parametrize("values, level", [
    ({"L": 4, "S": 5}, "red"), ({"L": 5, "S": 5}, "red"), ({"L": 3, "S": 5}, "orange"), ({"L": 4, "S": 4}, "orange"),
    ({"L": 3, "S": 3}, "yellow"), ({"L": 2, "S": 4}, "blue"), ({"L": 1, "S": 1}, "blue"),
])
def test_ls(values, level):
    assert risk_grade(method="ls", values=values)[1] == level


def test_the_shipped_scales():
    assert sorted(GradingScale.objects.filter(method="lec", factor="E").values_list("value", flat=True)) == [
        Decimal("0.5"), 1, 2, 3, 6, 10]
    assert GradingScale.objects.filter(method="ls").count() == 10
    assert set(GradingBand.objects.filter(method="lec").values_list("level", flat=True)) == {
        "red", "orange", "yellow", "blue"}


def test_a_value_outside_the_scale_is_refused_naming_what_it_may_be():
    with pytest.raises(ValidationError) as error:
        risk_grade(method="lec", values={"L": 7, "E": 6, "C": 15})
    assert error.value.message_dict == {"L": ["L 的取值应为以下之一：10、6、3、1、0.5、0.2、0.1。"]}
    with pytest.raises(ValidationError) as error:
        risk_grade(method="ls", values={"L": 3})  # S missing
    assert set(error.value.message_dict) == {"S"}
    with pytest.raises(ValidationError):
        risk_grade(method="ls", values={"L": "三", "S": 2})
    with pytest.raises(ValidationError) as error:
        risk_grade(method="hazop", values={})
    assert error.value.message_dict == {"method": ["未知的风险评价方法。"]}


def test_the_bureau_changes_a_band_and_the_class_follows():
    # a stricter bureau: LEC red from 240
    GradingBand.objects.filter(method="lec", level="red").update(lower=240)
    assert risk_grade(method="lec", values={"L": 10, "E": 2, "C": 15}) == (Decimal(300), "red")
    # and a scale value it no longer uses is refused
    GradingScale.objects.filter(method="lec", factor="L", value=Decimal("0.1")).delete()
    with pytest.raises(ValidationError):
        risk_grade(method="lec", values={"L": 0.1, "E": 1, "C": 1})
