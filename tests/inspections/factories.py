"""Inspections submitted through the service, and the major-hazard criteria by code."""
import datetime

from tests.factories import jpeg

OFFICERS = [("张明", "32040001"), ("李强", "32040002")]


def make_inspection(enterprise, by, *, inspected_on=datetime.date(2022, 5, 10), kind="enforcement", checklist="general",
                    failures=None, plan_item=None, campaign=None, officers=OFFICERS, summary="", checking_level=None):
    """Submit an inspection through the service: every item compliant except ``failures``, a dict
    ``{item_code: finding}`` where a finding is ``{"description", "deadline", "major_criterion",
    "on_the_spot", ...}`` (``deadline`` defaults to 30 days after the inspection)."""
    from inspections.models import ChecklistTemplate
    from inspections.services import inspection_submit

    template = ChecklistTemplate.objects.get(code=checklist, region=None, status="published")
    failures = failures or {}
    answers = [{"item": item.pk, "result": "fail" if item.code in failures else "pass"}
               for item in template.items.all()]
    findings = []
    for code, finding in failures.items():
        finding = {"description": f"{code} 不符合要求", **finding, "item_code": code}
        finding.setdefault("deadline", inspected_on + datetime.timedelta(days=30))
        if finding.get("on_the_spot") and "photos" not in finding:
            finding["photos"] = [jpeg()]
        findings.append(finding)
    return inspection_submit(enterprise=enterprise, by=by, kind=kind, inspected_on=inspected_on, checklist=template,
                             answers=answers, findings=findings, officers=officers, summary=summary,
                             plan_item=plan_item, campaign=campaign, checking_level=checking_level)


def criterion(code="DUST-3"):
    from inspections.models import MajorHazardCriterion
    return MajorHazardCriterion.objects.get(code=code)
