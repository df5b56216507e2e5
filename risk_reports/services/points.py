"""Recording an enterprise's risk points and grading them (RULES.md §8)."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Status
from portal.accounts import capabilities as caps
from portal.accounts import scope

from ..models import GradingBasis, RiskLevel, RiskPoint
from .codes import code_issue
from .grading import risk_grade


def grading_of(*, basis, values=None, level=None, level_reason=""):
    """``{basis, grading_values, score, level, level_reason}`` for a point: LEC or LS from the factor
    values (``risk_grade``), or a class set by hand with a reason. ``ValidationError`` in Chinese."""
    if basis in (GradingBasis.LEC, GradingBasis.LS):
        score, graded = risk_grade(method=basis, values=values or {})
        return {"basis": basis, "grading_values": {k: str(v) for k, v in (values or {}).items()},
                "score": score, "level": graded, "level_reason": level_reason.strip()}
    if basis == GradingBasis.MANUAL:
        errors = {}
        if level not in RiskLevel.values:
            errors["level"] = _("The class is one of red, orange, yellow and blue.")
        if not (level_reason or "").strip():
            errors["level_reason"] = _("Say why the class is set by hand.")
        if errors:
            raise ValidationError(errors)
        return {"basis": basis, "grading_values": {}, "score": None, "level": level,
                "level_reason": level_reason.strip()}
    raise ValidationError({"basis": _("Grade the point with LEC, the risk matrix, or set its class by hand.")})


def _require_open(enterprise):
    if enterprise.status == Status.DEREGISTERED:
        raise ValidationError(_("The enterprise is deregistered: its risk points cannot be changed."))


@transaction.atomic
def point_create(*, enterprise, by, name, area, cycle, responsible_person, check_items, basis, values=None,
                 level=None, level_reason="", category=None, factors=None, accident_types=None, measures=None,
                 responsible_phone="", created_on=None):
    """Record a risk point of ``enterprise`` and issue its Changan code. What is not given is copied
    from ``category`` (the point keeps its own copy)."""
    scope.require(by, caps.MANAGE_RISK_POINTS, enterprise)
    _require_open(enterprise)
    point = RiskPoint(
        enterprise=enterprise, name=(name or "").strip(), area=(area or "").strip(), category=category,
        factors=list(factors if factors is not None else (category.factors if category else [])),
        accident_types=list(accident_types if accident_types is not None else
                            (category.accident_types if category else [])),
        measures=dict(measures if measures is not None else (category.measures if category else {})),
        check_items=[str(i).strip() for i in check_items if str(i).strip()],
        cycle=cycle, responsible_person=(responsible_person or "").strip(), responsible_phone=responsible_phone,
        graded_on=timezone.localdate(), graded_by=by if getattr(by, "pk", None) else None,
        created_on=created_on or timezone.localdate(),
        **grading_of(basis=basis, values=values, level=level, level_reason=level_reason))
    point.full_clean()
    point.save()
    code_issue(point=point, by=point.graded_by)
    return point
