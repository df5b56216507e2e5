"""The bureau's edits of the risk control dictionary and of the grading methods (RULES.md §8).

A category is held to the standard by ``RiskCategory.clean()`` (three factors, GB 6441 accident
types, measures of the four kinds, three check items). Points keep their own copy of what the
category said, so an edit here never touches a point; a category points use is taken out of use
(``category_deactivate``), never deleted, and may be put back.

A method's scale (the values each factor may take) and its bands (the lowest score of each class)
are checked as a whole before anything is written: values positive, each factor keeps at least one
value, and the bands strictly ordered red > orange > yellow > blue. Every service asks
``scope.require(by, manage_risk_dictionary)`` first; bad input raises a Chinese ``ValidationError``
and changes nothing."""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from portal.accounts import capabilities as caps
from portal.accounts import scope

from ..models import METHOD_FACTORS, GradingBand, GradingMethod, GradingScale, RiskCategory, RiskLevel, plain
from ..models.dictionary import MEASURE_KIND_CODES

TEXT_MAX = 200  # one factor, measure or check item: a line, not an essay
BAND_ORDER = (RiskLevel.RED, RiskLevel.ORANGE, RiskLevel.YELLOW, RiskLevel.BLUE)  # highest first
SCALE_MAX = Decimal("9999.99")  # GradingScale.value: 6 digits, 2 decimals
BAND_MAX = Decimal("99999999.99")  # GradingBand.lower: 10 digits, 2 decimals
_UNSET = object()


# -- categories --------------------------------------------------------------------------------------
def _lines(value, field, errors):
    """A list of texts, stripped, blanks dropped; a line over ``TEXT_MAX`` is an error of ``field``."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        errors.setdefault(field, []).append(_("Give a list of texts."))
        return []
    texts = [v.strip() for v in value if v.strip()]
    long = [i for i, v in enumerate(texts, 1) if len(v) > TEXT_MAX]
    if long:
        errors.setdefault(field, []).append(
            _("Line %(line)s is longer than %(max)s characters.") % {"line": long[0], "max": TEXT_MAX})
    return texts


def _measures(value, errors):
    if not isinstance(value, dict):
        errors.setdefault("measures", []).append(_("Give control measures of all four kinds: engineering, "
                                                   "management, personal protection and emergency."))
        return {}
    unknown = sorted(set(value) - set(MEASURE_KIND_CODES))
    if unknown:
        errors.setdefault("measures", []).append(
            _("Unknown kind of control measure: %(kinds)s.") % {"kinds": "、".join(map(str, unknown))})
    return {kind: _lines(value[kind], "measures", errors) for kind in MEASURE_KIND_CODES if kind in value}


def _accident_types(value, errors):
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        errors.setdefault("accident_types", []).append(_("Pick the accident types from the 20 of GB 6441."))
        return []
    return list(dict.fromkeys(v.strip() for v in value if v.strip()))


def _free_code():
    taken = set(RiskCategory.objects.filter(code__startswith="custom-").values_list("code", flat=True))
    n = RiskCategory.objects.count() + 1
    while f"custom-{n}" in taken:
        n += 1
    return f"custom-{n}"


def _apply(category, fields):
    """Set the given fields on ``category`` (normalised), then hold it to the standard (``full_clean``)."""
    errors = {}
    for name, value in fields.items():
        if name in ("factors", "check_items"):
            value = _lines(value, name, errors)
        elif name == "accident_types":
            value = _accident_types(value, errors)
        elif name == "measures":
            value = _measures(value, errors)
        elif name in ("name", "code") and isinstance(value, str):
            value = value.strip()
        elif name == "domain" and value == "":
            value = None
        setattr(category, name, value)
    try:
        # the lists are the standard's (``clean``), said once in its words, not also "may not be blank"
        category.full_clean(exclude=["factors", "accident_types", "measures", "check_items"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def category_create(*, by, name, typical_level, cycle, factors, accident_types, measures, check_items,
                    domain=None, code="", order=None):
    """A new category of the dictionary (in use). ``code`` empty: one is made (``custom-<n>``);
    ``order`` empty: after the last category."""
    scope.require(by, caps.MANAGE_RISK_DICTIONARY)
    if order is None:
        order = (RiskCategory.objects.aggregate(m=Max("order"))["m"] or 0) + 1
    category = RiskCategory(active=True)
    _apply(category, {"code": (code or "").strip() or _free_code(), "name": name, "domain": domain,
                      "typical_level": typical_level, "cycle": cycle, "factors": factors,
                      "accident_types": accident_types, "measures": measures, "check_items": check_items,
                      "order": order})
    category.save()
    return category


@transaction.atomic
def category_update(*, category, by, name=_UNSET, domain=_UNSET, typical_level=_UNSET, cycle=_UNSET,
                    factors=_UNSET, accident_types=_UNSET, measures=_UNSET, check_items=_UNSET, order=_UNSET):
    """Change what is given of a category (not its code: other records name a category by it). The
    points recorded from it keep their own copy: nothing of theirs changes."""
    scope.require(by, caps.MANAGE_RISK_DICTIONARY, category)
    category = RiskCategory.objects.select_for_update().get(pk=category.pk)
    given = {k: v for k, v in {
        "name": name, "domain": domain, "typical_level": typical_level, "cycle": cycle,
        "factors": factors, "accident_types": accident_types, "measures": measures, "check_items": check_items,
        "order": order}.items() if v is not _UNSET}
    _apply(category, given)
    category.save(update_fields=[*given, "updated_at"])
    return category


def _set_active(category, by, active):
    scope.require(by, caps.MANAGE_RISK_DICTIONARY, category)
    category = RiskCategory.objects.select_for_update().get(pk=category.pk)
    if category.active == active:
        raise ValidationError(_("This category is already in use.") if active else
                              _("This category is already out of use."))
    category.active = active
    category.save(update_fields=["active", "updated_at"])
    return category


@transaction.atomic
def category_deactivate(*, category, by):
    """Take a category out of use: no new point is recorded from it; the points already recorded keep
    it and their copy. Never a delete (points refer to it)."""
    return _set_active(category, by, False)


@transaction.atomic
def category_reactivate(*, category, by):
    return _set_active(category, by, True)


# -- grading scales and bands ------------------------------------------------------------------------
def _method(method):
    if method not in GradingMethod.values:
        raise ValidationError({"method": _("Unknown grading method.")})
    return GradingMethod(method)


def _decimal(value):
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def _scale_value(value, factor):
    """The value as a Decimal, or the Chinese message why it cannot be one of ``factor``'s."""
    number = _decimal(value)
    if number is None:
        return None, _("%(factor)s: %(value)s is not a number.") % {"factor": factor, "value": value}
    if number <= 0:
        return None, _("%(factor)s: a value of the scale is positive (not %(value)s).") % {
            "factor": factor, "value": plain(number)}
    if number > SCALE_MAX or number != number.quantize(Decimal("0.01")):
        return None, _("%(factor)s: a value of the scale is at most %(max)s with two decimals (not %(value)s).") % {
            "factor": factor, "max": plain(SCALE_MAX), "value": plain(number)}
    return number.quantize(Decimal("0.01")), None


def _check_scale(method, scale):
    """``scale``: ``{factor: [(value, meaning), ...]}`` for every factor of ``method``. Returns it
    with Decimal values, or raises ``{"scale": [...]}``."""
    messages = []
    checked = {}
    for factor in METHOD_FACTORS[method]:
        rows = scale.get(factor) or []
        if not rows:
            messages.append(_("%(factor)s keeps at least one value.") % {"factor": factor})
            continue
        seen, out = set(), []
        for value, meaning in rows:
            number, problem = _scale_value(value, factor)
            meaning = (meaning or "").strip() if isinstance(meaning, str) else ""
            if problem:
                messages.append(problem)
                continue
            if number in seen:
                messages.append(_("%(factor)s: the value %(value)s is given twice.") % {
                    "factor": factor, "value": plain(number)})
            if not meaning:
                messages.append(_("%(factor)s = %(value)s: say what the value means.") % {
                    "factor": factor, "value": plain(number)})
            elif len(meaning) > 100:
                messages.append(_("%(factor)s = %(value)s: the meaning is longer than 100 characters.") % {
                    "factor": factor, "value": plain(number)})
            seen.add(number)
            out.append((number, meaning))
        checked[factor] = out
    unknown = sorted(set(scale) - set(METHOD_FACTORS[method]))
    if unknown:
        messages.append(_("%(method)s has no factor %(factors)s.") % {
            "method": method.label, "factors": "、".join(map(str, unknown))})
    if messages:
        raise ValidationError({"scale": messages})
    return checked


def _check_bands(method, bands):
    """``bands``: ``{level: (lower, inclusive)}`` for the four classes; lower bounds not negative and
    strictly falling from red to blue. Returns them with Decimal bounds, or raises ``{"bands": [...]}``."""
    messages, checked = [], {}
    for level in BAND_ORDER:
        if level not in bands:
            messages.append(_("Give the lower bound of %(level)s.") % {"level": level.label})
            continue
        lower, inclusive = bands[level]
        number = _decimal(lower)
        if number is None or number < 0 or number > BAND_MAX or number != number.quantize(Decimal("0.01")):
            messages.append(_("The lower bound of %(level)s is a number from 0 to %(max)s with two decimals.") % {
                "level": level.label, "max": plain(BAND_MAX)})
            continue
        checked[level] = (number.quantize(Decimal("0.01")), bool(inclusive))
    unknown = sorted(set(bands) - set(RiskLevel.values))
    if unknown:
        messages.append(_("Unknown class: %(levels)s.") % {"levels": "、".join(map(str, unknown))})
    if not messages:
        for higher, lower in zip(BAND_ORDER, BAND_ORDER[1:]):
            if checked[higher][0] <= checked[lower][0]:
                messages.append(_("The lower bound of %(higher)s (%(a)s) must be above that of %(lower)s (%(b)s).") % {
                    "higher": higher.label, "a": plain(checked[higher][0]),
                    "lower": lower.label, "b": plain(checked[lower][0])})
    if messages:
        raise ValidationError({"bands": messages})
    return checked


def _current_scale(method):
    scale = {}
    for row in GradingScale.objects.select_for_update().filter(method=method).order_by("factor", "-value"):
        scale.setdefault(row.factor, []).append(row)
    return scale


def _current_bands(method):
    return {row.level: row for row in GradingBand.objects.select_for_update().filter(method=method)}


@transaction.atomic
def grading_method_save(*, method, by, scale, bands):
    """Save a method's whole scale and bands at once (the grading page's form): ``scale`` is
    ``{factor: [(value, meaning), ...]}`` for each of its factors, ``bands`` ``{level: (lower,
    inclusive)}`` for the four classes. A value kept keeps its row (and id); a value left out is
    deleted. Points already graded keep their score and class: a new scale counts from the next
    grading."""
    scope.require(by, caps.MANAGE_RISK_DICTIONARY)
    method = _method(method)
    errors = {}
    checked_scale = checked_bands = None
    try:
        checked_scale = _check_scale(method, scale if isinstance(scale, dict) else {})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        checked_bands = _check_bands(method, bands if isinstance(bands, dict) else {})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    current = _current_scale(method)
    for factor, rows in checked_scale.items():
        existing = {row.value: row for row in current.get(factor, [])}
        wanted = dict(rows)
        GradingScale.objects.filter(pk__in=[r.pk for v, r in existing.items() if v not in wanted]).delete()
        for value, meaning in rows:
            row = existing.get(value)
            if row is None:
                GradingScale.objects.create(method=method, factor=factor, value=value, meaning=meaning)
            elif row.meaning != meaning:
                row.meaning = meaning
                row.save(update_fields=["meaning"])
    current_bands = _current_bands(method)
    for level, (lower, inclusive) in checked_bands.items():
        row = current_bands.get(level) or GradingBand(method=method, level=level)
        row.lower, row.inclusive = lower, inclusive
        row.save()
    return checked_scale, checked_bands


@transaction.atomic
def grading_scale_save(*, by, method, factor, value, meaning, scale=None):
    """Add a value to a factor's scale, or (``scale`` given) change one: the method's whole scale is
    checked as it would be after the change."""
    scope.require(by, caps.MANAGE_RISK_DICTIONARY, scale)
    method = _method(method)
    if factor not in METHOD_FACTORS[method]:
        raise ValidationError({"factor": _("%(method)s has no factor %(factors)s.") % {
            "method": method.label, "factors": factor}})
    current = _current_scale(method)
    if scale is not None:
        scale = GradingScale.objects.select_for_update().get(pk=scale.pk)
        if (scale.method, scale.factor) != (method, factor):
            raise ValidationError({"factor": _("A value stays with its method and factor: add a new value "
                                               "instead.")})
    proposed = {f: [(r.value, r.meaning) for r in rows if scale is None or r.pk != scale.pk]
                for f, rows in current.items()}
    number, problem = _scale_value(value, factor)
    if problem:
        raise ValidationError({"value": problem})
    proposed.setdefault(factor, []).append((number, meaning))
    try:
        checked = _check_scale(method, proposed)
    except ValidationError as exc:
        raise ValidationError({"value": exc.message_dict["scale"]}) from exc
    meaning = dict(checked[factor])[number]
    row = scale or GradingScale(method=method)
    row.factor, row.value, row.meaning = factor, number, meaning
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def grading_scale_delete(*, scale, by):
    """Take a value out of a factor's scale; a factor keeps at least one value."""
    scope.require(by, caps.MANAGE_RISK_DICTIONARY, scale)
    current = _current_scale(scale.method)
    if len(current.get(scale.factor, [])) <= 1:
        raise ValidationError(_("%(factor)s keeps at least one value.") % {"factor": scale.factor})
    GradingScale.objects.filter(pk=scale.pk).delete()


@transaction.atomic
def grading_band_save(*, band, by, lower, inclusive=None):
    """Move a band's lower bound (and whether it is included): the method's four bands stay ordered."""
    scope.require(by, caps.MANAGE_RISK_DICTIONARY, band)
    bands = {row.level: (row.lower, row.inclusive) for row in _current_bands(band.method).values()}
    bands[band.level] = (lower, bands[band.level][1] if inclusive is None else inclusive)
    try:
        checked = _check_bands(GradingMethod(band.method), bands)
    except ValidationError as exc:
        raise ValidationError({"lower": exc.message_dict["bands"]}) from exc
    band = GradingBand.objects.select_for_update().get(pk=band.pk)
    band.lower, band.inclusive = checked[band.level]
    band.save(update_fields=["lower", "inclusive"])
    return band
