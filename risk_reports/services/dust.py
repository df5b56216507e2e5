"""Dust cleaning (RULES.md §6; seed 001 (二)三): key dust sites and their codes, the day's photo
uploaded by scanning a site's code, the township's spot-check and send-back, the holiday duty roster,
and the nightly escalation of missing days (一天提醒、三天督促、七天核查).

Every write checks ``scope`` first, then the record's state, inside one transaction; bad input
raises ``ValidationError`` in Chinese and writes nothing.
"""
import datetime
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from enterprises.models import EnterpriseMembership
from enterprises.models import Status as EnterpriseStatus
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.accounts.models import Role, User
from portal.attachments.services import max_bytes
from portal.notifications.services import notification_build, notifications_send
from portal.sampling.services import sample_draw
from portal.submissions.services import KeyReused, payload_hash, valid_key

from .. import kinds_dust
from ..cycles import tz
from ..models import DustEscalation, DustSite, DustUpload, DutyRoster, EscalationStep, FlagReason
from .codes import new_token
from .images import image_attach
from .scans import FUTURE_SLACK, CodeRefused, _photo_time

MANAGERS_ONLY = gettext_lazy("Only the enterprise's principal or safety manager registers its dust sites.")
NAME_MAX = DustSite._meta.get_field("name").max_length
REASON_MAX = DustUpload._meta.get_field("sent_back_reason").max_length
# a photo kept in the phone's outbox longer than this no longer counts for its day
MAX_AGE = datetime.timedelta(days=7)
# two photos whose 64-bit difference hashes differ in at most this many bits are "the same photo"
# (re-encoded, shrunk, slightly cropped); a new photo of the same clean floor differs in more
REPEAT_DISTANCE = 6


def _dust_enterprise(enterprise):
    return enterprise.key_domains.filter(code="dust").exists()


# -- sites -------------------------------------------------------------------------------------------------------------
@transaction.atomic
def dust_site_create(*, enterprise, by, name, location=""):
    """Register a key dust site of a dust-domain enterprise and issue its code."""
    if by is not None and not scope.can(by, caps.MANAGE_RISK_POINTS, DustSite(enterprise=enterprise),
                                        in_scope=_sees(by, enterprise)):
        raise PermissionDenied(MANAGERS_ONLY)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the dust site (e.g. 抛光车间).")})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _("The name is at most %(n)d characters.") % {"n": NAME_MAX}})
    if enterprise.status == EnterpriseStatus.DEREGISTERED:
        raise ValidationError(_("The enterprise is deregistered: it registers no dust site."))
    if not _dust_enterprise(enterprise):
        raise ValidationError(_("Only an enterprise of the explosive-dust key domain registers dust sites."))
    if DustSite.objects.filter(enterprise=enterprise, name=name, retired_on__isnull=True).exists():
        raise ValidationError({"name": _("This enterprise already has a dust site of this name.")})
    site = DustSite(enterprise=enterprise, name=name, location=(location or "").strip()[:200], token=new_token(),
                    created_on=timezone.localdate(), created_by=by if getattr(by, "pk", None) else None)
    site.full_clean()
    site.save()
    return site


def _sees(user, enterprise):
    from enterprises.models import Enterprise

    return scope.visible(user, Enterprise.objects.filter(pk=enterprise.pk)).exists()


@transaction.atomic
def dust_site_retire(*, site, by, on=None):
    """Retire a site (demolished, no longer dusty): from ``on`` (default today) it is no longer a key
    dust site — no photo is due, none is escalated, its code opens nothing. ``on`` is neither in the
    future nor before the site was registered or the day of its last counting photo."""
    scope.require(by, caps.MANAGE_RISK_POINTS, site, message=MANAGERS_ONLY)
    site = DustSite.objects.select_for_update().get(pk=site.pk)
    if site.retired_on is not None:
        raise ValidationError(_("This dust site is already retired."))
    today = timezone.localdate()
    on = on or max(today, site.created_on)
    if not isinstance(on, datetime.date):
        raise ValidationError({"retired_on": _("Give the day the site was retired.")})
    if on > today:
        raise ValidationError({"retired_on": _("A site cannot be retired on a day still to come.")})
    if on < site.created_on:
        raise ValidationError({"retired_on": _("The site was registered on %(day)s: it cannot be retired before.")
                               % {"day": site.created_on.isoformat()}})
    last = (DustUpload.objects.filter(site=site, sent_back_at__isnull=True).order_by("-day")
            .values_list("day", flat=True).first())
    if last is not None and on <= last:
        raise ValidationError({"retired_on": _("The site has a cleaning photo of %(day)s: retire it after that day.")
                               % {"day": last.isoformat()}})
    site.retired_on = on
    site.save(update_fields=["retired_on"])
    return site


def dust_site_for(*, user, token):
    """The live site ``token`` opens for ``user``, or ``CodeRefused`` (the same neutral answer as a
    risk point's code: forged, retired, another enterprise's). One query."""
    if not isinstance(token, str) or not 8 <= len(token) <= 43:
        raise CodeRefused
    today = timezone.localdate()
    site = (scope.visible(user, DustSite.objects.select_related("enterprise"))
            .filter(token=token).filter(Q(retired_on__isnull=True) | Q(retired_on__gt=today))
            .exclude(enterprise__status=EnterpriseStatus.DEREGISTERED).first())
    if site is None:
        raise CodeRefused
    return site


def dust_site_exists(token):
    """Whether ``token`` is a dust site's code at all (the /c/ page tells a site from a point)."""
    return isinstance(token, str) and DustSite.objects.filter(token=token).exists()


# -- the photo -----------------------------------------------------------------------------------------------------------
def dhash(image):
    """The 64-bit difference hash of an image (16 hex digits): grey 9×8, each pixel brighter than
    its right neighbour or not. Survives re-encoding and shrinking, unlike the file's sha256."""
    grey = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    px = grey.tobytes()
    bits = 0
    for row in range(8):
        for col in range(8):
            bits = (bits << 1) | (px[row * 9 + col] > px[row * 9 + col + 1])
    return f"{bits:016x}"


def distance(a, b):
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def _hash_of(attachment):
    with attachment.file.open("rb") as f, Image.open(io.BytesIO(f.read())) as image:
        return dhash(image)


def _flag(upload, earlier):
    """The reason a photo is flagged for the township, or "": it repeats an earlier photo of the
    enterprise, its own time is on another day, or it has none."""
    for pk, other in earlier:
        if other and distance(upload.phash, other) <= REPEAT_DISTANCE:
            upload.repeats_id = pk
            return FlagReason.REPEAT
    if upload.taken_at is None:
        return FlagReason.NO_TIME
    if upload.taken_at.astimezone(tz()).date() != upload.day:
        return FlagReason.OTHER_DAY
    return ""


def _first_of(client_key):
    return DustUpload.objects.filter(client_key=client_key).values("pk", "by_id", "payload_hash").first()


def _replay(row, by, digest):
    if row["by_id"] != by.pk or row["payload_hash"] != digest:
        raise KeyReused
    return DustUpload.objects.get(pk=row["pk"])


def dust_upload_submit(*, token, by, photo, uploaded_at, client_key, photo_time=None):
    """Record the day's cleaning photo of the site whose code is ``token`` (from the phone page's
    outbox, perhaps hours later). Idempotent by the client key, like the scan submit: the same key and
    payload return the first upload; the key with another payload raises ``KeyReused`` (409)."""
    if not valid_key(client_key):
        raise ValidationError({"client_key": _("A submission key (8–64 letters, digits, _ or -) is required.")})
    digest = payload_hash({"code": token, "uploaded_at": uploaded_at.isoformat() if isinstance(
        uploaded_at, datetime.datetime) else None, "photo": [getattr(photo, "name", ""), getattr(photo, "size", None)],
        "photo_time": str(photo_time or "")})
    first = _first_of(client_key)
    if first is not None:
        return _replay(first, by, digest)
    try:
        return _submit(token=token, by=by, photo=photo, uploaded_at=uploaded_at, client_key=client_key,
                       photo_time=photo_time, digest=digest)
    except IntegrityError:
        first = _first_of(client_key)
        if first is None:
            raise
        return _replay(first, by, digest)


@transaction.atomic
def _submit(*, token, by, photo, uploaded_at, client_key, photo_time, digest):
    site = dust_site_for(user=by, token=token)
    if not scope.can(by, caps.SCAN, site, in_scope=True):
        raise PermissionDenied(_("Only the employees of the site's enterprise upload its cleaning photo."))
    now = timezone.now()
    errors = {}
    if not isinstance(uploaded_at, datetime.datetime) or timezone.is_naive(uploaded_at):
        errors["uploaded_at"] = _("Give the time the photo was uploaded.")
    elif uploaded_at > now + FUTURE_SLACK:
        errors["uploaded_at"] = _("The time of the upload is in the future: check the phone's clock.")
    elif uploaded_at < now - MAX_AGE:
        errors["uploaded_at"] = _("This photo was taken more than 7 days ago and no longer counts.")
    if photo is None:
        errors["photo"] = _("Take the photo of the site's cleaning.")
    elif (getattr(photo, "size", 0) or 0) > max_bytes():
        errors["photo"] = _("“%(name)s” is larger than %(mb)s MB.") % {
            "name": getattr(photo, "name", ""), "mb": max_bytes() // (1024 * 1024)}
    if errors:
        raise ValidationError(errors)
    day = uploaded_at.astimezone(tz()).date()
    if DustUpload.objects.filter(site=site, day=day, sent_back_at__isnull=True).exists():
        raise ValidationError(_("The cleaning photo of %(site)s for %(day)s is already uploaded.") % {
            "site": site.name, "day": day.isoformat()})
    upload = DustUpload.objects.create(
        site=site, enterprise_id=site.enterprise_id, township_id=site.enterprise.township_id, day=day, by=by,
        uploaded_at=uploaded_at, client_key=client_key, payload_hash=digest)
    try:
        attachment = image_attach(owner=upload, file=photo, by=by)  # a PDF is no photo
    except ValidationError as exc:
        raise ValidationError({"photo": exc.messages}) from None
    upload.photo = attachment
    upload.taken_at = attachment.taken_at or _photo_time(photo_time)
    upload.phash = _hash_of(attachment)
    earlier = (DustUpload.objects.filter(enterprise_id=site.enterprise_id).exclude(pk=upload.pk).exclude(phash="")
               .order_by("-day", "-id").values_list("pk", "phash"))
    reason = _flag(upload, earlier)
    upload.flagged, upload.flag_reason = bool(reason), reason
    upload.save(update_fields=["photo", "taken_at", "phash", "flagged", "flag_reason", "repeats"])
    return upload


# -- the township's review ------------------------------------------------------------------------------------------------
def dust_sample_draw(*, by, day_from, day_to, n=None, percent=None, seed=None):
    """A recorded random draw (portal.sampling) of the photos ``by`` sees from ``day_from`` to
    ``day_to``, still counting, for the spot-check."""
    scope.require(by, caps.SUPERVISE)
    if day_from is None or day_to is None or day_from > day_to:
        raise ValidationError(_("Give the first and last day of the photos to draw from."))
    qs = scope.visible(by, DustUpload.objects.filter(day__gte=day_from, day__lte=day_to, sent_back_at__isnull=True))
    return sample_draw(queryset=qs, title=_("Dust cleaning photo spot-check %(a)s–%(b)s") % {
        "a": day_from.isoformat(), "b": day_to.isoformat()}, by=by, n=n, percent=percent, seed=seed,
        filters={"params": {"day_from": day_from.isoformat(), "day_to": day_to.isoformat()}},
        region=scope.bound_region(by))


@transaction.atomic
def dust_upload_review(*, upload, by):
    """The township looked at the photo and accepts it."""
    scope.require(by, caps.SUPERVISE, upload)
    upload = DustUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.sent_back_at is not None:
        raise ValidationError(_("This photo was sent back."))
    upload.reviewed_at = timezone.now()
    upload.save(update_fields=["reviewed_at"])
    return upload


@transaction.atomic
def dust_upload_send_back(*, upload, by, reason):
    """Send a bad or fake photo back: it no longer counts for its day, and the enterprise is told to
    upload a new one (seed 001 (二)三: 对照片上传质量不符合规范的要求重新上传)."""
    scope.require(by, caps.SUPERVISE, upload, message=_("Only the township or the bureau sends a photo back."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the photo is sent back.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("The reason is at most %(n)d characters.") % {"n": REASON_MAX}})
    upload = DustUpload.objects.select_for_update().select_related("site").get(pk=upload.pk)
    if upload.sent_back_at is not None:
        raise ValidationError(_("This photo was already sent back."))
    upload.sent_back_at, upload.sent_back_by, upload.sent_back_reason = timezone.now(), by, reason
    upload.reviewed_at = upload.reviewed_at or upload.sent_back_at
    upload.save(update_fields=["sent_back_at", "sent_back_by", "sent_back_reason", "reviewed_at"])
    notifications_send(notifications=[notification_build(
        user=upload.by_id, kind=kinds_dust.DUST_SENT_BACK.name,
        title=_("Cleaning photo of %(site)s for %(day)s sent back: upload a new one") % {
            "site": upload.site.name, "day": upload.day.isoformat()},
        body=reason, url=reverse("changan:scan", args=[upload.site.token]), obj=upload)])
    return upload


# -- the duty roster ----------------------------------------------------------------------------------------------------------
@transaction.atomic
def duty_roster_add(*, enterprise, by, starts_on, ends_on, person, phone, note=""):
    row = DutyRoster(enterprise=enterprise, starts_on=starts_on, ends_on=ends_on, person=(person or "").strip(),
                     phone=(phone or "").strip(), note=(note or "").strip())
    if by is not None and not scope.can(by, caps.MANAGE_RISK_POINTS, row, in_scope=_sees(by, enterprise)):
        raise PermissionDenied(_("Only the enterprise's principal or safety manager keeps its duty roster."))
    errors = {}
    if not row.person:
        errors["person"] = _("Name the person on duty.")
    if not row.phone:
        errors["phone"] = _("Give the phone of the person on duty.")
    if starts_on is None or ends_on is None:
        errors["starts_on"] = _("Give the first and last day on duty.")
    elif ends_on < starts_on:
        errors["ends_on"] = _("The last day on duty is before the first.")
    if errors:
        raise ValidationError(errors)
    row.full_clean()
    row.save()
    return row


# -- the nightly escalation -----------------------------------------------------------------------------------------------------
STEPS = (EscalationStep.REMIND, EscalationStep.URGE, EscalationStep.VERIFY)
MANAGERS = (caps.PRINCIPAL, caps.SAFETY_MANAGER)


def _gaps(day):
    """``[(site_id, enterprise_id, township_id, name, token, gap_start)]`` of the sites alive on
    ``day`` with no counting photo on ``day``: the gap runs from the day after their last counting
    photo (or their registration) to ``day``. One query (the last day per site is an index lookup)."""
    last = (DustUpload.objects.filter(site=OuterRef("pk"), sent_back_at__isnull=True, day__lte=day)
            .order_by("-day").values("day")[:1])
    rows = (DustSite.objects.filter(created_on__lte=day).filter(Q(retired_on__isnull=True) | Q(retired_on__gt=day))
            .exclude(enterprise__status=EnterpriseStatus.DEREGISTERED)
            .annotate(last=Subquery(last))
            .filter(Q(last__isnull=True) | Q(last__lt=day))
            .values_list("pk", "enterprise_id", "enterprise__township_id", "name", "token", "created_on", "last")
            .order_by())
    one = datetime.timedelta(days=1)
    return [(pk, e, t, name, token, last + one if last else created) for pk, e, t, name, token, created, last in rows]


def dust_escalate(*, day):
    """Escalate the missing photos up to ``day`` (the nightly job's day; a late run or a rerun gives
    the same result): day 1 of a gap reminds the enterprise, day 3 urges the enterprise and the
    township, day 7 gives the township a verification to-do. Each step once per gap: the steps
    already written are skipped, and the messages' own once-only key guards a run racing another.

    Queries, whatever the number of sites: the gaps (1), the steps already sent (2); when there is
    something new: the escalations (3), the enterprises' principals and safety managers (4), the
    townships' inspectors (5), the messages (6, plus the message type's lookup on a cold cache).
    Returns ``{step: n}`` of the steps written."""
    gaps = _gaps(day)
    due = []
    for site, enterprise, township, name, token, start in gaps:
        length = (day - start).days + 1
        due.extend((site, enterprise, township, name, token, start, step) for step in STEPS if length >= step)
    written = {step: 0 for step in STEPS}
    if not due:
        return written
    earliest = min(d[5] for d in due)
    sent = set(DustEscalation.objects.filter(site_id__in={d[0] for d in due}, gap_start__gte=earliest)
               .values_list("site_id", "gap_start", "step"))
    new = [d for d in due if (d[0], d[5], d[6]) not in sent]
    if not new:
        return written
    with transaction.atomic():
        DustEscalation.objects.bulk_create(
            [DustEscalation(site_id=s, enterprise_id=e, township_id=t, gap_start=start, step=step, sent_on=day)
             for s, e, t, _n, _t, start, step in new], ignore_conflicts=True)
        managers = {}
        for enterprise, user in (EnterpriseMembership.objects
                                 .filter(enterprise_id__in={d[1] for d in new}, position__in=MANAGERS,
                                         user__is_active=True).values_list("enterprise_id", "user_id")):
            managers.setdefault(enterprise, []).append(user)
        towns = {d[2] for d in new if d[6] != EscalationStep.REMIND}
        inspectors = {}
        if towns:
            for region, user in User.objects.filter(role=Role.TOWNSHIP_INSPECTOR, region_id__in=towns,
                                                    is_active=True).values_list("region_id", "pk"):
                inspectors.setdefault(region, []).append(user)
        messages = []
        for site, enterprise, township, name, token, start, step in new:
            written[step] += 1
            missing = (day - start).days + 1
            params = {"site": name, "since": start.isoformat(), "n": missing}
            ref = DustSite(pk=site)
            key = f"{start.isoformat()}:{step}"
            if step == EscalationStep.REMIND:
                kind, title = kinds_dust.DUST_REMIND, _(
                    "No cleaning photo of %(site)s since %(since)s: scan its code and upload today's")
            elif step == EscalationStep.URGE:
                kind, title = kinds_dust.DUST_URGE, _(
                    "%(n)s days without a cleaning photo of %(site)s (since %(since)s)")
            else:
                kind, title = kinds_dust.DUST_VERIFY, _(
                    "%(n)s days without a cleaning photo of %(site)s: verify on site")
            recipients = (managers.get(enterprise, []) if step != EscalationStep.VERIFY else []) + (
                inspectors.get(township, []) if step != EscalationStep.REMIND else [])
            messages.extend(notification_build(user=u, kind=kind.name, title=title % params, obj=ref, key=key)
                            for u in recipients)
        notifications_send(notifications=messages)
    return written


@transaction.atomic
def dust_escalation_close(*, escalation, by, finding):
    """The township closes its day-7 verification with what it found on site."""
    scope.require(by, caps.SUPERVISE, escalation, message=_("Only the township or the bureau closes a verification."))
    finding = (finding or "").strip()
    if not finding:
        raise ValidationError({"finding": _("Write what the on-site verification found.")})
    escalation = DustEscalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.step != EscalationStep.VERIFY:
        raise ValidationError(_("Only a day-7 verification is closed with a finding."))
    if escalation.closed_at is not None:
        raise ValidationError(_("This verification is already closed."))
    escalation.closed_at, escalation.closed_by, escalation.finding = timezone.now(), by, finding
    escalation.save(update_fields=["closed_at", "closed_by", "finding"])
    return escalation
