"""The demo's year of enforcement (inspections/demo.py): every hazard state, rows the services could
have written (events consistent with each state, majors with a criterion), a 百日清零 campaign with
not-cleared enterprises, penalties — and the life-cycle services accept the generated rows."""
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone
import pytest

from enterprises.models import Enterprise, EnterpriseChange, Status
from inspections.models import (Campaign, ChecklistTemplate, Hazard, HazardEvent, HazardExtension,
                                HazardSeverity, HazardSource, HazardStatus, Inspection, InspectionAnswer,
                                InspectionPlan, Penalty, PlanItem)
from inspections.services import (campaign_not_cleared, hazard_extension_decide, hazard_plan, hazard_send_back,
                                  hazard_submit, hazard_verify, plan_completion)
from portal.accounts import scope
from portal.accounts.models import User
from portal.attachments.models import Attachment
from portal import demo as portal_demo

from tests.factories import jpeg

S, A = HazardStatus, HazardEvent.Action
STATUS_ACTIONS = {A.REPORT, A.PLAN, A.SUBMIT, A.VERIFY, A.SEND_BACK, A.CLOSE_ON_SPOT}


@pytest.fixture
def demo(db, settings, monkeypatch):
    # the risk generator's rows are tested in tests/risk_reports/test_demo_risk.py (built once per
    # module there) and in test_demo_dates; these tests count the rows of the apps to its left
    portal_demo.generators()  # discovers every app's demo module, so the risk one is registered to remove
    monkeypatch.delitem(portal_demo._generators, "risk_reports")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("demo_data", enterprises=200, seed=1, stdout=out)
    return out.getvalue()


def _overdue(today):
    return Hazard.objects.exclude(status=S.CLOSED).filter(deadline__lt=today)


def test_every_hazard_state_appears(demo):
    today = timezone.localdate()
    hazards = Hazard.objects.all()
    assert set(hazards.values_list("status", flat=True)) == set(S.values)
    assert hazards.filter(on_the_spot=True, status=S.CLOSED).exists()  # 当场整改
    assert _overdue(today).exists()  # open past the deadline
    assert hazards.exclude(status=S.CLOSED).filter(deadline__gte=today).exists()  # open, in time
    # sent back and rectifying again; and sent back, re-submitted and closed
    last = {}
    for hazard_id, action in HazardEvent.objects.filter(action__in=STATUS_ACTIONS).values_list("hazard", "action"):
        last[hazard_id] = action
    sent_back = [pk for pk, action in last.items() if action == A.SEND_BACK]
    assert sent_back and set(hazards.filter(pk__in=sent_back).values_list("status", flat=True)) == {S.RECTIFYING}
    assert hazards.filter(status=S.CLOSED, events__action=A.SEND_BACK).exists()
    # major hazards, open and closed, all district supervised with a criterion; generals neither
    majors = hazards.filter(severity=HazardSeverity.MAJOR)
    assert majors.filter(status=S.CLOSED).exists() and majors.exclude(status=S.CLOSED).exists()
    assert not majors.filter(Q(major_criterion__isnull=True) | Q(district_supervised=False)).exists()
    assert not majors.filter(on_the_spot=True).exists()
    generals = hazards.filter(severity=HazardSeverity.GENERAL)
    assert not generals.filter(Q(major_criterion__isnull=False) | Q(district_supervised=True)).exists()
    # sources: inspections and the enterprises' own self-checks
    assert {HazardSource.INSPECTION, HazardSource.SELF_CHECK} <= set(hazards.values_list("source", flat=True))
    # extension requests in each state; a granted one moved the deadline
    extensions = HazardExtension.objects.all()
    assert set(extensions.values_list("status", flat=True)) == set(HazardExtension.Status.values)
    for ext in extensions.filter(status=HazardExtension.Status.GRANTED).select_related("hazard"):
        assert ext.hazard.deadline == ext.new_deadline > ext.old_deadline
    for ext in extensions.filter(status=HazardExtension.Status.PENDING).select_related("hazard"):
        assert ext.hazard.status in (S.REPORTED, S.RECTIFYING) and ext.decided_at is None
    # an order to suspend production, recorded as a roster change
    suspended = hazards.filter(suspension_ordered=True)
    assert suspended.exists()
    for hazard in suspended.select_related("enterprise"):
        assert hazard.enterprise.status == Status.SUSPENDED
        assert EnterpriseChange.objects.filter(enterprise=hazard.enterprise, to_status=Status.SUSPENDED).exists()


def test_rows_are_ones_the_services_could_write(demo):
    today = timezone.localdate()
    tz = timezone.get_default_timezone()
    hazards = Hazard.objects.select_related("inspection").prefetch_related("events")
    assert hazards.count() > 100
    for hazard in hazards:
        hazard.clean()  # the model's rules: deadline ≥ found, a major hazard names its criterion
        assert hazard.found_on <= today
        events = list(hazard.events.all())
        chain = [e for e in events if e.action in STATUS_ACTIONS]
        assert chain[0].action == A.REPORT and chain[0].to_status == S.REPORTED, hazard.pk
        for before, after in zip(chain, chain[1:]):
            assert after.from_status == before.to_status, (hazard.pk, before.action, after.action)
        assert chain[-1].to_status == hazard.status, hazard.pk
        assert [e.at for e in events] == sorted(e.at for e in events), hazard.pk
        assert all(hazard.found_on <= e.at.astimezone(tz).date() <= today for e in events), hazard.pk
        if hazard.status == S.CLOSED:
            closing = chain[-1]
            assert closing.action in (A.VERIFY, A.CLOSE_ON_SPOT), hazard.pk
            assert hazard.closed_on == closing.at.astimezone(tz).date() and hazard.closed_by_id, hazard.pk
            assert (closing.action == A.CLOSE_ON_SPOT) == hazard.on_the_spot
        else:
            assert hazard.closed_on is None and not hazard.on_the_spot
        if hazard.status != S.REPORTED and not hazard.on_the_spot:  # the five in place
            assert hazard.responsible_person and hazard.measures and hazard.emergency_plan and hazard.funds is not None
        if hazard.source == HazardSource.INSPECTION:
            assert hazard.inspection_id and hazard.inspection.enterprise_id == hazard.enterprise_id
            assert hazard.found_on == hazard.inspection.inspected_on and hazard.township_id == hazard.inspection.township_id
    # evidence photos on every submission and every hazard closed on the spot, served like any attachment
    submits = HazardEvent.objects.filter(action=A.SUBMIT)
    assert Attachment.objects.filter(content_type__model="hazardevent").count() == submits.count()
    assert Attachment.objects.filter(content_type__model="hazard").count() == Hazard.objects.filter(on_the_spot=True).count()

    # inspections: two officers with certificate numbers, every checklist item answered, a hazard per failure
    inspections = Inspection.objects.annotate(n=Count("answers"))
    assert inspections.count() > 100
    items = dict(ChecklistTemplate.objects.annotate(n=Count("items")).values_list("pk", "n"))
    for inspection in inspections:
        assert len(inspection.officers) == 2 and all(c for _n, c in inspection.officers)
        assert inspection.officer_1_certificate != inspection.officer_2_certificate
        assert inspection.n == items[inspection.checklist_id] and inspection.inspected_on <= today
    failed = set(InspectionAnswer.objects.filter(result="fail").values_list("inspection", "item_code"))
    assert failed == set(Hazard.objects.filter(source=HazardSource.INSPECTION).values_list("inspection", "item_code"))
    assert not ChecklistTemplate.objects.filter(inspections__isnull=False, used_at__isnull=True).exists()
    assert set(ChecklistTemplate.objects.filter(used_at__isnull=False).values_list("code", flat=True)) >= {"general"}
    assert not InspectionAnswer.objects.exclude(item__template=F("inspection__checklist")).exists()


def test_plans_campaign_and_penalties(demo):
    today = timezone.localdate()
    plans = InspectionPlan.objects.filter(year=today.year)
    district = plans.get(region__code="320412", kind=InspectionPlan.Kind.ANNUAL)
    assert plans.filter(region__level="township", kind=InspectionPlan.Kind.ANNUAL).count() == 13
    cross = plans.get(kind=InspectionPlan.Kind.CROSS)
    assert district.sample_id is not None  # the recorded random draw
    assert district.items.filter(source=PlanItem.Source.FILTER).exists()  # dust, ≥ 10 per shift, by end of August
    completion = plan_completion(district)
    assert completion["total"] > 0 and 0 <= completion["done_due"] <= completion["due"] <= completion["total"]
    assert (completion["rate"] is None) == (completion["due"] == 0)  # early in the year nothing is due yet
    assert Inspection.objects.filter(plan_item__isnull=False).exists()
    # the cross-inspection widens 湖塘镇's inspector's scope to the assigned enterprises, outside 湖塘镇
    hutang = User.objects.get(username="hutang")
    assigned = set(cross.items.values_list("enterprise", flat=True))
    assert assigned and not Enterprise.objects.filter(pk__in=assigned, township=hutang.region).exists()
    assert assigned <= set(scope.visible(hutang, Enterprise.objects.all()).values_list("pk", flat=True))
    assert set(cross.items.values_list("assignee", flat=True)) == {hutang.pk}

    campaign = Campaign.objects.get(kind=Campaign.Kind.HUNDRED_DAYS)
    assert campaign.end < today and campaign.targets.exists() and campaign.inspections.exists()
    not_cleared = list(campaign_not_cleared(campaign))
    assert not_cleared
    assert any(e.still_open for e in not_cleared)  # still tracked
    assert set(campaign.inspections.values_list("enterprise", flat=True)) <= set(
        campaign.targets.values_list("pk", flat=True))
    assert not campaign.inspections.exclude(inspected_on__range=(campaign.start, campaign.end)).exists()

    penalties = Penalty.objects.select_related("inspection")
    assert penalties.exists() and penalties.filter(fine__gt=0).exists()
    for penalty in penalties:
        penalty.full_clean()
        assert penalty.inspection.inspected_on <= penalty.decided_on <= today
        assert penalty.enterprise_id == penalty.inspection.enterprise_id and penalty.legal_basis


def test_the_services_take_the_generated_rows_further(demo):
    bureau = User.objects.get(username="bureau")
    qiye = User.objects.get(username="qiye")
    company = qiye.enterprise_membership.enterprise
    # the enterprise account has something to act on at each step
    own = Hazard.objects.filter(enterprise=company)
    assert {S.REPORTED, S.RECTIFYING, S.SUBMITTED} <= set(own.values_list("status", flat=True))
    assert HazardExtension.objects.filter(hazard__enterprise=company, status="pending").exists()

    reported = own.filter(status=S.REPORTED, severity=HazardSeverity.GENERAL).first()
    hazard_plan(hazard=reported, by=qiye, responsible_person="张三", measures="更换灭火器", funds=800,
                emergency_plan="设专人看护")
    hazard_submit(hazard=reported, by=qiye, note="已整改", evidence=[jpeg()])
    hazard_verify(hazard=reported, by=bureau, note="同意销号")
    reported.refresh_from_db()
    assert reported.status == S.CLOSED and reported.closed_on == timezone.localdate()

    submitted = Hazard.objects.filter(status=S.SUBMITTED, severity=HazardSeverity.MAJOR).first() \
        or Hazard.objects.filter(status=S.SUBMITTED).first()
    hazard_send_back(hazard=submitted, by=bureau, reason="照片不清晰")
    assert Hazard.objects.get(pk=submitted.pk).status == S.RECTIFYING

    pending = HazardExtension.objects.filter(status="pending").first()
    hazard_extension_decide(extension=pending, by=bureau, grant=True)
    pending.hazard.refresh_from_db()
    assert pending.hazard.deadline == pending.new_deadline

    closed = Hazard.objects.filter(status=S.CLOSED).first()
    events = closed.events.count()
    with pytest.raises(ValidationError):
        hazard_verify(hazard=closed, by=bureau)
    assert closed.events.count() == events


def test_if_empty_adds_nothing_the_second_time(demo):
    before = (Inspection.objects.count(), Hazard.objects.count(), HazardEvent.objects.count())
    out = StringIO()
    call_command("demo_data", enterprises=200, seed=2, if_empty=True, stdout=out)
    assert "nothing to do" in out.getvalue() and "inspections" in out.getvalue()
    assert (Inspection.objects.count(), Hazard.objects.count(), HazardEvent.objects.count()) == before


def test_the_log_line_counts_what_was_made(demo):
    assert "enforcement plans" in demo and "not cleared" in demo
    assert f"{Inspection.objects.count()} inspections" in demo
    # the inspections' line counts theirs; the risk demo's scan hazards and the self-check lists' are their own
    ours = Hazard.objects.exclude(source=HazardSource.SCAN).filter(self_check_answer__isnull=True)
    assert f"{ours.count()} hazards" in demo
