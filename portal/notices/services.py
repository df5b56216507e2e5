"""Every write on a notice: draft, change, delete, publish, store the rendered files, record a read.

Each service asks ``scope`` first (``issue_notices`` within the issuing region: 403), then checks
the notice's state and the input (``ValidationError`` with a Chinese message: 400), then writes in
one transaction; the page and the API call the same functions. A published notice is frozen: its
text, number and addressed units never change again.
"""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.models import PATH_STEP, Region
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.assessments import problems
from portal.assessments.models import Snapshot
from portal.assessments.services import period_of, snapshot_table
from portal.documents.services import document_number_next
from portal.figures import registry
from portal.jobs.services import job_start

from . import drafting
from .access import recipient_of
from .documents import RENDER_JOB, render_files
from .models import Notice, NoticeReceipt, NoticeRecipient

NUMBER_KIND = "notice"
BLOCK_KINDS = ("h1", "h2", "p", "table")
MAX_BLOCKS = 500
MAX_TEXT = 5000
# what ``notice_update`` changes; everything else is the draft's or the publishing's
EDITABLE = ("authority", "number_prefix", "title", "addressees", "body", "next_steps", "attachments", "copied_to",
            "printing_office", "signature_date")


# -- draft -----------------------------------------------------------------------------------------------------------
def draftable_snapshots(user):
    """The current snapshots a user may draft their region's notice from: their region's own and
    its city's (a district's townships are in its city's snapshot), newest period first. None for
    a user who issues no notices."""
    region = scope.bound_region(user)
    if region is None or not scope.holds(user, caps.ISSUE_NOTICES) or not region.path:
        return Snapshot.objects.none()
    paths = [region.path[:i] for i in range(PATH_STEP, len(region.path) + 1, PATH_STEP)]
    return (Snapshot.objects.filter(state=Snapshot.State.CURRENT, region__path__in=paths)
            .select_related("region").order_by("-period", "-region__path"))


def notice_draft(*, snapshot, by, region=None, authority="", number_prefix=""):
    """A draft of ``region`` (default: the user's own; the snapshot's for the portal itself) from
    ``snapshot``, the current one holding its units (its own, or its city's for a district):
    seed 001's title and addressees, 一、主要工作 from the registered paragraphs, 二、存在问题 from
    the problem rules, 三、下一步工作 a placeholder, and a ranking table per ranked figure as
    attachments. The units addressed are the region's children. Only the bureau of ``region``
    itself drafts its notice (a city's staff do not draft a district's)."""
    region = region or (scope.bound_region(by) if by is not None else None) or snapshot.region
    scope.require_within(by, caps.ISSUE_NOTICES, region)
    if by is not None and not by.is_superuser and scope.bound_region(by) != region:
        raise PermissionDenied(_("A notice is drafted by the bureau of its own region."))
    if region.level not in (Region.Level.CITY, Region.Level.DISTRICT) or not region.path.startswith(
            snapshot.region.path):
        raise ValidationError(_("The snapshot of %(snapshot)s holds no figures of %(region)s's units.")
                              % {"snapshot": snapshot.region.name, "region": region.name})
    if snapshot.state != Snapshot.State.CURRENT:
        raise ValidationError(_("Only the current snapshot of a quarter can be drafted from; this one is “%(state)s”.")
                              % {"state": snapshot.get_state_display()})
    period = period_of(snapshot)
    table = snapshot_table(snapshot, region)
    findings = problems.problems_for(table)  # through the module: the rules replace it
    children = registry.children_of(region)
    if not children:
        raise ValidationError(_("%(region)s has no units to address a notice to.") % {"region": region.name})
    authority = (authority or "").strip() or drafting.authority_for(region)
    with transaction.atomic():
        notice = Notice(
            issuing_region=region, snapshot=snapshot, period=snapshot.period, authority=authority,
            number_prefix=(number_prefix or "").strip() or drafting.number_prefix_for(region),
            title=drafting.title_for(region, period), addressees=drafting.addressees_for(region),
            body=drafting.body_for(table, findings), next_steps=[drafting.NEXT_STEPS_PLACEHOLDER],
            attachments=drafting.attachments_for(table), printing_office=f"{authority}办公室",
            created_by=by, updated_by=by)
        notice.full_clean()
        notice.save()
        NoticeRecipient.objects.bulk_create(
            [NoticeRecipient(notice=notice, region=child, order=i) for i, child in enumerate(children)])
    return notice


# -- change ----------------------------------------------------------------------------------------------------------
def _text(value, field, errors, *, required=False, limit=MAX_TEXT):
    text = "" if value is None else str(value).strip()
    if required and not text:
        errors.setdefault(field, []).append(_("This cannot be empty."))
    elif len(text) > limit:
        errors.setdefault(field, []).append(_("At most %(n)d characters.") % {"n": limit})
    return text


def _cells(value, field, errors):
    if not isinstance(value, (list, tuple)):
        errors.setdefault(field, []).append(_("A table's header and rows are lists."))
        return []
    return ["" if cell is None else str(cell)[:200] for cell in value]


def clean_blocks(value, field="body"):
    """The blocks of a body, checked: a list of ``{"kind", "text"}`` (a table: ``header`` and
    ``rows``). ``ValidationError`` naming the field and the block."""
    errors = {}
    if not isinstance(value, (list, tuple)):
        raise ValidationError({field: [_("The text is a list of blocks.")]})
    if len(value) > MAX_BLOCKS:
        raise ValidationError({field: [_("At most %(n)d blocks.") % {"n": MAX_BLOCKS}]})
    out = []
    for index, block in enumerate(value, start=1):
        where = f"{field}.{index - 1}"
        if not isinstance(block, dict) or block.get("kind") not in BLOCK_KINDS:
            errors.setdefault(where, []).append(
                _("Block %(n)d: the kind is one of h1, h2, p, table.") % {"n": index})
            continue
        if block["kind"] == "table":
            rows = block.get("rows") or []
            if not isinstance(rows, (list, tuple)):
                errors.setdefault(where, []).append(_("A table's header and rows are lists."))
                rows = []
            out.append({"kind": "table", "header": _cells(block.get("header") or [], where, errors),
                        "rows": [_cells(row, where, errors) for row in rows]})
        else:
            text = _text(block.get("text"), where, errors)
            if text:  # a block emptied is a block removed
                out.append({"kind": block["kind"], "text": text})
    if errors:
        raise ValidationError(errors)
    return out


def clean_next_steps(value):
    if not isinstance(value, (list, tuple)):
        raise ValidationError({"next_steps": [_("The next steps are a list of paragraphs.")]})
    errors = {}
    steps = [_text(text, "next_steps", errors) for text in value]
    if errors:
        raise ValidationError(errors)
    return [text for text in steps if text]


def clean_attachments(value, current):
    """Attachments are the ranking tables drafted: the bureau may drop some, not invent new ones."""
    if not isinstance(value, (list, tuple)):
        raise ValidationError({"attachments": [_("The attachments are a list.")]})
    known = {a.get("figure"): a for a in current}
    out = []
    for item in value:
        figure = item.get("figure") if isinstance(item, dict) else item
        if figure not in known:
            raise ValidationError({"attachments": [_("“%(figure)s” is not one of the draft's ranking tables.")
                                                   % {"figure": figure}]})
        out.append(known[figure])
    return out


def _require_draft(notice):
    if notice.state != Notice.State.DRAFT:
        raise ValidationError(_("Notice %(number)s is published and can no longer be changed.")
                              % {"number": notice.number or notice.title})


def notice_update(*, notice, by, **changes):
    """Change a draft's text (``EDITABLE`` fields; blocks emptied are removed). A published notice
    is refused and nothing changes."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"notice_update cannot change {', '.join(sorted(unknown))}")
    scope.require(by, caps.ISSUE_NOTICES, notice)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        _require_draft(notice)
        errors = {}
        values = {}
        for field in ("authority", "number_prefix", "title", "addressees", "copied_to", "printing_office"):
            if field in changes:
                limit = Notice._meta.get_field(field).max_length
                values[field] = _text(changes[field], field, errors, required=field in (
                    "authority", "number_prefix", "title", "addressees"), limit=limit)
        for field, clean in (("body", clean_blocks), ("next_steps", clean_next_steps)):
            if field in changes:
                try:
                    values[field] = clean(changes[field])
                except ValidationError as error:
                    for key, messages in error.message_dict.items():
                        errors.setdefault(key, []).extend(messages)
        if "attachments" in changes:
            try:
                values["attachments"] = clean_attachments(changes["attachments"], notice.attachments)
            except ValidationError as error:
                errors.update(error.message_dict)
        if "signature_date" in changes:
            value = changes["signature_date"]
            if value not in (None, "") and not isinstance(value, datetime.date):
                errors["signature_date"] = [_("Enter a date.")]
            else:
                values["signature_date"] = value or None
        if errors:
            raise ValidationError(errors)
        for field, value in values.items():
            setattr(notice, field, value)
        notice.updated_by = by
        notice.save(update_fields=[*values, "updated_by", "updated_at"])
    return notice


def notice_delete(*, notice, by):
    """Delete a draft (a published notice stays: it was numbered and sent)."""
    scope.require(by, caps.ISSUE_NOTICES, notice)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        _require_draft(notice)
        notice.delete()


# -- publish ---------------------------------------------------------------------------------------------------------
def publish_problems(notice):
    """Why ``notice`` cannot be published yet (Chinese messages), or []."""
    out = []
    if not drafting.has_text(notice.body):
        out.append(_("The notice has no text: write its body before publishing."))
    steps = [s for s in notice.next_steps or () if str(s).strip()]
    if not steps:
        out.append(_("Write the next steps (三、下一步工作) before publishing."))
    elif any(drafting.NEXT_STEPS_PLACEHOLDER in str(s) for s in steps):
        out.append(_("The next steps still hold the placeholder text: replace it with the bureau's own before "
                     "publishing."))
    for field in ("title", "addressees", "authority", "number_prefix"):
        if not str(getattr(notice, field) or "").strip():
            out.append(_("“%(field)s” is empty.") % {"field": Notice._meta.get_field(field).verbose_name})
    return out


def notice_publish(*, notice, by, today=None):
    """Publish a draft: checked (``publish_problems``), numbered through ``document_number_next``
    (per number prefix and year: 常应急函〔2026〕1号), frozen, sent to every user bound within the
    addressed units, and its PDF and .docx rendered by a background job (in process when the
    portal itself publishes, ``by=None``). All or nothing: a refusal takes no number."""
    from .notifications import notice_published_send

    scope.require(by, caps.ISSUE_NOTICES, notice)
    today = today or timezone.localdate()
    with transaction.atomic():
        notice = Notice.objects.select_for_update().select_related("issuing_region").get(pk=notice.pk)
        _require_draft(notice)
        refused = publish_problems(notice)
        if refused:
            raise ValidationError(refused)
        date = notice.signature_date or today
        _value, notice.number = document_number_next(prefix=notice.number_prefix, year=date.year,
                                                     kind=NUMBER_KIND, region=notice.issuing_region)
        notice.state = Notice.State.PUBLISHED
        notice.signature_date = date
        notice.published_by = by
        notice.published_at = timezone.now()
        notice.save(update_fields=["number", "state", "signature_date", "published_by", "published_at",
                                   "updated_at"])
        notice_published_send(notice=notice)
        if by is not None:
            _render_start(notice, by)
    if by is None:
        notice_render(notice=notice)
    return notice


# -- render ----------------------------------------------------------------------------------------------------------
def _render_start(notice, by):
    job = job_start(owner=by, kind=RENDER_JOB, params={"notice": notice.pk},
                    title=_("Rendering notice %(number)s") % {"number": notice.number})
    Notice.objects.filter(pk=notice.pk).update(render_job=job)
    notice.render_job = job
    return job


def notice_render_again(*, notice, by):
    """Render a published notice's files again (its job failed): a new job, nothing else changes."""
    scope.require(by, caps.ISSUE_NOTICES, notice)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if not notice.is_published:
            raise ValidationError(_("Only a published notice is rendered."))
        job = notice.render_job
        if job is not None and not job.finished:
            raise ValidationError(_("The files are being rendered already; wait for the job to finish."))
        return _render_start(notice, by)


def notice_render(*, notice, progress=None):
    """Render the published ``notice`` as PDF and .docx (the same context) and store both on it."""
    if not notice.is_published:
        raise ValidationError(_("Only a published notice is rendered."))
    pdf, docx = render_files(notice, progress=progress)
    stem = f"notice-{notice.pk}"
    notice.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    notice.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    notice.rendered_at = timezone.now()
    notice.save(update_fields=["pdf", "docx", "rendered_at"])
    return notice


# -- read ------------------------------------------------------------------------------------------------------------
def notice_read(*, notice, user, via=NoticeReceipt.Via.PAGE):
    """Record that ``user`` read a published notice (opened it, downloaded a file), under the
    addressed unit they are bound within; the first read is kept. None for a draft, the issuer's
    own users, and anyone outside the addressed units."""
    if not notice.is_published or user is None or not user.is_authenticated:
        return None
    recipient = recipient_of(notice, user)
    if recipient is None:
        return None
    NoticeReceipt.objects.bulk_create([NoticeReceipt(recipient=recipient, user=user, via=via)],
                                      ignore_conflicts=True)
    return recipient
