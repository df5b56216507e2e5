"""Writes on the roster. Every status or jurisdiction change leaves an ``EnterpriseChange`` with
who, when, why and the date it takes effect; so does a change of the data enforcement targets by
(``EnterpriseChange.TARGETING_FIELDS``), which an enterprise's own users may make."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts import capabilities as caps
from portal.accounts import scope

from .models import STATE_KINDS, ChemicalStorageSite, Enterprise, EnterpriseChange, EnterpriseMembership, Status

JURISDICTION_FIELDS = ("township", "village", "grid_cell")
# Fields an enterprise's own principal or safety manager may change (never jurisdiction or status).
SELF_FILED_FIELDS = ["address", "principal_name", "principal_phone", "dust_workers_per_shift",
                     "safety_section_established"]


def _require_editor(by, enterprise, fields, key_domains):
    """Supervisors change every field (``manage_roster``); the enterprise's principal or safety
    manager only what it files itself (``edit_own_enterprise``)."""
    if by is None or scope.can(by, caps.MANAGE_ROSTER, enterprise):
        return
    if key_domains is None and set(fields) <= set(SELF_FILED_FIELDS):
        scope.require(by, caps.EDIT_OWN_ENTERPRISE, enterprise)
        return
    if scope.can(by, caps.EDIT_OWN_ENTERPRISE, enterprise):
        raise PermissionDenied(_("An enterprise changes only the fields it files itself: %(fields)s.") % {
            "fields": "、".join(str(Enterprise._meta.get_field(f).verbose_name) for f in SELF_FILED_FIELDS)})
    scope.require(by, caps.MANAGE_ROSTER, enterprise)


def derived_key_sector(key_domains):
    """Key sector by default when any of the enterprise's domains counts as one (the city's list)."""
    return any(d.counts_as_key_sector for d in key_domains)


@transaction.atomic
def enterprise_create(*, by, key_domains=(), is_key_sector=None, effective_date=None, reason="", **fields):
    if fields.get("township") is not None:  # an enterprise of a township the user supervises
        scope.require_within(by, caps.MANAGE_ROSTER, fields["township"])
    else:  # a missing township is the form's error
        scope.require(by, caps.MANAGE_ROSTER)
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


def _require_change_reason(enterprise, effective_date, reason):
    errors = {}
    if not effective_date:
        errors["effective_date"] = _("Give the date the change takes effect.")
    elif effective_date > timezone.localdate():
        # the roster records what has happened: a change dated ahead would show today a state that
        # does not hold yet
        errors["effective_date"] = _("The effective date cannot be later than today.")
    else:
        # The roster on a past date is the latest change effective by then (models.state_on): a
        # change back-dated before the last one would rewrite that history with today's township.
        last = (enterprise.changes.filter(kind__in=STATE_KINDS).order_by("-effective_date")
                .values_list("effective_date", flat=True).first())
        if last and effective_date < last:
            errors["effective_date"] = _(
                "The last roster change of this enterprise took effect on %(date)s: a new change cannot "
                "take effect before it.") % {"date": last.isoformat()}
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the change.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def enterprise_update(*, enterprise, by, key_domains=None, effective_date=None, reason="", **fields):
    """Change an enterprise. A new status or township also records a roster change, which then
    needs its effective date and reason; new key domains record one too (seed 000 item 1: townships
    report key-sector changes every quarter), effective with the status change or else today."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    _require_editor(by, enterprise, fields, key_domains)
    domains_before = list(enterprise.key_domains.order_by("order", "code")) if key_domains is not None else None
    before_status, before_township_id = enterprise.status, enterprise.township_id
    before_targeting = {name: getattr(enterprise, name) for name in EnterpriseChange.TARGETING_FIELDS}
    for name, value in fields.items():
        setattr(enterprise, name, value)
    status_changed = enterprise.status != before_status
    transferred = enterprise.township_id != before_township_id
    if status_changed or transferred:
        _require_change_reason(enterprise, effective_date, reason)
    enterprise.full_clean()
    enterprise.save()
    if key_domains is not None:
        enterprise.key_domains.set(key_domains)
    # A transfer and a new status at once are two changes, the transfer first: the receiving
    # township's quarterly report then counts a transfer in and (say) a deregistration, which add
    # up to its count at the end of the quarter; one "transfer" row would hide the status change.
    common = {"enterprise": enterprise, "effective_date": effective_date, "reason": reason.strip(), "by": by}
    if transferred:
        EnterpriseChange.objects.create(
            kind=EnterpriseChange.Kind.TRANSFER, from_status=before_status, to_status=before_status,
            from_township_id=before_township_id, to_township=enterprise.township, **common)
    if status_changed:
        EnterpriseChange.objects.create(
            kind=EnterpriseChange.Kind.STATUS, from_status=before_status, to_status=enterprise.status,
            from_township=enterprise.township, to_township=enterprise.township, **common)
    _record_targeting_change(enterprise, by, before_targeting,
                             effective_date if status_changed or transferred else None, reason)
    if key_domains is not None:
        _record_key_domains(enterprise, by, domains_before, common if status_changed or transferred else None)
    return enterprise


def _record_targeting_change(enterprise, by, before, effective_date, reason):
    """A change of the dust workers per shift or the safety-section flag is a roster change for the
    township: the dust sets (≥ 10, ≥ 30 per shift) and the safety-section to-do are drawn from them,
    and the enterprise's own users may change them. It takes effect the day it is recorded (or with
    the status or township change made with it) and leaves the roster's history alone (``STATE_KINDS``)."""
    changed = {name: [old, getattr(enterprise, name)] for name, old in before.items()
               if getattr(enterprise, name) != old}
    if not changed:
        return None
    reason = (reason or "").strip()
    if not reason and by is not None and scope.membership(by) is not None:
        reason = _("Filed by the enterprise")
    return EnterpriseChange.objects.create(
        enterprise=enterprise, kind=EnterpriseChange.Kind.TARGETING, changed_values=changed,
        from_status=enterprise.status, to_status=enterprise.status, from_township=enterprise.township,
        to_township=enterprise.township, effective_date=effective_date or timezone.localdate(), reason=reason,
        by=by)


def _record_key_domains(enterprise, by, before, common):
    """A roster change of kind key domains when the set differs, naming both sets."""
    after = list(enterprise.key_domains.order_by("order", "code"))
    if {d.pk for d in after} == {d.pk for d in before}:
        return
    common = common or {"enterprise": enterprise, "effective_date": timezone.localdate(), "reason": "", "by": by}
    names = lambda domains: "、".join(d.name for d in domains) or "—"  # noqa: E731
    EnterpriseChange.objects.create(
        kind=EnterpriseChange.Kind.KEY_DOMAINS, from_status=enterprise.status, to_status=enterprise.status,
        from_township=enterprise.township, to_township=enterprise.township,
        detail=f"{names(before)} → {names(after)}"[:300], **common)


@transaction.atomic
def enterprise_change_status(*, enterprise, by, status, effective_date, reason):
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    # compared with the stored row, not the caller's copy (which may predate an earlier change)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if status == enterprise.status:
        raise ValidationError({"status": _("The enterprise already has this status.")})
    return enterprise_update(enterprise=enterprise, by=by, status=status, effective_date=effective_date, reason=reason)


@transaction.atomic
def enterprise_transfer(*, enterprise, by, township, effective_date, reason, village=None, grid_cell=None):
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if township.pk == enterprise.township_id:
        raise ValidationError({"township": _("The enterprise is already in this township.")})
    return enterprise_update(enterprise=enterprise, by=by, township=township, village=village, grid_cell=grid_cell,
                             effective_date=effective_date, reason=reason)


@transaction.atomic
def chemical_site_create(*, enterprise, by, **fields):
    """Register a hazardous-chemical storage site of ``enterprise``."""
    # supervisors, or the enterprise's own principal or safety manager
    if by is not None and not scope.may_change(by, enterprise):
        raise PermissionDenied(_("Your account may not take this step."))
    site = ChemicalStorageSite(enterprise=enterprise, **fields)
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def chemical_site_delete(*, site, by):
    if by is not None and not scope.may_change(by, site):
        raise PermissionDenied(_("Your account may not take this step."))
    site.delete()


@transaction.atomic
def membership_create(*, user, enterprise, position):
    membership = EnterpriseMembership(user=user, enterprise=enterprise, position=position)
    membership.full_clean()
    membership.save()
    return membership
