"""Administrative penalties: a decision follows an inspection."""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts import capabilities as caps
from portal.accounts import scope

from ..models import Penalty


def _refusal():
    return _("Only inspectors decide administrative penalties.")


@transaction.atomic
def penalty_create(*, inspection, by, decided_on, violation, legal_basis, fine, decision_number="",
                   status=Penalty.Status.DECIDED):
    scope.require(by, caps.PENALISE, inspection, _refusal())
    errors = {}
    try:
        fine = Decimal(str(fine))
    except (InvalidOperation, TypeError, ValueError):
        errors["fine"] = _("Give the fine in yuan (0 if none).")
    else:
        if fine < 0:
            errors["fine"] = _("The fine cannot be below zero.")
    if decided_on is None:
        errors["decided_on"] = _("Give the date of the decision.")
    elif decided_on > timezone.localdate():
        errors["decided_on"] = _("The decision date cannot be later than today.")
    elif decided_on < inspection.inspected_on:
        errors["decided_on"] = _("The decision cannot precede the inspection (%(date)s).") % {
            "date": inspection.inspected_on.isoformat()}
    if not (violation or "").strip():
        errors["violation"] = _("Describe the violation.")
    if not (legal_basis or "").strip():
        errors["legal_basis"] = _("Give the legal basis of the penalty.")
    if status not in Penalty.Status.values:
        errors["status"] = _("Unknown status.")
    if errors:
        raise ValidationError(errors)
    penalty = Penalty(inspection=inspection, enterprise_id=inspection.enterprise_id, township_id=inspection.township_id,
                      decided_on=decided_on, violation=violation.strip(), legal_basis=legal_basis.strip(), fine=fine,
                      decision_number=(decision_number or "").strip(), status=status, created_by=by)
    penalty.full_clean()
    penalty.save()
    return penalty


@transaction.atomic
def penalty_set_status(*, penalty, by, status):
    scope.require(by, caps.PENALISE, penalty, _refusal())
    penalty = Penalty.objects.select_for_update().get(pk=penalty.pk)
    if status not in Penalty.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if penalty.status == Penalty.Status.REVOKED:
        raise ValidationError(_("A revoked penalty cannot change again."), code="revoked")
    if status == penalty.status:
        raise ValidationError(_("The penalty already has this status."), code="no_change")
    penalty.status = status
    penalty.save(update_fields=["status"])
    return penalty
