"""Checklist templates: new version, publish, current, mark used.

A template's life: draft (editable) → published (what inspectors get; the previous published
version of the same code and region retires) → retired. Independently of its status, a version
first used by an inspection is frozen (``used_at``); a change is then a new version.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.models import PATH_STEP

from ..models import ChecklistItem, ChecklistTemplate

_ITEM_FIELDS = ("code", "section", "text", "basis", "major_criterion", "order")


def _lineage(template):
    """Every version of ``template``'s code for the same region."""
    return ChecklistTemplate.objects.filter(code=template.code, region=template.region_id).order_by("version")


@transaction.atomic
def checklist_new_version(*, template, by):
    """A draft copy of ``template`` and its items as the next version of its code (same region).

    Item codes are kept, so findings under either version match. One draft at a time per code and
    region, so two people never edit rival next versions."""
    versions = list(_lineage(template).select_for_update())  # PostgreSQL locks no aggregate: lock the rows
    if any(v.status == ChecklistTemplate.Status.DRAFT for v in versions):
        raise ValidationError(_("A draft of this checklist already exists: edit or publish it first."),
                              code="draft_exists")
    next_version = max((v.version for v in versions), default=0) + 1
    copy = ChecklistTemplate(
        code=template.code, name=template.name, kind=template.kind, version=next_version,
        region=template.region, based_on=template.based_on, description=template.description,
        status=ChecklistTemplate.Status.DRAFT, created_by=by)
    copy.full_clean()
    copy.save()
    ChecklistItem.objects.bulk_create([
        ChecklistItem(template=copy, **{f: getattr(item, f) for f in _ITEM_FIELDS})
        for item in template.items.all()
    ])
    return copy


@transaction.atomic
def checklist_publish(*, template, by):
    """Publish a draft; the published version of the same code and region (if any) retires."""
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    if template.status != ChecklistTemplate.Status.DRAFT:
        raise ValidationError(_("Only a draft can be published."), code="not_draft")
    if not template.items.exists():
        raise ValidationError(_("A checklist needs at least one item before it is published."), code="no_items")
    list(_lineage(template).select_for_update())  # two publishers of one code wait for each other
    _lineage(template).filter(status=ChecklistTemplate.Status.PUBLISHED).update(
        status=ChecklistTemplate.Status.RETIRED)
    template.status = ChecklistTemplate.Status.PUBLISHED
    template.published_at = timezone.now()
    if template.created_by_id is None:
        template.created_by = by
    template.save(update_fields=["status", "published_at", "created_by"])
    return template


def checklist_current(code, region=None):
    """The published version of ``code`` for ``region``: the nearest region's own (the region's, else
    its ancestors'), else the deployment-wide one; None if there is none. One query."""
    q = Q(region__isnull=True)
    if region is not None:
        paths = [region.path[:i] for i in range(PATH_STEP, len(region.path) + 1, PATH_STEP)]
        q |= Q(region__path__in=paths)
    return (ChecklistTemplate.objects.filter(q, code=code, status=ChecklistTemplate.Status.PUBLISHED)
            .annotate(depth=Length("region__path"))
            .order_by(F("depth").desc(nulls_last=True))
            .first())


def checklist_mark_used(template):
    """Freeze ``template``: an inspection has been filled from it. Idempotent; the first use counts.

    Called by the inspection services when an inspection is started or submitted on this version."""
    stored = ChecklistTemplate.objects.values("status", "used_at").get(pk=template.pk)
    if stored["status"] == ChecklistTemplate.Status.DRAFT:
        raise ValidationError(_("A draft checklist cannot be used: publish it first."), code="draft_used")
    if stored["used_at"] is None:
        ChecklistTemplate.objects.filter(pk=template.pk, used_at__isnull=True).update(used_at=timezone.now())
    template.refresh_from_db(fields=["status", "used_at"])
    return template
