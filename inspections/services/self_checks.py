"""Self-check lists (seed 001 (二)一): a campaign sends a checklist to its enterprises, each fills it in.

``self_check_send`` is idempotent by construction: one list per (campaign, enterprise), so sending
again inserts only the target enterprises still missing one (in one bulk insert, under the campaign's
row lock). ``self_check_submit`` is the enterprise's one submission of its answers; the page and the
API wrap it in ``portal.submissions.submit_once`` (kind ``SUBMIT_KIND``) so a retried submission with
the same key returns the first result, and the list's own state refuses a second submission made
under another key. Every failed item enters the hazard ledger through ``hazard_report`` (source
``self_check``, the ledger's "Enterprise self-check": the enterprise's own check, which a campaign's
list is; the answer names its hazard, so the ledger needs no second source for it).

Who: sending is ``manage_campaigns`` on the campaign (its organising unit or one above it); filling
is ``report_hazard`` on the list (the principal or safety manager of its enterprise). Out of scope is
the caller's 404 (pages and API fetch the list through ``scope``); the services refuse with a 403.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Status as EnterpriseStatus
from grid.models import PATH_STEP
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.attachments.services import attachment_create
from portal.rules.services import threshold

from ..models import (Campaign, ChecklistItem, ChecklistTemplate, HazardSource, SelfCheckAnswer, SelfCheckList,
                      SelfCheckState)
from .checklists import checklist_mark_used
from .hazards import hazard_report

SUBMIT_KIND = "inspections.self_check_submit"
DEADLINE_DAYS = "inspections.self_check_hazard_deadline_days"
NOTE_MAX = 500
Result = SelfCheckAnswer.Result


# -- what a campaign may send, and to whom ------------------------------------------------------------------------------
def self_check_checklists(campaign):
    """The checklist versions a campaign may send: published, deployment-wide or of its organising
    unit or a unit above it. One query when evaluated."""
    region = campaign.region
    paths = [region.path[:i] for i in range(PATH_STEP, len(region.path) + 1, PATH_STEP)]
    return (ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.PUBLISHED)
            .filter(Q(region__isnull=True) | Q(region__path__in=paths)).order_by("name", "code", "-version"))


def self_check_missing(campaign):
    """The campaign's target enterprises still on the roster without a list of this campaign: who a
    send would reach (what the send page counts before sending)."""
    return (campaign.targets.exclude(status=EnterpriseStatus.DEREGISTERED)
            .exclude(self_check_lists__campaign=campaign))


def _require_campaign(by, campaign):
    scope.require(by, caps.MANAGE_CAMPAIGNS, campaign, _(
        "Only %(unit)s (or the bureau above it) may send this campaign's self-check list.") % {
        "unit": campaign.region.name})


@transaction.atomic
def self_check_send(*, campaign, by, checklist, due_date):
    """Send ``checklist`` to every target enterprise of ``campaign`` that has no list of it yet, due
    by ``due_date``. Returns the number of lists added (0 when every target has one already)."""
    _require_campaign(by, campaign)
    campaign = Campaign.objects.select_for_update().select_related("region").get(pk=campaign.pk)
    today = timezone.localdate()
    errors = {}
    if not isinstance(checklist, ChecklistTemplate):
        checklist = ChecklistTemplate.objects.filter(pk=checklist).first() if str(checklist or "").isdigit() else None
    if checklist is None or not self_check_checklists(campaign).filter(pk=checklist.pk).exists():
        errors["checklist"] = _("Choose a published checklist of this campaign's unit or the deployment.")
    elif not checklist.items.exists():
        errors["checklist"] = _("This checklist has no items.")
    if not isinstance(due_date, datetime.date):
        errors["due_date"] = _("Give the date the self-check is due.")
    elif due_date < today:
        errors["due_date"] = _("The due date cannot be before today.")
    if campaign.end < today:
        errors["campaign"] = _("The campaign ended on %(date)s: it sends no more self-check lists.") % {
            "date": campaign.end.isoformat()}
    if not campaign.targets.exists():
        errors["campaign"] = _("The campaign has no target enterprises yet: add them first.")
    if errors:
        raise ValidationError(errors)
    missing = list(self_check_missing(campaign).values_list("pk", "township_id"))
    if not missing:
        return 0
    now = timezone.now()
    SelfCheckList.objects.bulk_create([
        SelfCheckList(campaign=campaign, enterprise_id=pk, township_id=township, checklist=checklist,
                      due_date=due_date, sent_at=now, sent_by=by)
        for pk, township in missing], ignore_conflicts=True)
    checklist_mark_used(checklist)  # the lists are filled from this version: it never changes now
    return len(missing)


# -- the enterprise's submission ---------------------------------------------------------------------------------------
def self_check_items(self_check):
    """The items of the list's checklist version, in order."""
    return ChecklistItem.objects.filter(template_id=self_check.checklist_id).order_by("order", "code")


def _done_message(self_check):
    local = timezone.localtime(self_check.done_at)
    return _("This self-check list was submitted on %(at)s: it cannot be submitted again.") % {
        "at": local.strftime("%Y-%m-%d %H:%M")}


def _clean_answers(items, answers, photos):
    """``({code: (result, note)}, [errors])`` for ``answers`` (``[{item, result, note}]``)."""
    by_code = {item.code: item for item in items}
    found, errors = {}, []
    for answer in answers or ():
        if not isinstance(answer, dict):
            errors.append(_("Each answer names its item, its result and, if it fails, a note."))
            continue
        code = str(answer.get("item") or "").strip()
        result = str(answer.get("result") or "").strip()
        note = str(answer.get("note") or "").strip()
        if code not in by_code:
            errors.append(_("Item %(code)s is not in this self-check list.") % {"code": code or "—"})
            continue
        if code in found:
            errors.append(_("Item %(code)s is answered twice.") % {"code": code})
            continue
        if not result:  # left blank: reported below as missing
            continue
        if result not in Result.values:
            errors.append(_("Item %(code)s: the result is pass, fail or not applicable.") % {"code": code})
            found[code] = None  # answered, wrongly: not missing too
            continue
        if result == Result.FAIL and not note:
            errors.append(_("Item %(code)s fails: say what is wrong.") % {"code": code})
        if len(note) > NOTE_MAX:
            errors.append(_("Item %(code)s: the note is longer than %(n)s characters.") % {"code": code, "n": NOTE_MAX})
        found[code] = (result, note)
    for code in photos or {}:
        if code not in by_code:
            errors.append(_("Item %(code)s is not in this self-check list.") % {"code": code})
    missing = [item.code for item in items if item.code not in found]
    if missing:
        errors.append(_("Answer every item: %(codes)s not answered.") % {"codes": "、".join(missing)})
    return found, errors


@transaction.atomic
def self_check_submit(*, self_check, by, answers, photos=None):
    """The enterprise's answers to its list, all at once: ``answers`` is ``[{"item": code, "result":
    "pass" | "fail" | "na", "note": ...}]`` with every item of the list answered, a failed item with a
    note; ``photos`` is ``{code: file}`` (optional, one per item). Each failed item becomes a general
    hazard (source ``self_check``) due after ``inspections.self_check_hazard_deadline_days``. The list
    is done from then on; a second submission is refused and changes nothing."""
    if by is not None and not scope.can(by, caps.REPORT_HAZARD, self_check):
        raise PermissionDenied(_("Only the principal or safety manager of the list's enterprise fills it in."))
    self_check = (SelfCheckList.objects.select_for_update(of=("self",))
                  .select_related("enterprise__township", "campaign").get(pk=self_check.pk))
    if self_check.state == SelfCheckState.DONE:
        raise ValidationError(_done_message(self_check), code="self_check_done")
    items = list(self_check_items(self_check))
    photos = dict(photos or {})
    found, errors = _clean_answers(items, answers, photos)
    if errors:
        raise ValidationError({"answers": errors})
    today = timezone.localdate()
    enterprise = self_check.enterprise
    rows = [SelfCheckAnswer(self_check=self_check, item=item, item_code=item.code, result=found[item.code][0],
                            note=found[item.code][1]) for item in items]
    SelfCheckAnswer.objects.bulk_create(rows)
    failed = [row for row in rows if row.result == Result.FAIL]
    if failed:
        days = int(threshold(DEADLINE_DAYS, region=enterprise.township, on=today))
        for row in failed:
            row.hazard = hazard_report(
                enterprise=enterprise, by=by, source=HazardSource.SELF_CHECK, item_code=row.item_code,
                found_on=today, deadline=today + datetime.timedelta(days=days),
                description=f"{self_check.campaign.name}自查：{row.item.text}——{row.note}"[:2000])
        SelfCheckAnswer.objects.bulk_update(failed, ["hazard"])
    by_code = {row.item_code: row for row in rows}
    for code, file in photos.items():
        if file:
            attachment_create(owner=by_code[code], file=file, by=by)
    self_check.state = SelfCheckState.DONE
    self_check.done_at = timezone.now()
    self_check.done_by = by
    self_check.save(update_fields=["state", "done_at", "done_by"])
    return self_check


def self_check_result(self_check):
    """What a submission answers, the same on the first call and on a replay of its key."""
    hazards = sorted(h for h in self_check.answers.exclude(hazard=None).values_list("hazard_id", flat=True))
    return {"id": self_check.pk, "state": self_check.state, "done_at": self_check.done_at,
            "failed": self_check.answers.filter(result=Result.FAIL).count(), "hazards": hazards}
