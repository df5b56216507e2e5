"""Recording an enterprise's risk points and grading them (RULES.md §8): one point, points in bulk
from the dictionary, a workshop's points copied to another, edits of a point's own copy, a
re-grade, retiring a point, and the enterprise's shifts. A deregistered enterprise's points do not
change; each write is all or nothing."""
from decimal import Decimal
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Status
from portal.accounts import capabilities as caps
from portal.accounts import scope

from .. import rollups
from ..models import (METHOD_FACTORS, ChanganCode, CheckCycle, GradingBasis, GradingMethod, RiskLevel, RiskPoint,
                      ShiftSchedule, plain)
from .codes import code_issue, code_revoke
from .grading import risk_grade
from .reports import change_report_offer


def grading_of(*, basis, values=None, level=None, level_reason=""):
    """``{basis, grading_values, score, level, level_reason}`` for a point: LEC or LS from the factor
    values (``risk_grade``), or a class set by hand with a reason. ``ValidationError`` in Chinese."""
    if basis in (GradingBasis.LEC, GradingBasis.LS):
        score, graded = risk_grade(method=basis, values=values or {})
        factors = METHOD_FACTORS[GradingMethod(basis)]
        # the factors as written on the scale ("3", "0.5"), whatever form they came in ("3.00", 3)
        return {"basis": basis, "grading_values": {k: plain(Decimal(str(values[k]))) for k in factors},
                "score": score.quantize(Decimal("0.01")), "level": graded, "level_reason": (level_reason or "").strip()}
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


def _clean(point, **kwargs):
    """``full_clean``, where a point's copy may be empty (a point recorded without a dictionary
    category has no factors, accident types or measures until the enterprise writes them)."""
    point.full_clean(exclude=[name for name in ("factors", "accident_types", "measures") if not getattr(point, name)],
                     **kwargs)


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
    _clean(point)
    point.save()
    code_issue(point=point, by=point.graded_by)
    return point


# -- editing, grading, retiring --------------------------------------------------------------------------------------
EDITABLE = ("name", "area", "factors", "accident_types", "measures", "responsible_person", "responsible_phone",
            "cycle", "check_items")
# Stored on the rows, so in Chinese whatever the user's language (data, like the import's headers):
# the reason a point created in bulk from the dictionary carries for its first, hand-set class, and
# the reason a retired point's code was revoked.
TYPICAL_CLASS_REASON = "按辞典类别典型等级初定"
RETIRED_REASON = "风险点已停用"


def _locked(point):
    """The point again, locked for the write (read-then-write), with its enterprise."""
    return RiskPoint.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=point.pk)


def _require_live(point):
    _require_open(point.enterprise)
    if point.retired_on is not None:
        raise ValidationError(_("This risk point was retired on %(day)s: it cannot be changed.") % {
            "day": point.retired_on.isoformat()})


def _texts(values):
    return [str(v).strip() for v in (values or []) if str(v).strip()]


@transaction.atomic
def point_update(*, point, by, **changes):
    """Edit the point's own copy (``EDITABLE``: name, area, factors, accident types, measures by kind,
    responsible person and phone, cycle, check items); what is not given stays. The grading is
    ``point_grade``'s."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"point_update cannot change {', '.join(sorted(unknown))}")
    scope.require(by, caps.MANAGE_RISK_POINTS, point)
    point = _locked(point)
    _require_live(point)
    for name, value in changes.items():
        if name in ("name", "area", "responsible_person", "responsible_phone"):
            value = (value or "").strip()
        elif name in ("factors", "check_items"):
            value = _texts(value)
        elif name == "accident_types":
            value = list(dict.fromkeys(value or []))
        elif name == "measures":
            value = {kind: _texts(items) for kind, items in (value or {}).items() if _texts(items)} \
                if isinstance(value, dict) else value
        setattr(point, name, value)
    _clean(point)
    point.save(update_fields=[*changes, "updated_at"])
    if "cycle" in changes:
        # its done cycles of the old cycle no longer count (risk_reports.rollups)
        rollups.rebuild_done_cycles([point.enterprise_id])
    return point


@transaction.atomic
def point_grade(*, point, by, basis, values=None, level=None, level_reason=""):
    """A new grading of the point (after its hazards are closed, or when its conditions change):
    LEC or LS from the factor values, or a class by hand with a reason; who and when are kept."""
    scope.require(by, caps.MANAGE_RISK_POINTS, point)
    point = _locked(point)
    _require_live(point)
    old_level = point.level
    for name, value in grading_of(basis=basis, values=values, level=level, level_reason=level_reason).items():
        setattr(point, name, value)
    point.graded_on = timezone.localdate()
    point.graded_by = by if getattr(by, "pk", None) else None
    _clean(point)
    point.save(update_fields=["basis", "grading_values", "score", "level", "level_reason", "graded_on", "graded_by",
                              "updated_at"])
    change_report_offer(point=point, old_level=old_level)  # risk reports (issue 11 item 1)
    return point


@transaction.atomic
def point_retire(*, point, by, on=None):
    """The point no longer exists on the floor (the equipment is gone, the workshop closed): its life
    ends ``on`` (default today), so it owes no check after it, and its live code is revoked."""
    scope.require(by, caps.MANAGE_RISK_POINTS, point)
    point = _locked(point)
    _require_live(point)
    on = on or timezone.localdate()
    if on < point.created_on:
        raise ValidationError({"retired_on": _("A point cannot be retired before it was recorded (%(day)s).") % {
            "day": point.created_on.isoformat()}})
    if on > timezone.localdate():
        raise ValidationError({"retired_on": _("The retirement date cannot be later than today.")})
    point.retired_on = on
    _clean(point, validate_constraints=False)  # a retired point leaves the name free; nothing to clash
    point.save(update_fields=["retired_on", "updated_at"])
    rollups.rebuild_done_cycles([point.enterprise_id])  # a cycle its retirement cuts short no longer counts
    for code in ChanganCode.objects.filter(point=point, revoked_at__isnull=True):
        code_revoke(code=code, by=by, reason=RETIRED_REASON)
    return point


# -- many points at once --------------------------------------------------------------------------------------------
def _clashes(enterprise, area, names):
    """The names among ``names`` that a live point of ``area`` already has."""
    return list(RiskPoint.objects.filter(enterprise=enterprise, area=area, name__in=names, retired_on__isnull=True)
                .order_by("name").values_list("name", flat=True))


@transaction.atomic
def points_from_categories(*, enterprise, by, area, categories, responsible_person, responsible_phone="",
                           cycle=None):
    """One point of ``area`` per dictionary category, each a copy of its category (named after it,
    checked at ``cycle`` or the category's own), classed by hand at the category's typical class
    until the enterprise grades it. A name the area already has refuses the whole request."""
    scope.require(by, caps.MANAGE_RISK_POINTS, enterprise)
    _require_open(enterprise)
    area = (area or "").strip()
    categories = list(dict.fromkeys(categories or []))
    errors = {}
    if not area:
        errors["area"] = _("Name the workshop or area.")
    if not categories:
        errors["categories"] = _("Pick at least one dictionary category.")
    if not (responsible_person or "").strip():
        errors["responsible_person"] = _("Name the person responsible.")
    if cycle and cycle not in CheckCycle.values:
        errors["cycle"] = _("The check cycle is every shift, day, week, month or quarter.")
    if errors:
        raise ValidationError(errors)
    clashes = _clashes(enterprise, area, [c.name for c in categories])
    if clashes:
        raise ValidationError({"categories": _(
            "“%(area)s” already has risk points named %(names)s: no point was created.") % {
            "area": area, "names": "、".join(clashes)}})
    return [point_create(enterprise=enterprise, by=by, category=category, name=category.name, area=area,
                         cycle=cycle or category.cycle, responsible_person=responsible_person,
                         responsible_phone=(responsible_phone or "").strip(), check_items=category.check_items,
                         basis=GradingBasis.MANUAL, level=category.typical_level,
                         level_reason=TYPICAL_CLASS_REASON)
            for category in categories]


@transaction.atomic
def point_copy(*, enterprise, by, from_area, to_area):
    """The live points of workshop ``from_area`` copied to ``to_area`` (another workshop with the same
    equipment): each copy keeps the original's copy and grading, is graded again today by ``by`` and
    gets its own code. A name ``to_area`` already has refuses the whole copy."""
    scope.require(by, caps.MANAGE_RISK_POINTS, enterprise)
    _require_open(enterprise)
    from_area, to_area = (from_area or "").strip(), (to_area or "").strip()
    if not to_area:
        raise ValidationError({"to_area": _("Name the workshop or area to copy to.")})
    if from_area == to_area:
        raise ValidationError({"to_area": _("Copy to another workshop or area than the one copied from.")})
    sources = list(RiskPoint.objects.filter(enterprise=enterprise, area=from_area, retired_on__isnull=True)
                   .select_related("category").order_by("name"))
    if not sources:
        raise ValidationError({"from_area": _("“%(area)s” has no risk points to copy.") % {"area": from_area}})
    clashes = _clashes(enterprise, to_area, [p.name for p in sources])
    if clashes:
        raise ValidationError({"to_area": _(
            "“%(area)s” already has risk points named %(names)s: no point was copied.") % {
            "area": to_area, "names": "、".join(clashes)}})
    return [point_create(enterprise=enterprise, by=by, category=p.category, name=p.name, area=to_area, cycle=p.cycle,
                         responsible_person=p.responsible_person, responsible_phone=p.responsible_phone,
                         check_items=p.check_items, factors=p.factors, accident_types=p.accident_types,
                         measures=p.measures, basis=p.basis,
                         values={k: Decimal(v) for k, v in p.grading_values.items()},
                         level=p.level, level_reason=p.level_reason)
            for p in sources]


# -- the enterprise's shifts ----------------------------------------------------------------------------------------
_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")
MAX_SHIFTS = 4


@transaction.atomic
def shifts_set(*, enterprise, by, starts):
    """Declare the enterprise's shifts by their start times (HH:MM, 1 to 4, each once); a point
    checked every shift owes a check in each (``risk_reports.cycles``)."""
    scope.require(by, caps.MANAGE_RISK_POINTS, enterprise)
    _require_open(enterprise)
    times, bad = [], []
    for text in (str(s).strip() for s in (starts or []) if str(s).strip()):
        match = _TIME.match(text)
        if match is None:
            bad.append(text)
        else:
            times.append(f"{int(match.group(1)):02d}:{match.group(2)}")
    if bad:
        raise ValidationError({"starts": _("Write each start time as HH:MM (e.g. 08:00), not %(values)s.") % {
            "values": "、".join(bad)}})
    if not 1 <= len(times) <= MAX_SHIFTS:
        raise ValidationError({"starts": _("Declare from 1 to %(n)d shifts.") % {"n": MAX_SHIFTS}})
    repeated = sorted({t for t in times if times.count(t) > 1})
    if repeated:
        raise ValidationError({"starts": _("Each shift starts at its own time: %(values)s is repeated.") % {
            "values": "、".join(repeated)}})
    schedule, _created = ShiftSchedule.objects.select_for_update().get_or_create(enterprise=enterprise)
    schedule.starts = sorted(times)
    schedule.save(update_fields=["starts", "updated_at"])
    rollups.rebuild_done_cycles([enterprise.pk])  # a shift it no longer works no longer counts
    return schedule
