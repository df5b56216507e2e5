"""Changan codes: issuing a point's code (an unguessable token), revoking a lost label's code and
issuing its successor.

A point has at most one live code (the model's constraint ``changan_code_one_live_per_point``); a
revoked code stays as a row, with who revoked it, when and why, so a scan of an old label can be
told apart from a forged token (both are refused) and the code list shows a point's history. A
point that no longer needs checking — retired, or of a deregistered enterprise — gets no new code.
"""
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Status
from portal.accounts import capabilities as caps
from portal.accounts import scope

from ..models import ChanganCode, RiskPoint

REASON_MAX = ChanganCode._meta.get_field("revoke_reason").max_length
MANAGERS_ONLY = gettext_lazy("Only the enterprise's principal or safety manager replaces its codes.")


def new_token():
    """32 URL-safe characters (192 random bits): a code cannot be guessed from another."""
    return secrets.token_urlsafe(24)


def code_issue(*, point, by):
    """A new live code for ``point`` (which has none live): called when a point is recorded. The
    caller has checked ``by`` may manage the point."""
    return ChanganCode.objects.create(point=point, token=new_token(), issued_by=by)


def _actor(by):
    # ``by=None`` is the portal itself (the demo generator): no user to record
    return by if getattr(by, "pk", None) else None


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the code is revoked (e.g. the label was lost or damaged).")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("The reason is at most %(n)d characters.") % {"n": REASON_MAX}})
    return reason


def _revoke(code, by, reason):
    code.revoked_at = timezone.now()
    code.revoked_by = _actor(by)
    code.revoke_reason = reason
    code.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return code


@transaction.atomic
def code_revoke(*, code, by, reason):
    """Revoke ``code`` (its label no longer opens anything) without issuing another: the point's
    label is gone for good, or it will be reissued later."""
    scope.require(by, caps.MANAGE_RISK_POINTS, code, message=MANAGERS_ONLY)
    reason = _reason(reason)
    code = ChanganCode.objects.select_for_update().get(pk=code.pk)
    if code.revoked_at is not None:
        raise ValidationError(_("This code was already revoked."))
    return _revoke(code, by, reason)


@transaction.atomic
def code_reissue(*, point, by, reason):
    """Revoke the point's live code (if any) with ``reason`` and issue a new one, in one step: the
    old label stops working the moment the new one exists. The point's row is locked, so two
    people reissuing at once make one new code, not a constraint error."""
    scope.require(by, caps.MANAGE_RISK_POINTS, point, message=MANAGERS_ONLY)
    reason = _reason(reason)
    point = RiskPoint.objects.select_for_update().select_related("enterprise").get(pk=point.pk)
    if point.enterprise.status == Status.DEREGISTERED:
        raise ValidationError(_("The enterprise is deregistered: its risk points get no new code."))
    if point.retired_on is not None:
        raise ValidationError(_("This risk point is retired: it gets no new code."))
    for code in ChanganCode.objects.select_for_update().filter(point=point, revoked_at__isnull=True):
        _revoke(code, by, reason)
    return code_issue(point=point, by=_actor(by))
