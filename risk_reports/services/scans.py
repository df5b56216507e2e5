"""The scan self-check: recording a scan and the cycle it fills.

``scan_record`` is the write every scan goes through (the submit, the demo's generator writes the
same rows in bulk): the scan with its results, and its (point, cycle) in ``ScanCycle`` once — an
insert that ignores the conflict, so a second scan in a cycle costs one cheap statement and the
figures never read the scans to count done cycles — with its month's roll-up
and the scan's month (``risk_reports.rollups``).
"""
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.models import Status as EnterpriseStatus
from inspections.models import HazardSource
from inspections.services.hazards import hazard_report
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.attachments.services import attachment_create, max_bytes
from portal.rules.services import threshold
from portal.submissions.services import KeyReused, payload_hash, valid_key

from .. import rollups
from ..cycles import cycle_of, tz
from ..models import ChanganCode, CheckCycle, PointHazard, Scan, ShiftSchedule


def shift_starts_of(enterprise):
    """The enterprise's declared shift start times ([] when it declared none). One query."""
    return ShiftSchedule.objects.filter(enterprise=enterprise).values_list("starts", flat=True).first() or []


def scan_record(*, point, code, by, by_principal, done_at, results, client_key, payload_hash, photos=0,
                shift_starts=None):
    """Write one scan of ``point`` and its done cycle. No checks: the caller (``scan_submit``, the
    demo) has checked who scans, the code and the payload, inside its transaction."""
    if shift_starts is None:
        shift_starts = shift_starts_of(point.enterprise)
    start, shift = cycle_of(point.cycle, done_at, shift_starts)
    scan = Scan.objects.create(
        point=point, code=code, enterprise_id=point.enterprise_id, township_id=point.enterprise.township_id,
        by=by, by_principal=by_principal, done_at=done_at, done_on=done_at.astimezone(tz()).date(),
        cycle=point.cycle, cycle_start=start, shift=shift, results=results,
        failed=sum(1 for r in results if not r.get("ok")), photos=photos,
        client_key=client_key, payload_hash=payload_hash)
    rollups.record(point=point, township_id=point.enterprise.township_id, kind=point.cycle, start=start, shift=shift,
                   done_on=scan.done_on, by_principal=by_principal)
    return scan


# -- the submit ------------------------------------------------------------------------------------------------------
# A note on a failed item says what is wrong; 200 characters is what a phone's box takes in one go.
NOTE_MAX = 200
# a phone's clock runs a little ahead; a scan kept in the outbox longer than this is refused
FUTURE_SLACK = datetime.timedelta(minutes=5)
MAX_AGE = datetime.timedelta(days=30)
MAX_PHOTOS = 6
# the one answer to a code that opens nothing for this user: forged, revoked, another enterprise's, a
# deregistered enterprise's, a retired point's — the same words, so the answer tells nothing of the point
CODE_REFUSED = gettext_lazy("This code does not open a check you can make. It may have been replaced: "
                            "ask your safety manager for the point's current code.")


class CodeRefused(Exception):
    """A code that opens nothing for this user (a 404 on the page and in the API)."""

    def __init__(self):
        self.message = str(CODE_REFUSED)
        super().__init__(self.message)


@dataclass(frozen=True)
class Submitted:
    """What a submit answers, the same on the first call and on a replay of its key."""

    scan_id: int
    point_id: int
    failed: int
    hazards: list
    replayed: bool = False

    def body(self):
        return {"id": self.scan_id, "point": self.point_id, "failed": self.failed, "hazards": list(self.hazards)}


def scan_code(*, user, token):
    """The live code ``token`` opens for ``user``, with its point and enterprise (one query), or
    ``CodeRefused``: a forged or revoked token, a code out of the user's scope, a point retired or of a
    deregistered enterprise all look the same."""
    if not isinstance(token, str) or not 8 <= len(token) <= 43:
        raise CodeRefused
    today = timezone.localdate()
    found = (scope.visible(user, ChanganCode.objects.select_related("point__enterprise"))
             .filter(token=token, revoked_at__isnull=True)
             .filter(Q(point__retired_on__isnull=True) | Q(point__retired_on__gt=today))
             .exclude(point__enterprise__status=EnterpriseStatus.DEREGISTERED)
             .first())
    if found is None:
        raise CodeRefused
    return found


def _results(point, results):
    """The results in the point's order of items, or the errors: every item once, ok true or false,
    a note (≤ 200 characters) for a failed item."""
    items = [str(i) for i in point.check_items]
    if not isinstance(results, (list, tuple)) or not all(isinstance(r, dict) for r in results):
        return None, [_("Send one result for each check item.")]
    errors, by_item = [], {}
    for position, result in enumerate(results, start=1):
        item = result.get("item")
        if item not in items:
            errors.append(_("Result %(n)s names “%(item)s”, which is not a check item of this point.")
                          % {"n": position, "item": str(item)[:60]})
            continue
        if item in by_item:
            errors.append(_("“%(item)s” is answered twice.") % {"item": item})
            continue
        ok, note = result.get("ok"), result.get("note") or ""
        if not isinstance(ok, bool):
            errors.append(_("Say whether “%(item)s” passed or failed.") % {"item": item})
            continue
        if not isinstance(note, str):
            errors.append(_("The note on “%(item)s” must be text.") % {"item": item})
            continue
        note = note.strip()
        if not ok and not note:
            errors.append(_("“%(item)s” failed: say what is wrong in its note.") % {"item": item})
        elif len(note) > NOTE_MAX:
            errors.append(_("The note on “%(item)s” is longer than %(max)s characters.") % {"item": item, "max": NOTE_MAX})
        by_item[item] = {"item": item, "ok": ok, "note": note}
    missing = [i for i in items if i not in by_item]
    if missing and not errors:
        errors.append(_("Check every item: %(items)s not answered.") % {"items": "、".join(missing)})
    if errors:
        return None, errors
    return [by_item[i] for i in items], []


def _photo_time(value):
    """The photo's own time as the browser read it (EXIF: wall time in Asia/Shanghai), or None."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        moment = parse_datetime(value.strip().replace(" ", "T", 1))
        if moment is None:
            return None
    else:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, tz())
    return moment


def _payload_hash(*, token, done_at, results, photos, photo_times):
    return payload_hash({"code": token, "done_at": done_at.isoformat() if done_at else None, "results": results,
                         "photos": [[getattr(f, "name", ""), getattr(f, "size", None)] for f in photos],
                         "photo_times": [str(t) if t is not None else "" for t in photo_times]})


def _replay(row, by, digest):
    """The first result of a key, or ``KeyReused`` (another payload or another user: the first result is
    never shown then)."""
    if row["by_id"] != by.pk or row["payload_hash"] != digest:
        raise KeyReused
    hazards = list(PointHazard.objects.filter(scan_id=row["pk"]).order_by("hazard_id").values_list("hazard_id", flat=True))
    return Submitted(scan_id=row["pk"], point_id=row["point_id"], failed=row["failed"], hazards=hazards, replayed=True)


def _first_of(client_key):
    return Scan.objects.filter(client_key=client_key).values("pk", "by_id", "payload_hash", "point_id", "failed").first()


def scan_submit(*, code_token, by, results, done_at, client_key, photos=(), photo_times=()):
    """Record a scan self-check sent from the scan page or the API (its outbox may send it hours later).

    Idempotent by the submission's client key, stored on the scan itself (``Scan.client_key``, unique):
    the same key and payload from the same user returns the first result and writes nothing; the key
    with another payload, or another user's key, raises ``KeyReused`` (409). The portal's generic
    ``portal.submissions.submit_once`` would do the same with a row of its own — a locked read, an
    insert and an update more per scan — and the scan submit is the busiest write of the portal (six
    million a quarter at the seeds' scale, issue 9 "Speed": ≤ 8 queries a submit, auth included), so
    the key lives on the one row the submit writes anyway.

    Queries of a submit without a failed item or a photo, on a day-cycle point: the key's lookup, the
    user's membership (scope, principal or not), the code with its point and enterprise, the scan, its
    cycle. A failed item adds its hazard (``hazard_report``) and the ``PointHazard``; a photo its file."""
    photos, photo_times = list(photos or ()), list(photo_times or ())
    if not valid_key(client_key):
        raise ValidationError({"client_key": _("A submission key (8–64 letters, digits, _ or -) is required.")})
    digest = _payload_hash(token=code_token, done_at=done_at, results=results, photos=photos,
                           photo_times=photo_times)
    first = _first_of(client_key)
    if first is not None:
        return _replay(first, by, digest)
    try:
        return _submit(code_token=code_token, by=by, results=results, done_at=done_at, client_key=client_key,
                       photos=photos, photo_times=photo_times, digest=digest)
    except IntegrityError:
        # the same key sent twice at once (a double tap while the network came back): the other won
        first = _first_of(client_key)
        if first is None:
            raise
        return _replay(first, by, digest)


@transaction.atomic
def _submit(*, code_token, by, results, done_at, client_key, photos, photo_times, digest):
    code = scan_code(user=by, token=code_token)
    point = code.point
    # the code was found through scope.visible (its scope is its point's): no second scope query
    if not scope.can(by, caps.SCAN, point, in_scope=True):
        raise PermissionDenied(_("Only the employees of the point's enterprise make its self-check."))
    errors = {}
    ordered, problems = _results(point, results)
    if problems:
        errors["results"] = problems
    now = timezone.now()
    if not isinstance(done_at, datetime.datetime) or timezone.is_naive(done_at):
        errors["done_at"] = _("Give the time the check was made.")
    elif done_at > now + FUTURE_SLACK:
        errors["done_at"] = _("The time of the check is in the future: check the phone's clock.")
    elif done_at < now - MAX_AGE:
        errors["done_at"] = _("This check was made more than 30 days ago and can no longer be recorded.")
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = _("At most %(n)s photos per check.") % {"n": MAX_PHOTOS}
    else:
        limit = max_bytes()
        big = [getattr(f, "name", "") for f in photos if (getattr(f, "size", 0) or 0) > limit]
        if big:
            errors["photos"] = _("“%(name)s” is larger than %(mb)s MB.") % {"name": big[0], "mb": limit // (1024 * 1024)}
    if errors:
        raise ValidationError(errors)
    member = scope.membership(by)
    scan = scan_record(point=point, code=code, by=by,
                       by_principal=member is not None and member.position == caps.PRINCIPAL,
                       done_at=done_at, results=ordered, client_key=client_key, payload_hash=digest,
                       photos=len(photos),
                       shift_starts=None if point.cycle == CheckCycle.SHIFT else [])
    for index, photo in enumerate(photos):
        attachment = attachment_create(owner=scan, file=photo, by=by)
        taken_at = _photo_time(photo_times[index]) if index < len(photo_times) else None
        if taken_at is not None and attachment.taken_at is None:
            # the browser shrank the photo (dropping its EXIF) after reading its own time
            attachment.taken_at = taken_at
            attachment.save(update_fields=["taken_at"])
    hazards = []
    found_on = min(scan.done_on, timezone.localdate())
    if scan.failed:
        days = int(threshold("risk.scan_hazard_deadline_days", region=point.enterprise.township, on=found_on))
    for result in ordered:
        if result["ok"]:
            continue
        hazard = hazard_report(
            enterprise=point.enterprise, by=by, source=HazardSource.SCAN, found_on=found_on,
            deadline=found_on + datetime.timedelta(days=days),
            description=f"{point.name}：{result['item']}——{result['note']}", location=str(point)[:200])
        PointHazard.objects.create(point=point, hazard=hazard, scan=scan, item=result["item"][:200])
        hazards.append(hazard.pk)
    return Submitted(scan_id=scan.pk, point_id=point.pk, failed=scan.failed, hazards=hazards)
