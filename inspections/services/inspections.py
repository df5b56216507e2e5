"""Submitting an inspection from the field, and correcting one afterwards.

``inspection_submit`` validates everything — officers, checklist answers, every finding — and writes
the inspection, its answers and a hazard per finding in one transaction: a bad finding leaves no
inspection behind. Pages and the API wrap it in ``portal.submissions.submit_once`` so a retried
submission from a phone on a poor connection returns the first inspection instead of a second.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.attachments.services import attachment_create

from ..models import (CheckingLevel, ChecklistItem, ChecklistTemplate, HazardSource, Inspection, InspectionAnswer,
                      InspectionCorrection, InspectionKind, InspectionPlan)
from ..models.inspections import OFFICER_KINDS
from .checklists import checklist_mark_used
from .hazards import hazard_report

Result = InspectionAnswer.Result
RESOLVED_FKS = ["enterprise", "township", "checklist", "plan_item", "campaign", "submitted_by"]


_LEVEL_OF_REGION = {Region.Level.CITY: CheckingLevel.CITY, Region.Level.DISTRICT: CheckingLevel.DISTRICT,
                    Region.Level.TOWNSHIP: CheckingLevel.TOWNSHIP, Region.Level.VILLAGE: CheckingLevel.TOWNSHIP}


def checking_level_for(user):
    """The checking level an inspection by ``user`` takes unless told otherwise: the level of the
    region the user is bound to (a city's staff check at city level, a district bureau's at district
    level). Users bound to no region (a grid member patrols for the township) check at township
    level. No region in the portal is a province: a provincial check is entered with its level."""
    region = scope.bound_region(user) if user is not None else None
    return _LEVEL_OF_REGION.get(region.level if region is not None else None, CheckingLevel.TOWNSHIP)


def _officer_errors(kind, officers):
    if kind not in OFFICER_KINDS:
        return {}
    officers = [(str(n or "").strip(), str(c or "").strip()) for n, c in officers or ()]
    officers = [(n, c) for n, c in officers if n or c]
    if len(officers) != 2 or not all(n and c for n, c in officers):
        return {"officers": _("Name two law-enforcement officers, each with an enforcement certificate number.")}
    if officers[0][1] == officers[1][1]:
        return {"officers": _("The two officers cannot share one certificate number.")}
    return {}


def _answer_errors(checklist, answers):
    """The answers' errors, and the answers as ``{item: (result, note)}``."""
    items = {item.pk: item for item in checklist.items.all()}
    given, errors = {}, []
    for answer in answers or ():
        item_id = getattr(answer.get("item"), "pk", answer.get("item"))
        try:
            item = items[int(item_id)]
        except (KeyError, TypeError, ValueError):
            errors.append(_("An answer refers to an item that is not on this checklist."))
            continue
        if answer.get("result") not in Result.values:
            errors.append(_("Item %(code)s: answer compliant, non-compliant or not applicable.") % {"code": item.code})
            continue
        given[item] = (answer["result"], str(answer.get("note") or "").strip())
    missing = [item.code for item in items.values() if item not in given]
    if missing:
        errors.append(_("Answer every item of the checklist; unanswered: %(codes)s.") % {"codes": "、".join(missing)})
    return errors, given


@transaction.atomic
def inspection_submit(*, enterprise, by, kind, inspected_on, checklist, answers=(), findings=(), officers=(),
                      summary="", plan_item=None, campaign=None, photos=(), checking_level=None):
    """Record a submitted inspection with its checklist answers and findings.

    ``checking_level``: the level of the unit that checked (``CheckingLevel``); by default
    ``checking_level_for(by)``.

    ``answers``: ``[{"item": id, "result": "pass" | "fail" | "na", "note": ""}]``, one per item.
    ``findings``: ``[{"item_code", "description", "location", "deadline", "major_criterion",
    "on_the_spot", "photos"}]``; every non-compliant item needs at least one finding with its code.
    ``officers``: ``[(name, certificate number), (name, certificate number)]`` for officers' kinds."""
    if kind == InspectionKind.PATROL:  # a grid member's round, or an inspector's
        scope.require(by, caps.PATROL, enterprise, _("Only grid members and inspectors submit patrols."))
    else:
        scope.require(by, caps.INSPECT, enterprise, _("Only inspectors may submit inspections."))
    errors = {}
    today = timezone.localdate()
    if kind not in InspectionKind.values:
        errors["kind"] = _("Unknown kind of inspection.")
    if inspected_on is None:
        errors["inspected_on"] = _("Give the date of the inspection.")
    elif inspected_on > today:
        errors["inspected_on"] = _("The inspection date cannot be later than today.")
    errors.update(_officer_errors(kind, officers))
    if not checking_level:
        checking_level = checking_level_for(by)
    elif checking_level not in CheckingLevel.values:
        errors["checking_level"] = _("Pick the checking level: province, city, district or township.")
    given = {}
    if checklist is None:
        errors["checklist"] = _("Pick the checklist the inspection was filled from.")
    elif checklist.status != ChecklistTemplate.Status.PUBLISHED and not checklist.used:
        errors["checklist"] = _("A draft checklist cannot be used: publish it first.")
    else:
        answer_errors, given = _answer_errors(checklist, answers)
        if answer_errors:
            errors["answers"] = answer_errors
    failed = {item.code for item, (result, _note) in given.items() if result == Result.FAIL}
    found_codes = {str(f.get("item_code") or "") for f in findings or ()}
    unexplained = sorted(failed - found_codes)
    if unexplained:
        errors.setdefault("findings", []).append(
            _("Record the hazard found for each non-compliant item; missing: %(codes)s.") % {
                "codes": "、".join(unexplained)})
    stray = sorted(found_codes - failed - {""})
    if stray:
        errors.setdefault("findings", []).append(
            _("A finding names item %(codes)s, which was not answered non-compliant.") % {"codes": "、".join(stray)})
    if plan_item is not None:
        if plan_item.enterprise_id != enterprise.pk:
            errors["plan_item"] = _("The plan item is for another enterprise.")
        elif plan_item.plan.status != InspectionPlan.Status.ACTIVE:
            errors["plan_item"] = _("The plan is not in force.")
    if campaign is not None:
        if not campaign.targets.filter(pk=enterprise.pk).exists():
            errors["campaign"] = _("The enterprise is not a target of this campaign.")
        elif inspected_on is not None and not campaign.start <= inspected_on <= campaign.end:
            errors["campaign"] = _("The inspection date lies outside the campaign's period (%(start)s to %(end)s).") % {
                "start": campaign.start.isoformat(), "end": campaign.end.isoformat()}
    if errors:
        raise ValidationError(errors)

    names = [(str(n or "").strip(), str(c or "").strip()) for n, c in officers or () if n or c] + [("", "")] * 2
    inspection = Inspection(
        kind=kind, enterprise=enterprise, township_id=enterprise.township_id, inspected_on=inspected_on,
        checking_level=checking_level,
        checklist=checklist, plan_item=plan_item, campaign=campaign, summary=(summary or "").strip(),
        officer_1_name=names[0][0], officer_1_certificate=names[0][1],
        officer_2_name=names[1][0], officer_2_certificate=names[1][1], submitted_by=by)
    # the related rows were resolved (and scoped) by the caller: no existence query per foreign key
    inspection.full_clean(exclude=RESOLVED_FKS, validate_unique=False)
    inspection.save()
    if checklist.used_at is None:  # once used, always used: a used version needs no second look
        checklist_mark_used(checklist)
    InspectionAnswer.objects.bulk_create([
        InspectionAnswer(inspection=inspection, item=item, item_code=item.code, result=result, note=note)
        for item, (result, note) in given.items()])
    for f in photos or ():
        attachment_create(owner=inspection, file=f, by=by)
    source = HazardSource.PATROL if kind == InspectionKind.PATROL else HazardSource.INSPECTION
    for number, finding in enumerate(findings or (), start=1):
        try:
            hazard_report(
                enterprise=enterprise, by=by, source=source, inspection=inspection,
                item_code=str(finding.get("item_code") or ""), description=finding.get("description") or "",
                location=finding.get("location") or "", found_on=inspected_on, deadline=finding.get("deadline"),
                major_criterion=finding.get("major_criterion") or None,
                on_the_spot=bool(finding.get("on_the_spot")), photos=finding.get("photos") or ())
        except ValidationError as exc:
            messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            raise ValidationError({"findings": [
                _("Finding %(n)d: %(message)s") % {"n": number, "message": m}
                for ms in messages.values() for m in ms]}) from None
    return inspection


CORRECTABLE = ("inspected_on", "checking_level", "summary", "officer_1_name", "officer_1_certificate",
               "officer_2_name", "officer_2_certificate", "plan_item", "campaign")


@transaction.atomic
def inspection_correct(*, inspection, by, reason, **fields):
    """Change a submitted inspection; each changed field is recorded with its before and after value."""
    scope.require(by, caps.INSPECT, inspection, _("Only inspectors may correct inspections."))
    unknown = set(fields) - set(CORRECTABLE)
    if unknown:
        raise ValidationError(_("These fields cannot be corrected: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    changes = {}
    for name, value in fields.items():
        before = getattr(inspection, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
            setattr(inspection, name, value)
    if not changes:
        raise ValidationError(_("Nothing was changed."), code="no_change")
    if inspection.inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": _("The inspection date cannot be later than today.")})
    errors = _officer_errors(inspection.kind, inspection.officers_raw())
    if errors:
        raise ValidationError(errors)
    inspection.full_clean()
    inspection._correcting = True
    try:
        inspection.save(update_fields=[f for f in fields if f in changes])
    finally:
        inspection._correcting = False
    return InspectionCorrection.objects.create(inspection=inspection, changes=changes, reason=reason.strip(), by=by)


def _plain(value):
    if hasattr(value, "pk"):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def checklist_items_for(checklist):
    """The items of a checklist version in order (the form's questions)."""
    return ChecklistItem.objects.filter(template=checklist).order_by("order", "code")
