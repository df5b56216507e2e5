"""Self-check lists (issue 11 item 4): sending is idempotent, a submission is once, failed items
become hazards with source self_check, bad input changes nothing."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections import services
from inspections.models import Hazard, SelfCheckAnswer, SelfCheckList
from portal.attachments.models import Attachment

from tests.enterprises.factories import make_enterprise, make_enterprise_user
from tests.factories import jpeg
from tests.inspections.self_check_factories import D, answers_for, general, make_campaign, send

pytestmark = pytest.mark.django_db


def state():
    return (list(SelfCheckList.objects.order_by("pk").values()), list(SelfCheckAnswer.objects.order_by("pk").values()),
            Hazard.objects.count(), Attachment.objects.count())


def test_send_reaches_every_target_once_and_again_only_the_missing(world, django_assert_max_num_queries):
    campaign = make_campaign(world)
    assert send(campaign, world.bureau) == 3
    lists = SelfCheckList.objects.order_by("township__path", "enterprise_id")
    assert [(x.township.name, x.state, x.due_date, x.sent_by) for x in lists] == [
        ("湖塘镇", "sent", D(2026, 11, 30), world.bureau), ("湖塘镇", "sent", D(2026, 11, 30), world.bureau),
        ("洛阳镇", "sent", D(2026, 11, 30), world.bureau)]
    assert general().used_at is not None  # the lists are filled from it: frozen
    assert send(campaign, world.bureau) == 0 and SelfCheckList.objects.count() == 3
    newcomer = make_enterprise(township=world.luoyang, name="常州洛阳新材料有限公司")
    services.campaign_targets_add(campaign=campaign, by=world.bureau, enterprises=[newcomer])
    assert services.self_check_missing(campaign).get() == newcomer
    with django_assert_max_num_queries(12):  # scope, lock, checks, the missing, one insert, mark used
        assert send(campaign, world.bureau) == 1
    assert SelfCheckList.objects.count() == 4


def test_who_sends_the_campaigns_unit_or_above(world):
    campaign = make_campaign(world)
    for outsider in (world.inspector, world.principal, world.grid_member):
        with pytest.raises(PermissionDenied):
            send(campaign, outsider)
    assert SelfCheckList.objects.count() == 0
    assert send(campaign, world.city_staff) == 3


def test_bad_sends_say_why_and_change_nothing(world):
    campaign = make_campaign(world)
    with pytest.raises(ValidationError) as exc:
        send(campaign, world.bureau, due_date=D(2026, 11, 1))
    assert exc.value.message_dict["due_date"] == ["截止日期不能早于今天。"]
    with pytest.raises(ValidationError) as exc:
        services.self_check_send(campaign=campaign, by=world.bureau, checklist=None, due_date=D(2026, 11, 30))
    assert "checklist" in exc.value.message_dict
    empty = make_campaign(world, targets=[], name="空专项")
    with pytest.raises(ValidationError) as exc:
        send(empty, world.bureau)
    assert exc.value.message_dict["campaign"] == ["该专项行动还没有目标企业：请先添加。"]
    ended = make_campaign(world, start=D(2026, 9, 1), end=D(2026, 10, 31), name="已结束")
    with pytest.raises(ValidationError):
        send(ended, world.bureau)
    assert SelfCheckList.objects.count() == 0 and general().used_at is None


def test_submit_records_answers_and_failed_items_become_self_check_hazards(world):
    campaign = make_campaign(world)
    send(campaign, world.bureau)
    mine = SelfCheckList.objects.get(enterprise=world.e_hutang)
    services.self_check_submit(self_check=mine, by=world.principal,
                               answers=answers_for(mine, {"GEN-02": "安全管理制度未更新", "GEN-05": "灭火器过期"}),
                               photos={"GEN-05": jpeg()})
    mine.refresh_from_db()
    assert (mine.state, mine.done_by) == ("done", world.principal) and mine.done_at is not None
    assert mine.answers.count() == len(answers_for(mine))
    hazards = Hazard.objects.order_by("item_code")
    # 2 failed items -> 2 general hazards, source self_check, due after the shipped 30 days
    assert [(h.item_code, h.source, h.severity, h.enterprise, h.township, h.found_on, h.deadline, h.reported_by)
            for h in hazards] == [
        ("GEN-02", "self_check", "general", world.e_hutang, world.hutang, D(2026, 11, 16), D(2026, 12, 16),
         world.principal),
        ("GEN-05", "self_check", "general", world.e_hutang, world.hutang, D(2026, 11, 16), D(2026, 12, 16),
         world.principal)]
    assert "灭火器过期" in hazards[1].description
    assert sorted(mine.answers.exclude(hazard=None).values_list("item_code", flat=True)) == ["GEN-02", "GEN-05"]
    photo = Attachment.objects.get()
    assert photo.object_id == mine.answers.get(item_code="GEN-05").pk
    result = services.self_check_result(mine)
    assert (result["failed"], result["hazards"]) == (2, [h.pk for h in hazards.order_by("pk")])


def test_a_submitted_list_cannot_be_submitted_again(world):
    campaign = make_campaign(world)
    send(campaign, world.bureau)
    mine = SelfCheckList.objects.get(enterprise=world.e_hutang)
    services.self_check_submit(self_check=mine, by=world.principal, answers=answers_for(mine))
    before = state()
    with pytest.raises(ValidationError) as exc:
        services.self_check_submit(self_check=mine, by=world.principal, answers=answers_for(mine, {"GEN-01": "x"}))
    assert "已于" in exc.value.messages[0] and "不能再次提交" in exc.value.messages[0]
    assert state() == before


def test_bad_answers_say_why_and_change_nothing(world):
    campaign = make_campaign(world)
    send(campaign, world.bureau)
    mine = SelfCheckList.objects.get(enterprise=world.e_hutang)
    before = state()

    def refused(answers, photos=None):
        with pytest.raises(ValidationError) as exc:
            services.self_check_submit(self_check=mine, by=world.principal, answers=answers, photos=photos)
        assert state() == before
        return exc.value.message_dict["answers"]

    assert refused(answers_for(mine, skip=("GEN-03", "GEN-04"))) == ["请回答每一项：GEN-03、GEN-04 未回答。"]
    assert refused([*answers_for(mine), {"item": "DUST-01", "result": "pass"}]) == ["检查项 DUST-01 不在这份自查清单中。"]
    assert refused(answers_for(mine, {"GEN-01": ""})) == ["检查项 GEN-01 不符合：请说明问题所在。"]
    bad = answers_for(mine)
    bad[0]["result"] = "maybe"
    assert refused(bad) == ["检查项 GEN-01：结果应为符合、不符合或不适用。"]
    # a photo that is no image: the attachment refuses it, the transaction takes the rest back
    with pytest.raises(ValidationError):
        services.self_check_submit(self_check=mine, by=world.principal, answers=answers_for(mine, {"GEN-01": "x"}),
                                   photos={"GEN-01": _not_an_image()})
    assert state() == before


def _not_an_image():
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile("photo.jpg", b"not an image at all")


def test_only_the_lists_own_enterprise_writers_fill_it(world):
    campaign = make_campaign(world)
    send(campaign, world.bureau)
    mine = SelfCheckList.objects.get(enterprise=world.e_hutang)
    other = SelfCheckList.objects.get(enterprise=world.e_luoyang)
    luoyang_principal = make_enterprise_user(world.e_luoyang, "principal", username="luoyang_principal")
    before = state()
    for user, lst in ((luoyang_principal, mine), (world.principal, other), (world.staff, mine),
                      (world.inspector, mine), (world.bureau, mine)):
        with pytest.raises(PermissionDenied):
            services.self_check_submit(self_check=lst, by=user, answers=answers_for(lst))
    assert state() == before
