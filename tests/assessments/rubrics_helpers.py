"""Shared by tests/assessments/test_rubrics_*.py: points that add up to a chosen total, and the unit
form with its row 8 filled in by the bureau (as shipped it is incomplete)."""
from decimal import Decimal

from portal.assessments import services_rubrics as services
from portal.assessments.models import RubricForm


def points_for(form, total):
    """{item number: points} for the form's hand-scored items adding up to ``total``: full marks,
    then taken off from the last item backwards."""
    items = [i for i in form.items_list() if i.method == "hand"]
    out = {i.number: i.points for i in items}
    missing = sum(out.values(), Decimal("0")) - Decimal(str(total))
    for item in reversed(items):
        take = min(missing, out[item.number])
        out[item.number] -= take
        missing -= take
    assert missing == 0, "the total asked for is more than the hand-scored items give"
    return {n: str(p) for n, p in out.items()}


def fill_unit_form(by=None, **item8):
    """The bureau writes row 8 (the seed's missing item): the unit form becomes complete."""
    form = services.form_current(RubricForm.Kind.UNIT)
    items = []
    for item in form.items_list():
        row = {f: getattr(item, f) for f in services.ITEM_FIELDS}
        if item.number == 8:
            row.update({"title": "重点行业领域专项整治", "unfilled": False, **item8})
        items.append(row)
    return services.form_edit(form=form, by=by, title=form.title, items=items)
