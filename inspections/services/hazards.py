"""The hazard life cycle. Every write checks the current stored status under a row lock, so a
second verification of a closed hazard or a transition out of order is refused with a Chinese
message and changes nothing, whichever page or API sent it.

    reported ──plan──▶ rectifying ──submit──▶ submitted ──verify──▶ closed
        │                  ▲                      │
        │                  └──────send back───────┘
        └── (closed on the spot at report time, general hazards only)

Who may take each step is ``scope.can``'s answer, asked first by every service (``PermissionDenied``,
a 403), before the hazard's state (``ValidationError``, a 400): the enterprise's steps (plan,
evidence, extension request) are its principal's or safety manager's (``rectify``); verification
and extension decisions (``verify_hazard``, ``decide_extension``) belong to the hazard's
``verifying_unit`` — the township for general hazards (a township inspector of the enterprise's
township, or bureau staff above it), the district bureau for major ones (挂牌督办).
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Status as EnterpriseStatus
from enterprises.services import enterprise_change_status
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.attachments.services import attachment_create
from portal.rules.services import threshold

from ..models import (Hazard, HazardEvent, HazardExtension, HazardSeverity, HazardSource, HazardStatus,
                      MajorHazardCriterion)

Action = HazardEvent.Action


def _locked(hazard):
    return Hazard.objects.select_for_update().select_related("enterprise__township").get(pk=hazard.pk)


def _event(hazard, action, by, from_status, note=""):
    return HazardEvent.objects.create(hazard=hazard, action=action, from_status=from_status,
                                      to_status=hazard.status, note=note, by=by)


def _require(hazard, *statuses):
    if hazard.status not in statuses:
        raise ValidationError(
            _("This hazard is %(status)s: this step is not possible now.") % {"status": hazard.get_status_display()},
            code="out_of_order")


def _attach(owner, files, by):
    for f in files or ():
        attachment_create(owner=owner, file=f, by=by)


def hazard_may_verify(user, hazard):
    """Whether ``user`` verifies ``hazard`` (and decides its extensions): the township for general
    hazards, the district bureau for major ones; always within the enterprise's current township."""
    return scope.can(user, caps.VERIFY_HAZARD, hazard)


def _verifier_refusal(hazard):
    if hazard.severity == HazardSeverity.MAJOR:
        return _("Major hazards are supervised by the district: only bureau staff responsible for this "
                 "enterprise's township may verify them or decide on extensions.")
    return _("Only the inspectors of this enterprise's township (or the bureau above it) may verify this hazard "
             "or decide on its extensions.")


def _require_verifier(user, hazard, capability=caps.VERIFY_HAZARD):
    scope.require(user, capability, hazard, _verifier_refusal(hazard))


def _require_enterprise(user, hazard):
    scope.require(user, caps.RECTIFY, hazard, _(
        "Only the principal or safety manager of the hazard's enterprise takes this step."))


def _require_inspector(user, hazard):
    scope.require(user, caps.INSPECT, hazard, _("Only inspectors may order production suspended."))


def hazard_require(user, capability, hazard):
    """``PermissionDenied``, saying why in Chinese, unless ``user`` may take a step of ``capability``
    on ``hazard``: what each service checks first, and what a page or an endpoint asks before it
    reads its input (so a step the user may never take is a 403, not a form's errors)."""
    if capability in (caps.VERIFY_HAZARD, caps.DECIDE_EXTENSION):
        _require_verifier(user, hazard, capability)
    elif capability == caps.RECTIFY:
        _require_enterprise(user, hazard)
    elif capability == caps.INSPECT:
        _require_inspector(user, hazard)
    else:
        scope.require(user, capability, hazard)


@transaction.atomic
def hazard_report(*, enterprise, by, description, found_on, deadline, major_criterion=None, location="",
                  source=HazardSource.INSPECTION, inspection=None, item_code="", photos=(), on_the_spot=False):
    """Enter a hazard in the ledger. Picking a major-hazard criterion makes it major (and district
    supervised). ``on_the_spot``: fixed during the visit — closed at once, with a photo."""
    if inspection is None:
        # a failed item of a scan self-check is raised by whoever scans (every employee, who does not
        # report hazards otherwise); every other hazard outside an inspection needs report_hazard
        scope.require(by, caps.SCAN if source == HazardSource.SCAN else caps.REPORT_HAZARD, enterprise)
    else:  # a finding of an inspection or patrol: inspection_submit checked the enterprise
        scope.require(by, caps.PATROL if source == HazardSource.PATROL else caps.INSPECT)
    errors = {}
    today = timezone.localdate()
    if not (description or "").strip():
        errors["description"] = _("Describe the hazard.")
    if found_on is None:
        errors["found_on"] = _("Give the date the hazard was found.")
    elif found_on > today:
        errors["found_on"] = _("The date found cannot be later than today.")
    if deadline is None and not on_the_spot:
        errors["deadline"] = _("Give the rectification deadline.")
    elif deadline is not None and found_on is not None and deadline < found_on:
        errors["deadline"] = _("The rectification deadline cannot be before the date the hazard was found.")
    if major_criterion is not None and not isinstance(major_criterion, MajorHazardCriterion):
        major_criterion = MajorHazardCriterion.objects.filter(pk=major_criterion, active=True).first()
        if major_criterion is None:
            errors["major_criterion"] = _("Unknown major-hazard criterion.")
    severity = HazardSeverity.MAJOR if major_criterion is not None else HazardSeverity.GENERAL
    if on_the_spot:
        if severity == HazardSeverity.MAJOR:
            errors["on_the_spot"] = _("A major hazard is not closed on the spot: it is supervised by the district "
                                      "until verified.")
        if not photos:
            errors["photos"] = _("A hazard rectified on the spot needs a photo of the result.")
    if source == HazardSource.INSPECTION and inspection is None:
        errors["inspection"] = _("A hazard found by an inspection names the inspection.")
    if inspection is not None and inspection.enterprise_id != enterprise.pk:
        errors["inspection"] = _("The inspection is of another enterprise.")
    if errors:
        raise ValidationError(errors)
    hazard = Hazard(
        enterprise=enterprise, township_id=enterprise.township_id, source=source, inspection=inspection,
        item_code=item_code or "", severity=severity, major_criterion=major_criterion,
        description=description.strip(), location=(location or "").strip(), found_on=found_on,
        deadline=deadline if deadline is not None else found_on,
        district_supervised=severity == HazardSeverity.MAJOR, reported_by=by)
    if on_the_spot:
        hazard.on_the_spot = True
        hazard.status = HazardStatus.CLOSED
        hazard.closed_on = found_on
        hazard.closed_by = by
    # clean() says in Chinese what the check constraints guard (the database still enforces them);
    # the related rows were resolved by the caller: no existence query per foreign key
    hazard.full_clean(exclude=["enterprise", "township", "inspection", "major_criterion", "reported_by", "closed_by"],
                      validate_unique=False, validate_constraints=False)
    hazard.save()
    _attach(hazard, photos, by)
    _event(hazard, Action.REPORT, by, "")
    if on_the_spot:
        HazardEvent.objects.create(hazard=hazard, action=Action.CLOSE_ON_SPOT, from_status=HazardStatus.REPORTED,
                                   to_status=HazardStatus.CLOSED, by=by)
    return hazard


FIVE_IN_PLACE = ("responsible_person", "measures", "funds", "emergency_plan")


@transaction.atomic
def hazard_plan(*, hazard, by, responsible_person, measures, funds, emergency_plan):
    """The enterprise puts the five in place (responsibility, measures, funds, deadline — set when
    reported, moved only by an extension — and the interim emergency measures): reported → rectifying.
    A plan may be revised while rectifying."""
    hazard = _locked(hazard)
    _require_enterprise(by, hazard)
    _require(hazard, HazardStatus.REPORTED, HazardStatus.RECTIFYING)
    errors = {}
    if not (responsible_person or "").strip():
        errors["responsible_person"] = _("Name the person responsible for the rectification.")
    if not (measures or "").strip():
        errors["measures"] = _("Describe the rectification measures.")
    if funds is None:
        errors["funds"] = _("Give the funds set aside (0 if none are needed).")
    elif funds < 0:
        errors["funds"] = _("The funds cannot be negative.")
    if not (emergency_plan or "").strip():
        errors["emergency_plan"] = _("Describe the safety measures in force until the hazard is fixed.")
    if errors:
        raise ValidationError(errors)
    before = hazard.status
    hazard.responsible_person, hazard.measures = responsible_person.strip(), measures.strip()
    hazard.funds, hazard.emergency_plan = funds, emergency_plan.strip()
    hazard.status = HazardStatus.RECTIFYING
    hazard.full_clean()
    hazard.save(update_fields=[*FIVE_IN_PLACE, "status", "updated_at"])
    _event(hazard, Action.PLAN, by, before)
    return hazard


@transaction.atomic
def hazard_submit(*, hazard, by, note, evidence):
    """The enterprise reports the hazard fixed, with evidence (photos or a PDF): rectifying → submitted."""
    hazard = _locked(hazard)
    _require_enterprise(by, hazard)
    _require(hazard, HazardStatus.RECTIFYING)
    errors = {}
    if not (note or "").strip():
        errors["note"] = _("Say what was done.")
    if not evidence:
        errors["evidence"] = _("Upload at least one photo or document showing the rectification.")
    if errors:
        raise ValidationError(errors)
    hazard.status = HazardStatus.SUBMITTED
    hazard.save(update_fields=["status", "updated_at"])
    event = _event(hazard, Action.SUBMIT, by, HazardStatus.RECTIFYING, note.strip())
    _attach(event, evidence, by)
    return hazard


@transaction.atomic
def hazard_verify(*, hazard, by, note="", on=None):
    """Verified fixed: submitted → closed, by the township (general) or the district (major)."""
    hazard = _locked(hazard)
    _require_verifier(by, hazard)
    if hazard.status == HazardStatus.CLOSED:
        raise ValidationError(_("This hazard has already been verified closed."), code="already_closed")
    _require(hazard, HazardStatus.SUBMITTED)
    hazard.status = HazardStatus.CLOSED
    hazard.closed_on = on or timezone.localdate()
    hazard.closed_by = by
    hazard.save(update_fields=["status", "closed_on", "closed_by", "updated_at"])
    # a request still pending is moot once the hazard is closed
    hazard.extensions.filter(status=HazardExtension.Status.PENDING).update(
        status=HazardExtension.Status.REFUSED, decided_by=by, decided_at=timezone.now(),
        decision_note=_("The hazard was verified closed."))
    _event(hazard, Action.VERIFY, by, HazardStatus.SUBMITTED, (note or "").strip())
    return hazard


@transaction.atomic
def hazard_send_back(*, hazard, by, reason):
    """Not fixed as reported: submitted → rectifying, with the reason the enterprise reads."""
    hazard = _locked(hazard)
    _require_verifier(by, hazard)
    _require(hazard, HazardStatus.SUBMITTED)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the rectification is sent back.")})
    hazard.status = HazardStatus.RECTIFYING
    hazard.save(update_fields=["status", "updated_at"])
    _event(hazard, Action.SEND_BACK, by, HazardStatus.SUBMITTED, reason.strip())
    return hazard


@transaction.atomic
def hazard_extension_request(*, hazard, by, new_deadline, reason):
    hazard = _locked(hazard)
    _require_enterprise(by, hazard)
    _require(hazard, HazardStatus.REPORTED, HazardStatus.RECTIFYING)
    errors = {}
    if new_deadline is None:
        errors["new_deadline"] = _("Give the deadline asked for.")
    elif new_deadline <= hazard.deadline:
        errors["new_deadline"] = _("The deadline asked for must be later than the current one (%(date)s).") % {
            "date": hazard.deadline.isoformat()}
    if not (reason or "").strip():
        errors["reason"] = _("Say why more time is needed.")
    if errors:
        raise ValidationError(errors)
    if hazard.extensions.filter(status=HazardExtension.Status.PENDING).exists():
        raise ValidationError(_("An extension request for this hazard is already waiting for a decision."),
                              code="extension_pending")
    extension = HazardExtension.objects.create(hazard=hazard, old_deadline=hazard.deadline,
                                               new_deadline=new_deadline, reason=reason.strip(), requested_by=by)
    _event(hazard, Action.EXTENSION_REQUEST, by, hazard.status,
           _("Asked for %(date)s: %(reason)s") % {"date": new_deadline.isoformat(), "reason": extension.reason})
    return extension


@transaction.atomic
def hazard_extension_decide(*, extension, by, grant, note=""):
    """Grant (the deadline moves) or refuse a pending request."""
    extension = HazardExtension.objects.select_for_update().get(pk=extension.pk)
    hazard = _locked(extension.hazard)
    _require_verifier(by, hazard, caps.DECIDE_EXTENSION)
    if extension.status != HazardExtension.Status.PENDING:
        raise ValidationError(_("This extension request has already been decided."), code="extension_decided")
    if not hazard.is_open:
        raise ValidationError(_("This hazard is closed: its deadline no longer changes."), code="out_of_order")
    if not grant and not (note or "").strip():
        raise ValidationError({"note": _("Say why the extension is refused.")})
    extension.status = HazardExtension.Status.GRANTED if grant else HazardExtension.Status.REFUSED
    extension.decided_by, extension.decided_at = by, timezone.now()
    extension.decision_note = (note or "").strip()
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if grant:
        hazard.deadline = extension.new_deadline
        hazard.save(update_fields=["deadline", "updated_at"])
    _event(hazard, Action.EXTENSION_GRANT if grant else Action.EXTENSION_REFUSE, by, hazard.status,
           extension.decision_note)
    return extension


@transaction.atomic
def hazard_suspend(*, hazard, by, reason, effective_date=None):
    """Order production suspended until rectified (停产整改): the enterprise's roster status becomes
    suspended, recorded as a roster change (``enterprises.services``)."""
    hazard = _locked(hazard)
    _require_inspector(by, hazard)
    if not hazard.is_open:
        raise ValidationError(_("This hazard is closed: there is nothing to suspend production for."),
                              code="out_of_order")
    if hazard.suspension_ordered:
        raise ValidationError(_("Production has already been suspended for this hazard."), code="already_suspended")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the suspension order.")})
    enterprise = hazard.enterprise
    if enterprise.status == EnterpriseStatus.DEREGISTERED:
        raise ValidationError(_("The enterprise is deregistered."), code="deregistered")
    if enterprise.status != EnterpriseStatus.SUSPENDED:
        enterprise_change_status(enterprise=enterprise, by=by, status=EnterpriseStatus.SUSPENDED,
                                 effective_date=effective_date or timezone.localdate(),
                                 reason=_("Suspended until rectified: %(reason)s") % {"reason": reason.strip()})
    hazard.suspension_ordered = True
    hazard.save(update_fields=["suspension_ordered", "updated_at"])
    _event(hazard, Action.SUSPEND, by, hazard.status, reason.strip())
    return hazard


def hazards_due_soon(queryset, *, today=None, days=None, region=None):
    """Open hazards whose deadline falls within ``days`` days (not yet passed); by default the
    threshold ``inspections.deadline_warning_days`` of ``region``."""
    today = today or timezone.localdate()
    if days is None:
        days = int(threshold("inspections.deadline_warning_days", region=region, on=today))
    return queryset.exclude(status=HazardStatus.CLOSED).filter(
        deadline__gte=today, deadline__lte=today + datetime.timedelta(days=days))


def hazards_overdue(queryset, *, today=None):
    """Open hazards past their deadline."""
    today = today or timezone.localdate()
    return queryset.exclude(status=HazardStatus.CLOSED).filter(deadline__lt=today)
