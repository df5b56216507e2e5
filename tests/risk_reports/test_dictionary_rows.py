"""The shipped dictionary as rows: every category the migration loads passes the model's own check
(the standard the bureau's edits are held to as well), with its key domain linked."""
from django.core.exceptions import ValidationError
import pytest

from risk_reports.dictionary_catalogue import CATEGORIES
from risk_reports.models import RiskCategory

pytestmark = pytest.mark.django_db


def test_every_shipped_category_is_a_row_that_passes_the_standard():
    rows = list(RiskCategory.objects.select_related("domain"))
    assert len(rows) == len(CATEGORIES) >= 80
    for row in rows:
        row.full_clean()
    by_code = {row.code: row for row in rows}
    for c in CATEGORIES:
        assert (by_code[c["code"]].domain.code if by_code[c["code"]].domain_id else "") == c["domain"]


def test_an_edit_below_the_standard_is_refused_in_chinese():
    row = RiskCategory.objects.first()
    row.factors = ["只有一个因素"]
    row.measures = {"engineering": ["设置防护罩"]}
    row.accident_types = ["not_a_type"]
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert error.value.message_dict["factors"] == ["请至少列出三项危险有害因素。"]
    assert set(error.value.message_dict) == {"factors", "measures", "accident_types"}
