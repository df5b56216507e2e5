"""Writes on the roster. Every status or jurisdiction change leaves an ``EnterpriseChange`` with
who, when, why and the date it takes effect."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Enterprise, EnterpriseChange, EnterpriseMembership, Status

JURISDICTION_FIELDS = ("township", "village", "grid_cell")


def derived_key_sector(key_domains):
    """Key sector by default when any of the enterprise's domains counts as one (the city's list)."""
    return any(d.counts_as_key_sector for d in key_domains)


@transaction.atomic
def enterprise_create(*, by, key_domains=(), is_key_sector=None, effective_date=None, reason="", **fields):
    enterprise = Enterprise(**fields)
    enterprise.is_key_sector = derived_key_sector(key_domains) if is_key_sector is None else is_key_sector
    enterprise.full_clean()
    enterprise.save()
    enterprise.key_domains.set(key_domains)
    EnterpriseChange.objects.create(
        enterprise=enterprise, kind=EnterpriseChange.Kind.REGISTERED, to_status=enterprise.status,
        to_township=enterprise.township, effective_date=effective_date or timezone.localdate(),
        reason=reason or _("Entered in the roster"), by=by,
    )
    return enterprise


def _require_change_reason(effective_date, reason):
    errors = {}
    if not effective_date:
        errors["effective_date"] = _("Give the date the change takes effect.")
    elif effective_date > timezone.localdate() + datetime.timedelta(days=366):
        errors["effective_date"] = _("The effective date is more than a year ahead.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the change.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enterprise_update(*, enterprise, by, key_domains=None, effective_date=None, reason="", **fields):
    """Change an enterprise. A new status or township also records a roster change, which then
    needs its effective date and reason."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before_status, before_township_id = enterprise.status, enterprise.township_id
    for name, value in fields.items():
        setattr(enterprise, name, value)
    status_changed = enterprise.status != before_status
    transferred = enterprise.township_id != before_township_id
    if status_changed or transferred:
        _require_change_reason(effective_date, reason)
    enterprise.full_clean()
    enterprise.save()
    if key_domains is not None:
        enterprise.key_domains.set(key_domains)
    if status_changed or transferred:
        EnterpriseChange.objects.create(
            enterprise=enterprise,
            kind=EnterpriseChange.Kind.TRANSFER if transferred else EnterpriseChange.Kind.STATUS,
            from_status=before_status, to_status=enterprise.status,
            from_township_id=before_township_id, to_township=enterprise.township,
            effective_date=effective_date, reason=reason.strip(), by=by,
        )
    return enterprise


def enterprise_change_status(*, enterprise, by, status, effective_date, reason):
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == enterprise.status:
        raise ValidationError({"status": _("The enterprise already has this status.")})
    return enterprise_update(enterprise=enterprise, by=by, status=status, effective_date=effective_date, reason=reason)


def enterprise_transfer(*, enterprise, by, township, effective_date, reason, village=None, grid_cell=None):
    if township.pk == enterprise.township_id:
        raise ValidationError({"township": _("The enterprise is already in this township.")})
    return enterprise_update(enterprise=enterprise, by=by, township=township, village=village, grid_cell=grid_cell,
                             effective_date=effective_date, reason=reason)


@transaction.atomic
def membership_create(*, user, enterprise, position):
    membership = EnterpriseMembership(user=user, enterprise=enterprise, position=position)
    membership.full_clean()
    membership.save()
    return membership
