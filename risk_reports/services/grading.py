"""Grading a risk point (RULES.md §8): the score of the method's factors and the class its bands give."""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import METHOD_FACTORS, GradingBand, GradingMethod, GradingScale, plain


def risk_grade(*, method, values):
    """``(score, level)`` for ``values`` (``{"L": 3, "E": 6, "C": 7}`` for LEC, ``{"L": 3, "S": 4}`` for
    LS): each factor's value must be one of the method's scale (``GradingScale``), the class is the
    highest band that admits the product. Two queries. Raises ``ValidationError`` in Chinese naming
    the factor and the values it may take."""
    if method not in GradingMethod.values:
        raise ValidationError({"method": _("Unknown grading method.")})
    scales = {}
    for factor, value in GradingScale.objects.filter(method=method).values_list("factor", "value"):
        scales.setdefault(factor, []).append(value)
    errors, score = {}, Decimal(1)
    for factor in METHOD_FACTORS[GradingMethod(method)]:
        allowed = sorted(scales.get(factor, []), reverse=True)
        try:
            value = Decimal(str(values.get(factor)))
        except (InvalidOperation, TypeError, ValueError):
            value = None
        if value is None or value not in allowed:
            errors[factor] = _("%(factor)s must be one of %(values)s.") % {
                "factor": factor, "values": "、".join(plain(v) for v in allowed)}
            continue
        score *= value
    if errors:
        raise ValidationError(errors)
    for band in GradingBand.objects.filter(method=method).order_by("-lower"):
        if band.admits(score):
            return score, band.level
    raise ValidationError(_("No grading band takes the score %(score)s: the bureau's bands leave it out.") % {
        "score": plain(score)})
