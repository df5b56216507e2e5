"""The rectification order (整改指令书): the PDF an inspection's officers hand the enterprise.

What it holds: the hazards of one inspection that were *not* rectified on the spot, each with its
location, severity and deadline (an inspection without any gets no order). It is laid out by the
shared GB/T 9704 renderer (``portal.documents``) and always written in Chinese, whatever the UI
language: it is an official document, not a page.

Issuing unit (发文机关) — who signs it:
- the district (or city) bureau, ``<区>应急管理局``, when the inspection was submitted by bureau
  staff bound to a district or city;
- otherwise the inspection's township (the township at the time, ``Inspection.township``), in the
  name of its people's government, ``<镇>人民政府`` (the township government holds the
  supervision duty, 安全生产法 §9; its safety office, 安监办, is internal).
The number runs per issuing unit and year (``document_number_next``) under the prefix
``<short name>应急责改``: the region's ``short_name`` when the bureau has set one (e.g. 武), else its
name without the 镇 / 街道 / 乡 / 区 / 县 / 市 suffix (湖塘应急责改〔2026〕3号).

An order is issued once: the first download by an officer who may change the inspection takes
the number, renders the PDF and stores it as an ``Attachment`` of the inspection named
``整改指令书 <number>.pdf``; every later download serves those same bytes, so the number, the
date and the hazards listed never change (there is no document registry model to hold it, and
``Inspection`` may not gain a field). Issuing locks the inspection row, so two officers clicking at
once get one number.
"""
import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.models import Region
from portal.accounts import scope
from portal.attachments.models import Attachment
from portal.attachments.services import attachment_create
from portal.documents.render import cn_date, render_pdf
from portal.documents.services import document_number_next

from .models import Hazard, HazardSeverity, Inspection, InspectionKind
from .models.inspections import OFFICER_KINDS

TEMPLATE = "inspections/documents/rectification_order.html"
TITLE = "整改指令书"
NUMBER_KIND = "rectification_order"
FILE_PREFIX = "整改指令书 "
# the stored order's name: 整改指令书 湖塘应急责改〔2026〕3号.pdf
FILE_NAME = re.compile(r"^整改指令书 (?P<number>.+〔[0-9]{4}〕[0-9]+号)\.pdf$")
SUFFIXES = ("街道", "镇", "乡", "区", "县", "市")
KIND_TEXT = {InspectionKind.ENFORCEMENT: "执法检查", InspectionKind.VERIFICATION: "核查",
             InspectionKind.CROSS: "交叉检查", InspectionKind.SUPERVISORY: "督导检查"}
SEVERITY_TEXT = {HazardSeverity.GENERAL: "一般事故隐患", HazardSeverity.MAJOR: "重大事故隐患"}
# the authority mark is 36 pt with 2 pt tracking: 11 characters fill the 156 mm text block
AUTHORITY_FITS = 11
TEXT_BLOCK_PT = 442


@dataclass(frozen=True)
class Issuer:
    authority: str
    prefix: str
    region: Region
    copied_to: tuple


def short_name(region):
    name = (region.short_name or "").strip()
    if name:
        return name
    for suffix in SUFFIXES:
        if region.name.endswith(suffix) and len(region.name) > len(suffix):
            return region.name[: -len(suffix)]
    return region.name


def issuer_for(inspection):
    """The unit that signs the order (see the module docstring)."""
    by = inspection.submitted_by
    township = inspection.township
    district = township.district
    bound = scope.bound_region(by) if by is not None else None
    if bound is not None and bound.level in (Region.Level.DISTRICT, Region.Level.CITY):  # the bureau's staff
        region = bound
        return Issuer(authority=f"{region.name}应急管理局", prefix=f"{short_name(region)}应急责改", region=region,
                      copied_to=(f"{township.name}人民政府",))
    copied = (f"{district.name}应急管理局",) if district is not None else ()
    return Issuer(authority=f"{township.name}人民政府", prefix=f"{short_name(township)}应急责改", region=township,
                  copied_to=copied)


def order_hazards(inspection):
    """The hazards the order lists: found by this inspection and not closed on the spot."""
    return (Hazard.objects.filter(inspection=inspection, on_the_spot=False)
            .select_related("major_criterion").order_by("pk"))


def order_find(inspection):
    """The order already issued for ``inspection`` (an Attachment), or None."""
    candidates = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Inspection), object_id=inspection.pk,
        mime_type=Attachment.Kind.PDF, original_name__startswith=FILE_PREFIX).order_by("pk")
    return next((a for a in candidates if FILE_NAME.match(a.original_name)), None)


def order_number(attachment):
    """The document number of a stored order, e.g. 湖塘应急责改〔2026〕3号."""
    match = FILE_NAME.match(attachment.original_name)
    return match.group("number") if match else ""


def _hazard_text(number, hazard):
    details = []
    if hazard.location:
        details.append(f"位置：{hazard.location}")
    details.append(SEVERITY_TEXT.get(hazard.severity, hazard.severity))
    if hazard.major_criterion_id:
        details.append(f"判定依据：{hazard.major_criterion.code}")
    details.append(f"整改期限：{cn_date(hazard.deadline)}前")
    return f"{number}. {hazard.description.strip()}（{'；'.join(details)}）"


def order_context(*, inspection, hazards, issuer, number_text, date):
    """The document-agnostic context ``documents/base.html`` lays out (see portal.documents.render)."""
    officers = "、".join(f"{name}（执法证号：{certificate}）" for name, certificate in inspection.officers)
    kind = KIND_TEXT.get(inspection.kind, "执法检查")
    body = [{"kind": "p", "text": f"{cn_date(inspection.inspected_on)}，本机关执法人员{officers}依法对你单位进行了"
                                  f"{kind}，发现你单位存在下列事故隐患："}]
    body += [{"kind": "p", "text": _hazard_text(n, hazard)} for n, hazard in enumerate(hazards, start=1)]
    body.append({"kind": "p", "text": (
        "依据《中华人民共和国安全生产法》第六十五条第一款第三项的规定，现责令你单位对上述事故隐患于各项所列整改期限前"
        "整改完毕，达到有关法律、法规、规章和国家标准或者行业标准的要求，并在整改完毕后将整改情况书面报告本机关"
        "（可通过本平台上传整改材料、申请验收）。")})
    if any(h.severity == HazardSeverity.MAJOR for h in hazards):
        body.append({"kind": "p", "text": (
            "其中，重大事故隐患排除前或者排除过程中无法保证安全的，应当从危险区域内撤出作业人员，暂时停产停业或者"
            "停止使用相关设施、设备；重大事故隐患排除后，经审查同意，方可恢复生产经营和使用。")})
    body.append({"kind": "p", "text": "整改期间，你单位应当采取有效的安全防范措施，确保安全。逾期未整改或者整改不符合"
                                      "要求的，本机关将依法处理。"})
    body.append({"kind": "p", "text": "如不服本指令，可以依法在六十日内申请行政复议，或者在六个月内依法向人民法院提起"
                                      "行政诉讼，但本指令不停止执行，法律另有规定的除外。"})
    authority_size = 36 if len(issuer.authority) <= AUTHORITY_FITS else TEXT_BLOCK_PT // len(issuer.authority) - 2
    return {
        "authority": issuer.authority, "authority_size": authority_size, "number_text": number_text,
        "title": TITLE, "addressees": [inspection.enterprise.name], "body": body,
        "signature_authority": issuer.authority, "date": date, "copied_to": list(issuer.copied_to),
        "printing_office": issuer.authority, "print_date": date,
    }


def order_issue(*, inspection, by):
    """Issue the order of ``inspection`` once and return its stored PDF (an Attachment).

    Raises ValidationError, issuing nothing, when the inspection is not one by law-enforcement
    officers or left no hazard to rectify. A second call returns the first order. Only an inspector
    who may change the inspection issues it (``PermissionDenied``)."""
    scope.require(by, "inspect", inspection, _("The inspecting authority issues the rectification order."))
    with transaction.atomic():
        # the lock serialises two first downloads: the second one finds the first order
        inspection = (Inspection.objects.select_for_update(of=("self",))
                      .select_related("enterprise", "township", "submitted_by__region").get(pk=inspection.pk))
        issued = order_find(inspection)
        if issued is not None:
            return issued
        if inspection.kind not in OFFICER_KINDS:
            raise ValidationError(_("A rectification order follows an inspection by law-enforcement officers; "
                                    "a patrol does not issue one."), code="order_kind")
        hazards = list(order_hazards(inspection))
        if not hazards:
            raise ValidationError(_("No rectification order is issued: this inspection found no hazard, or every "
                                    "hazard it found was rectified on the spot."), code="order_no_hazards")
        issuer = issuer_for(inspection)
        date = timezone.localdate()
        _number, number_text = document_number_next(prefix=issuer.prefix, year=date.year, kind=NUMBER_KIND,
                                                     region=issuer.region)
        pdf = render_pdf(TEMPLATE, order_context(inspection=inspection, hazards=hazards, issuer=issuer,
                                                 number_text=number_text, date=date))
        return attachment_create(owner=inspection, file=ContentFile(pdf, name=f"{FILE_PREFIX}{number_text}.pdf"),
                                 by=by)
