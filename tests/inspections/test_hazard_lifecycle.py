"""The hazard life cycle through its services: reported → rectifying → submitted → closed, sent
back, on the spot, extensions, suspension; out-of-order steps and wrong verifiers change nothing."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from enterprises.models import EnterpriseChange
from inspections.models import Hazard, HazardEvent, HazardExtension, Inspection
from inspections.services import (hazard_extension_decide, hazard_extension_request, hazard_plan, hazard_report,
                                  hazard_send_back, hazard_submit, hazard_suspend, hazard_verify,
                                  inspection_correct)
from portal.attachments.models import Attachment

from tests.factories import jpeg
from tests.inspections.factories import criterion, make_inspection

pytestmark = pytest.mark.django_db
D = datetime.date(2022, 5, 10)


def _general(world, **finding):
    inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=D,
                                 failures={"GEN-12": {"description": "灭火器过期", **finding}})
    return inspection.hazards.get()


def _plan(hazard, by):
    return hazard_plan(hazard=hazard, by=by, responsible_person="王五", measures="更换灭火器", funds=Decimal("800"),
                       emergency_plan="临时增配灭火器")


def _messages(exc):
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms) if hasattr(exc.value, "error_dict") \
        else " ".join(exc.value.messages)


def test_a_general_hazard_is_driven_to_a_verified_close(world):
    hazard = _general(world)
    assert (hazard.status, hazard.severity, hazard.township, hazard.item_code) == (
        "reported", "general", world.hutang, "GEN-12")
    _plan(hazard, world.principal)
    hazard_submit(hazard=hazard, by=world.principal, note="已更换", evidence=[jpeg()])
    hazard_verify(hazard=hazard, by=world.inspector, note="现场核实")
    hazard.refresh_from_db()
    assert hazard.status == "closed" and hazard.closed_by == world.inspector
    assert list(hazard.events.values_list("action", flat=True)) == ["report", "plan", "submit", "verify"]
    submit = hazard.events.get(action="submit")
    assert Attachment.objects.filter(object_id=submit.pk).count() == 1


def test_send_back_returns_to_rectifying_with_the_reason(world):
    hazard = _general(world)
    _plan(hazard, world.principal)
    hazard_submit(hazard=hazard, by=world.principal, note="已更换", evidence=[jpeg()])
    hazard_send_back(hazard=hazard, by=world.inspector, reason="照片看不清")
    hazard.refresh_from_db()
    assert hazard.status == "rectifying"
    assert hazard.events.last().note == "照片看不清"


def test_second_verification_of_a_closed_hazard_is_refused(world):
    hazard = _general(world)
    _plan(hazard, world.principal)
    hazard_submit(hazard=hazard, by=world.principal, note="已更换", evidence=[jpeg()])
    hazard_verify(hazard=hazard, by=world.inspector)
    with pytest.raises(ValidationError) as exc:
        hazard_verify(hazard=hazard, by=world.bureau)
    assert "该隐患已验收销号" in _messages(exc)
    assert hazard.events.count() == 4


def test_a_transition_out_of_order_changes_nothing(world):
    hazard = _general(world)
    with pytest.raises(ValidationError) as exc:
        hazard_verify(hazard=hazard, by=world.inspector)
    assert "已上报" in _messages(exc)
    with pytest.raises(ValidationError):
        hazard_submit(hazard=hazard, by=world.principal, note="x", evidence=[jpeg()])
    hazard.refresh_from_db()
    assert hazard.status == "reported" and hazard.events.count() == 1


def test_verification_by_someone_outside_the_township_is_refused(world):
    hazard = _general(world)
    _plan(hazard, world.principal)
    hazard_submit(hazard=hazard, by=world.principal, note="已更换", evidence=[jpeg()])
    # who may verify is decided before the state: a refusal of the actor is a PermissionDenied (403)
    for outsider in (world.luoyang_inspector, world.principal, world.grid_member):
        with pytest.raises(PermissionDenied) as exc:
            hazard_verify(hazard=hazard, by=outsider)
        assert "本镇" in str(exc.value) or "所在" in str(exc.value)
    hazard.refresh_from_db()
    assert hazard.status == "submitted"


def test_major_hazard_is_district_supervised_and_verified_by_the_bureau(world):
    inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=D, checklist="dust",
                                 failures={"DUST-04": {"major_criterion": criterion("DUST-3").pk}})
    hazard = inspection.hazards.get()
    assert hazard.severity == "major" and hazard.district_supervised
    _plan(hazard, world.principal)
    hazard_submit(hazard=hazard, by=world.principal, note="已加装泄爆片", evidence=[jpeg()])
    with pytest.raises(PermissionDenied) as exc:
        hazard_verify(hazard=hazard, by=world.inspector)
    assert "区" in str(exc.value)
    hazard_verify(hazard=hazard, by=world.bureau)
    hazard.refresh_from_db()
    assert hazard.status == "closed"


def test_on_the_spot_closes_at_once_with_a_photo(world):
    inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=D,
                                 failures={"GEN-13": {"on_the_spot": True}})
    hazard = inspection.hazards.get()
    assert (hazard.status, hazard.on_the_spot, hazard.closed_on) == ("closed", True, D)
    assert list(hazard.events.values_list("action", flat=True)) == ["report", "close_on_spot"]


def test_bad_findings_leave_no_inspection(world):
    with pytest.raises(ValidationError) as exc:
        make_inspection(world.e_hutang, world.inspector, inspected_on=D,
                        failures={"GEN-12": {"deadline": D - datetime.timedelta(days=1)}})
    assert "整改期限不能早于隐患发现日期" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        make_inspection(world.e_hutang, world.inspector, inspected_on=D, failures={"GEN-12": {"on_the_spot": True,
                                                                                              "photos": []}})
    assert "照片" in _messages(exc)
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


def test_two_officers_with_certificates_are_required(world):
    with pytest.raises(ValidationError) as exc:
        make_inspection(world.e_hutang, world.inspector, officers=[("张明", "32040001")])
    assert "两名执法人员" in _messages(exc)
    with pytest.raises(ValidationError):
        make_inspection(world.e_hutang, world.inspector, officers=[("张明", "1"), ("李强", "1")])
    assert not Inspection.objects.exists()


def test_submitted_inspection_is_immutable_except_by_recorded_correction(world):
    inspection = make_inspection(world.e_hutang, world.inspector)
    inspection.summary = "改"
    with pytest.raises(ValidationError):
        inspection.save()
    correction = inspection_correct(inspection=inspection, by=world.bureau, reason="笔误", summary="补充说明")
    inspection.refresh_from_db()
    assert inspection.summary == "补充说明"
    assert correction.changes == {"summary": ["", "补充说明"]}


def test_extension_granted_moves_the_deadline_refused_keeps_it(world):
    hazard = _general(world)
    old = hazard.deadline
    ext = hazard_extension_request(hazard=hazard, by=world.principal, new_deadline=old + datetime.timedelta(days=10),
                                   reason="设备到货延迟")
    with pytest.raises(ValidationError):  # one pending request at a time
        hazard_extension_request(hazard=hazard, by=world.principal, new_deadline=old + datetime.timedelta(days=20),
                                 reason="再延")
    with pytest.raises(PermissionDenied):  # another township does not decide
        hazard_extension_decide(extension=ext, by=world.luoyang_inspector, grant=True)
    hazard_extension_decide(extension=ext, by=world.inspector, grant=True)
    hazard.refresh_from_db()
    assert hazard.deadline == old + datetime.timedelta(days=10)
    ext2 = hazard_extension_request(hazard=hazard, by=world.principal, new_deadline=old + datetime.timedelta(days=30),
                                    reason="再延")
    with pytest.raises(ValidationError):  # a refusal says why
        hazard_extension_decide(extension=ext2, by=world.inspector, grant=False)
    hazard_extension_decide(extension=ext2, by=world.inspector, grant=False, note="理由不充分")
    hazard.refresh_from_db()
    assert hazard.deadline == old + datetime.timedelta(days=10)
    assert HazardExtension.objects.filter(status="refused").count() == 1


def test_suspension_changes_the_roster_status_as_a_roster_change(world):
    hazard = _general(world)
    hazard_suspend(hazard=hazard, by=world.inspector, reason="灭火器全部失效")
    world.e_hutang.refresh_from_db()
    assert world.e_hutang.status == "suspended"
    change = EnterpriseChange.objects.filter(enterprise=world.e_hutang, kind="status").get()
    assert change.to_status == "suspended" and change.effective_date == timezone.localdate()
    with pytest.raises(ValidationError):
        hazard_suspend(hazard=hazard, by=world.inspector, reason="again")
    assert HazardEvent.objects.filter(hazard=hazard, action="suspend").count() == 1


def test_verifying_settles_a_pending_extension_request(world):
    hazard = _general(world)
    ext = hazard_extension_request(hazard=hazard, by=world.principal,
                                   new_deadline=hazard.deadline + datetime.timedelta(days=5), reason="等待配件")
    _plan(hazard, world.principal)
    hazard_submit(hazard=hazard, by=world.principal, note="已更换", evidence=[jpeg()])
    hazard_verify(hazard=hazard, by=world.inspector)
    ext.refresh_from_db()
    assert ext.status == "refused" and ext.decision_note == "隐患已验收销号。"
    with pytest.raises(ValidationError):
        hazard_extension_decide(extension=ext, by=world.inspector, grant=True)


def test_submit_is_a_fixed_small_number_of_queries(world, django_assert_num_queries):
    """The field submit is the hot path (bench: inspections submit): no query per foreign key or
    per check constraint, and a used checklist is not looked at again."""
    from inspections.models import ChecklistTemplate
    from inspections.services import inspection_submit

    make_inspection(world.e_hutang, world.inspector, failures={"GEN-12": {}})  # the checklist is now used
    template = ChecklistTemplate.objects.get(code="general", region=None, status="published")
    answers = [{"item": i.pk, "result": "fail" if i.code == "GEN-12" else "pass"} for i in template.items.all()]
    finding = {"item_code": "GEN-12", "description": "灭火器过期", "deadline": D + datetime.timedelta(days=30)}
    # savepoint; may the user inspect this enterprise (one EXISTS); the checklist's items; the
    # inspection and its audit row; the answers (one insert); savepoint; the hazard, its audit row
    # and its event; releases
    with django_assert_num_queries(12):
        inspection_submit(enterprise=world.e_hutang2, by=world.inspector, kind="enforcement", inspected_on=D,
                          checklist=template, answers=answers, findings=[finding],
                          officers=[("张明", "32040001"), ("李强", "32040002")])
