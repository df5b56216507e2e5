"""Editing and publishing a notice (issue 10 item 3): the draft's text changes until it is published;
publishing numbers it per prefix and year (常应急函〔2026〕1号, then 2号), freezes it, tells every user
bound within the addressed units and nobody else, and records who reads it. Bad input gets a Chinese
message and changes nothing."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.documents.models import DocumentNumber
from portal.notices import drafting, services
from portal.notices.models import Notice, NoticeReceipt
from portal.notifications.models import Notification
from tests.notices.conftest import NEXT_STEP, TODAY, draft, publish, written

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quick_render")]


def snapshot_of(notice):
    """What a refused step must leave as it was."""
    notice.refresh_from_db()
    return (notice.state, notice.number, notice.title, notice.body, notice.next_steps, notice.attachments,
            notice.signature_date, notice.updated_at)


def test_a_draft_is_edited_block_by_block(frozen, people):
    notice = draft(frozen, people.city_bureau)
    body = [dict(b) for b in notice.body]
    body[0]["text"] = "三季度以来，全市应急管理部门围绕重点工作扎实推进。现将有关情况通报如下："
    body[-1]["text"] = "   "  # emptied: removed
    attachments = [a["figure"] for a in notice.attachments if a["figure"] != "risk.points"]
    services.notice_update(notice=notice, by=people.city_bureau, body=body, next_steps=[NEXT_STEP, "", "  第二段。"],
                           attachments=attachments, copied_to="市安委会各成员单位", title="关于三季度全市工贸行业有关情况的通报",
                           signature_date=datetime.date(2026, 11, 20))
    notice.refresh_from_db()
    assert notice.body[0]["text"].startswith("三季度以来") and len(notice.body) == len(body) - 1
    assert notice.next_steps == [NEXT_STEP, "第二段。"]
    assert [a["figure"] for a in notice.attachments] == attachments
    assert (notice.copied_to, notice.title, notice.updated_by) == (
        "市安委会各成员单位", "关于三季度全市工贸行业有关情况的通报", people.city_bureau)
    # a ranking table the draft does not have (any more) cannot be added
    with pytest.raises(ValidationError) as error:
        services.notice_update(notice=notice, by=people.city_bureau, attachments=["risk.points"])
    assert error.value.message_dict["attachments"] == ["“risk.points”不是本稿的排名表。"]
    # a bad block names itself
    with pytest.raises(ValidationError) as error:
        services.notice_update(notice=notice, by=people.city_bureau, body=[{"kind": "h9", "text": "x"}])
    assert "第 1 段" in error.value.message_dict["body.0"][0]


def test_publishing_numbers_freezes_and_dates_the_notice(frozen, people, django_capture_on_commit_callbacks):
    first = written(draft(frozen, people.city_bureau), people.city_bureau)
    second = written(draft(frozen, people.city_bureau), people.city_bureau)
    first = publish(first, people.city_bureau, django_capture_on_commit_callbacks)
    assert (first.state, first.number, first.signature_date) == (Notice.State.PUBLISHED, "常应急函〔2026〕1号", TODAY)
    assert (first.published_by, first.published_at is not None) == (people.city_bureau, True)
    second = publish(second, people.city_bureau, django_capture_on_commit_callbacks)
    assert second.number == "常应急函〔2026〕2号"
    assert DocumentNumber.objects.get(prefix="常应急函", year=2026).last_number == 2
    # another prefix runs its own sequence: 甲区's first notice is its 1号
    district = publish(written(draft(frozen, people.a_bureau, number_prefix="甲应急函"), people.a_bureau),
                       people.a_bureau, django_capture_on_commit_callbacks)
    assert district.number == "甲应急函〔2026〕1号"


def test_a_published_notice_refuses_every_change(frozen, people, django_capture_on_commit_callbacks):
    notice = publish(written(draft(frozen, people.city_bureau), people.city_bureau), people.city_bureau,
                     django_capture_on_commit_callbacks)
    before = snapshot_of(notice)
    for step in (lambda: services.notice_update(notice=notice, by=people.city_bureau, title="改过的标题"),
                 lambda: services.notice_update(notice=notice, by=people.city_bureau, next_steps=["改写"]),
                 lambda: services.notice_publish(notice=notice, by=people.city_bureau),
                 lambda: services.notice_delete(notice=notice, by=people.city_bureau)):
        with pytest.raises(ValidationError) as error:
            step()
        assert error.value.messages == ["通报常应急函〔2026〕1号已发布，不能再修改。"]
    assert snapshot_of(notice) == before
    assert DocumentNumber.objects.get(prefix="常应急函").last_number == 1


def test_an_empty_draft_or_the_placeholder_is_not_published(frozen, people, django_capture_on_commit_callbacks):
    notice = draft(frozen, people.city_bureau)
    with pytest.raises(ValidationError) as error:  # next steps still the placeholder
        services.notice_publish(notice=notice, by=people.city_bureau)
    assert error.value.messages == ["“下一步工作”仍为占位文字，请替换为本单位的工作安排后再发布。"]
    services.notice_update(notice=notice, by=people.city_bureau, body=[{"kind": "h1", "text": "一、主要工作"}],
                           next_steps=[])
    before = snapshot_of(notice)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.notice_publish(notice=notice, by=people.city_bureau)
    assert error.value.messages == ["通报正文为空，请先撰写正文再发布。", "请先撰写“三、下一步工作”再发布。"]
    assert snapshot_of(notice) == before and notice.state == Notice.State.DRAFT
    assert not DocumentNumber.objects.exists() and not Notification.objects.exists()


def test_only_the_issuing_bureau_changes_or_publishes(frozen, people, city, django_capture_on_commit_callbacks):
    notice = written(draft(frozen, people.city_bureau), people.city_bureau)
    before = snapshot_of(notice)
    for user in (people.a_bureau, people.a1_inspector, people.other_city, people.enterprise_user):
        with pytest.raises(PermissionDenied):
            services.notice_update(notice=notice, by=user, title="越权修改")
        with pytest.raises(PermissionDenied):
            services.notice_publish(notice=notice, by=user)
    assert snapshot_of(notice) == before


def test_the_message_reaches_the_addressed_units_users_and_nobody_else(frozen, people,
                                                                      django_capture_on_commit_callbacks):
    notice = publish(written(draft(frozen, people.city_bureau), people.city_bureau), people.city_bureau,
                     django_capture_on_commit_callbacks)
    sent = Notification.objects.filter(kind="notices.published")
    # bound within 甲区 or 乙区: both bureaus, the two township inspectors, the grid member of 甲一镇's
    # cell; not the issuer, the enterprise user, the inactive inspector or another city's bureau
    assert {n.user.username for n in sent} == {"a_bureau", "b_bureau", "a1_inspector", "b2_inspector", "a1_grid"}
    message = sent.get(user=people.a1_inspector)
    assert message.title == "通报 常应急函〔2026〕1号：关于2026年第三季度全市工贸行业安全生产工作情况的通报"
    assert message.url == f"/notices/{notice.pk}/" and message.target == notice


def test_receipts_per_addressed_unit(frozen, people, django_capture_on_commit_callbacks):
    notice = publish(written(draft(frozen, people.city_bureau), people.city_bureau), people.city_bureau,
                     django_capture_on_commit_callbacks)
    a, b = notice.recipients.order_by("order")
    assert services.notice_read(notice=notice, user=people.a1_inspector) == a
    assert services.notice_read(notice=notice, user=people.b_bureau, via=NoticeReceipt.Via.PDF) == b
    assert services.notice_read(notice=notice, user=people.grid, via=NoticeReceipt.Via.DOCX) == a
    first = NoticeReceipt.objects.get(user=people.a1_inspector).read_at
    services.notice_read(notice=notice, user=people.a1_inspector, via=NoticeReceipt.Via.PDF)  # the first read stays
    assert NoticeReceipt.objects.get(user=people.a1_inspector).read_at == first
    # the issuer, and anyone outside the addressed units, leave no receipt
    assert services.notice_read(notice=notice, user=people.city_bureau) is None
    assert services.notice_read(notice=notice, user=people.other_city) is None
    assert {(r.recipient.region.name, r.user.username, r.via) for r in NoticeReceipt.objects.all()} == {
        ("甲区", "a1_inspector", "page"), ("乙区", "b_bureau", "pdf"), ("甲区", "a1_grid", "docx")}


def test_a_draft_has_no_readers(frozen, people):
    notice = draft(frozen, people.city_bureau)
    assert services.notice_read(notice=notice, user=people.a1_inspector) is None
    assert not NoticeReceipt.objects.exists()
    assert drafting.NEXT_STEPS_PLACEHOLDER in notice.next_steps
