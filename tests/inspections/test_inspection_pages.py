"""The inspection and penalty pages: the field form submitted once (a double tap returns the first
inspection, a reused key with another payload is a 409), bad input changing nothing, scope (404
outside, read-only enterprise users), corrections, penalties."""
import datetime
import re
from html import unescape

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override

from inspections import services
from inspections.models import (ChecklistTemplate, Hazard, Inspection, InspectionAnswer, InspectionCorrection,
                                InspectionPlan, Penalty)
from portal.attachments.models import Attachment
from portal.submissions.models import Submission
from portal.submissions.services import new_client_key

from tests.factories import jpeg
from tests.inspections.factories import OFFICERS, make_inspection

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
CJK = re.compile(r"[\u4e00-\u9fff]")


def zh(msgid):
    """The message as the user reads it (zh-hans, the default language)."""
    with override("zh-hans"):
        return gettext(msgid)


def chinese(msgid):
    text = zh(msgid)
    assert CJK.search(text), f"untranslated: {msgid}"
    return text


def text(response):
    return unescape(response.content.decode())


def general():
    return ChecklistTemplate.objects.get(code="general", region=None, status="published")


def new_url(enterprise, checklist="general", **extra):
    query = f"enterprise={enterprise.pk}" + (f"&checklist={checklist}" if checklist else "")
    query += "".join(f"&{k}={v}" for k, v in extra.items())
    return f"/inspections/new/?{query}"


def field_form(checklist, *, key, fail=(), **extra):
    """What the field form posts: every item answered compliant except ``fail`` (item codes), each
    with a finding and a photo."""
    data = {"client_key": key, "checklist_version": checklist.pk, "kind": "enforcement",
            "inspected_on": TODAY().isoformat(), "officer_1_name": OFFICERS[0][0],
            "officer_1_certificate": OFFICERS[0][1], "officer_2_name": OFFICERS[1][0],
            "officer_2_certificate": OFFICERS[1][1], "summary": "现场检查，粉尘清扫记录不全。"}
    for item in checklist.items.all():
        data[f"answer_{item.pk}"] = "fail" if item.code in fail else "pass"
        if item.code in fail:
            data.update({f"f{item.pk}_description": f"{item.code} 现场不符合", f"f{item.pk}_location": "一号车间",
                         f"f{item.pk}_deadline": (TODAY() + datetime.timedelta(days=15)).isoformat(),
                         f"f{item.pk}_criterion": "", f"f{item.pk}_photos": jpeg("finding.jpg")})
    data.update(extra)
    return data


def snapshot():
    return (Inspection.objects.count(), Hazard.objects.count(), InspectionAnswer.objects.count(),
            Attachment.objects.count(), Submission.objects.count(), Penalty.objects.count(),
            InspectionCorrection.objects.count())


# -- the field form ---------------------------------------------------------------------------------
def test_field_form_journey_submits_once(client, world):
    client.force_login(world.inspector)
    checklist = general()
    picker = client.get(new_url(world.e_hutang, checklist=None))
    assert picker.status_code == 200 and "checklist=general" in text(picker)
    page = client.get(new_url(world.e_hutang))
    assert page.status_code == 200
    html = text(page)
    assert 'name="client_key"' in html and 'name="checklist_version"' in html
    assert f'value="{world.inspector.full_name}"' in html  # the first officer is the user
    assert "js/inspection_form.js" in html
    failed = checklist.items.order_by("order")[1]

    key = new_client_key()
    response = client.post(new_url(world.e_hutang), field_form(checklist, key=key, fail=[failed.code],
                                                                photos=jpeg("site.jpg")))
    assert response.status_code == 302, text(response)
    inspection = Inspection.objects.get()
    assert response["Location"] == f"/inspections/{inspection.pk}/"
    assert (inspection.enterprise, inspection.township, inspection.submitted_by, inspection.checklist) == (
        world.e_hutang, world.hutang, world.inspector, checklist)
    assert inspection.officers == OFFICERS
    assert inspection.answers.count() == checklist.items.count()
    hazard = Hazard.objects.get()
    assert (hazard.inspection, hazard.item_code, hazard.location, hazard.severity) == (
        inspection, failed.code, "一号车间", "general")
    assert Attachment.objects.filter(object_id=hazard.pk, original_name="finding.jpg").exists()
    assert Attachment.objects.filter(object_id=inspection.pk, original_name="site.jpg").exists()
    before = snapshot()

    # a double tap: the same key and payload answer the first inspection, nothing new
    again = client.post(new_url(world.e_hutang), field_form(checklist, key=key, fail=[failed.code],
                                                             photos=jpeg("site.jpg")))
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert snapshot() == before

    # the same key with another payload: 409, the Chinese message, nothing changes
    other = client.post(new_url(world.e_hutang), field_form(checklist, key=key, summary="另一次检查"))
    assert other.status_code == 409
    assert "该提交标识已用于另一次不同的提交" in text(other)
    assert snapshot() == before

    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert f"{failed.code} 现场不符合" in text(detail) and "不符合项 1 项" in text(detail)
    assert "list-group-item-danger" in text(detail)  # the failed item stands out


def test_missing_officers_are_named_in_chinese_and_nothing_is_saved(client, world):
    client.force_login(world.inspector)
    checklist = general()
    before = snapshot()
    key = new_client_key()
    response = client.post(new_url(world.e_hutang), field_form(
        checklist, key=key, officer_2_name="", officer_2_certificate=""))
    assert response.status_code == 200
    html = text(response)
    assert chinese("Name two law-enforcement officers, each with an enforcement certificate number.") in html
    assert 'id="form-errors"' in html
    assert snapshot() == before
    # the corrected form resubmits under the same, still unused key
    fixed = client.post(new_url(world.e_hutang), field_form(checklist, key=key))
    assert fixed.status_code == 302
    assert Inspection.objects.count() == 1


def test_an_unanswered_item_or_a_finding_without_description_changes_nothing(client, world):
    client.force_login(world.inspector)
    checklist = general()
    item = checklist.items.order_by("order").first()
    unanswered = checklist.items.order_by("order").last()
    before = snapshot()
    data = field_form(checklist, key=new_client_key())
    del data[f"answer_{unanswered.pk}"]
    response = client.post(new_url(world.e_hutang), data)
    assert response.status_code == 200
    assert chinese("Answer every item of the checklist; unanswered: %(codes)s.") % {
        "codes": unanswered.code} in text(response)
    assert snapshot() == before

    data = field_form(checklist, key=new_client_key(), fail=[item.code])
    data[f"f{item.pk}_description"] = ""
    response = client.post(new_url(world.e_hutang), data)
    assert response.status_code == 200
    message = chinese("Finding %(n)d: %(message)s") % {"n": 1, "message": chinese("Describe the hazard.")}
    html = text(response)
    assert message in html
    # shown at the top and in the finding block of the item it is about, which stays open
    block = html[html.index(f'data-item="{item.pk}"'):]
    block = block[:block.index("</li>")]
    assert message in block and "d-none" not in block.split('class="finding')[1].split('"')[0]
    assert snapshot() == before


def test_field_form_scope(client, world):
    url = new_url(world.e_hutang)
    before = snapshot()
    client.force_login(world.luoyang_inspector)  # another township: the enterprise does not exist for them
    assert client.get(url).status_code == 404
    assert client.post(url, field_form(general(), key=new_client_key())).status_code == 404
    client.force_login(world.principal)  # the enterprise's own principal reads, never inspects
    assert client.get(url).status_code == 403
    assert client.post(url, field_form(general(), key=new_client_key())).status_code == 403
    assert client.get("/inspections/new/").status_code == 404
    assert snapshot() == before


def test_cross_inspector_inspects_the_assigned_enterprise(client, world):
    today = TODAY()
    plan = services.plan_create(region=world.wujin, by=world.bureau, title="交叉检查", year=today.year,
                                kind=InspectionPlan.Kind.CROSS)
    services.plan_items_add(plan=plan, by=world.bureau, enterprises=[world.e_hutang], due_date=plan.end,
                            assignee=world.luoyang_inspector)
    item = plan.items.get()
    client.force_login(world.luoyang_inspector)
    url = new_url(world.e_hutang, plan_item=item.pk)
    page = client.get(url)
    assert page.status_code == 200 and 'value="cross" selected' in text(page)
    response = client.post(url, field_form(general(), key=new_client_key(), kind="cross"))
    assert response.status_code == 302
    assert Inspection.objects.get().plan_item == item
    assert client.get(new_url(world.e_hutang2)).status_code == 404  # not assigned: nothing widens


def test_enterprise_picker_finds_visible_enterprises_only(client, world):
    client.force_login(world.inspector)
    html = text(client.get("/inspections/new/?q=常州"))
    assert world.e_hutang.name in html and world.e_luoyang.name not in html


# -- list and page ----------------------------------------------------------------------------------
def test_list_and_detail_are_scoped(client, world):
    inspection = make_inspection(world.e_hutang, world.inspector, failures={"GEN-01": {}})
    other = make_inspection(world.e_luoyang, world.luoyang_inspector)
    client.force_login(world.inspector)
    listing = client.get("/inspections/")
    assert listing.status_code == 200
    assert world.e_hutang.name in text(listing) and world.e_luoyang.name not in text(listing)
    filtered = text(client.get("/inspections/?with_hazards=false"))
    assert world.e_hutang.name not in filtered
    assert client.get(f"/inspections/{other.pk}/").status_code == 404

    client.force_login(world.luoyang_inspector)
    assert client.get(f"/inspections/{inspection.pk}/").status_code == 404
    assert world.e_hutang.name not in text(client.get("/inspections/"))


def test_enterprise_principal_reads_own_inspections_only(client, world):
    inspection = make_inspection(world.e_hutang, world.inspector, failures={"GEN-01": {}})
    other = make_inspection(world.e_hutang2, world.inspector)
    client.force_login(world.principal)
    page = client.get(f"/inspections/{inspection.pk}/")
    assert page.status_code == 200
    html = text(page)
    assert "GEN-01 不符合要求" in html
    assert f"/inspections/{inspection.pk}/correct/" not in html
    assert f"/inspections/{inspection.pk}/penalties/new/" not in html
    assert client.get(f"/inspections/{other.pk}/").status_code == 404
    assert world.e_hutang2.name not in text(client.get("/inspections/"))
    before = snapshot()
    assert client.post(f"/inspections/{inspection.pk}/correct/", {
        "inspected_on": inspection.inspected_on.isoformat(), "summary": "改", "reason": "改"}).status_code == 403
    assert client.post(f"/inspections/{inspection.pk}/penalties/new/", {
        "decided_on": TODAY().isoformat(), "violation": "x", "legal_basis": "y", "fine": "1"}).status_code == 403
    assert snapshot() == before


def correction_data(inspection, **changes):
    data = {"inspected_on": inspection.inspected_on.isoformat(), "summary": inspection.summary,
            "officer_1_name": inspection.officer_1_name, "officer_1_certificate": inspection.officer_1_certificate,
            "officer_2_name": inspection.officer_2_name, "officer_2_certificate": inspection.officer_2_certificate,
            "plan_item": "", "campaign": "", "reason": ""}
    data.update(changes)
    return data


def test_correction_is_recorded_with_its_reason(client, world):
    inspection = make_inspection(world.e_hutang, world.inspector, summary="初稿")
    client.force_login(world.inspector)
    page = text(client.get(f"/inspections/{inspection.pk}/"))
    assert f"/inspections/{inspection.pk}/correct/" in page
    before = snapshot()
    refused = client.post(f"/inspections/{inspection.pk}/correct/", correction_data(inspection, summary="定稿"))
    assert refused.status_code == 200
    assert chinese("Give the reason for the correction.") in text(refused)
    assert snapshot() == before

    response = client.post(f"/inspections/{inspection.pk}/correct/",
                           correction_data(inspection, summary="定稿", officer_2_certificate="32040009",
                                           reason="笔误"))
    assert response.status_code == 302
    correction = InspectionCorrection.objects.get()
    assert correction.changes == {"summary": ["初稿", "定稿"], "officer_2_certificate": ["32040002", "32040009"]}
    assert (correction.reason, correction.by) == ("笔误", world.inspector)
    inspection.refresh_from_db()
    assert inspection.summary == "定稿"
    assert "笔误" in text(client.get(f"/inspections/{inspection.pk}/"))

    client.force_login(world.luoyang_inspector)
    assert client.post(f"/inspections/{inspection.pk}/correct/",
                       correction_data(inspection, summary="越权", reason="x")).status_code == 404
    assert InspectionCorrection.objects.count() == 1


# -- penalties --------------------------------------------------------------------------------------
def penalty_data(**changes):
    data = {"decision_number": "武应急罚〔2022〕12号", "decided_on": TODAY().isoformat(),
            "violation": "未按规定清扫粉尘", "legal_basis": "《安全生产法》第九十九条", "fine": "20000"}
    data.update(changes)
    return data


def test_penalty_create_list_and_status(client, world):
    inspection = make_inspection(world.e_hutang, world.inspector)
    client.force_login(world.inspector)
    assert f"/inspections/{inspection.pk}/penalties/new/" in text(client.get(f"/inspections/{inspection.pk}/"))
    before = snapshot()
    refused = client.post(f"/inspections/{inspection.pk}/penalties/new/", penalty_data(fine="-5"))
    assert refused.status_code == 200
    assert "罚款金额不能小于零。" in text(refused)
    assert snapshot() == before

    response = client.post(f"/inspections/{inspection.pk}/penalties/new/", penalty_data())
    assert response.status_code == 302 and response["Location"] == f"/inspections/{inspection.pk}/"
    penalty = Penalty.objects.get()
    assert (penalty.enterprise, penalty.township, penalty.fine, penalty.status) == (
        world.e_hutang, world.hutang, 20000, "decided")
    services.penalty_create(inspection=inspection, by=world.inspector, decided_on=TODAY(), violation="b",
                            legal_basis="c", fine="5000.50")
    listing = client.get("/inspections/penalties/")
    assert listing.status_code == 200
    assert "¥25000.50" in text(listing)  # 20000 + 5000.50
    assert "¥0" in text(client.get("/inspections/penalties/?status=executed"))  # the filtered set's total

    response = client.post(f"/inspections/penalties/{penalty.pk}/status/", {"status": "revoked"})
    assert response.status_code == 302
    penalty.refresh_from_db()
    assert penalty.status == "revoked"
    assert "¥5000.50" in text(client.get("/inspections/penalties/"))  # a revoked fine does not count

    client.force_login(world.luoyang_inspector)
    assert world.e_hutang.name not in text(client.get("/inspections/penalties/"))
    assert client.post(f"/inspections/penalties/{penalty.pk}/status/", {"status": "executed"}).status_code == 404
    assert client.post(f"/inspections/{inspection.pk}/penalties/new/", penalty_data()).status_code == 404
    client.force_login(world.principal)
    assert client.post(f"/inspections/penalties/{penalty.pk}/status/", {"status": "executed"}).status_code == 403
    assert Penalty.objects.count() == 2


def test_form_offers_the_open_plan_items_and_campaigns_of_the_enterprise(client, world):
    """An inspector who came from the enterprise page can still count the visit for its plan and campaign."""
    import datetime as dt

    from django.utils import timezone

    from inspections.services import campaign_create, plan_create, plan_items_add

    today = timezone.localdate()
    plan = plan_create(region=world.hutang, by=world.inspector, title="湖塘镇年度执法计划", year=today.year)
    plan_items_add(plan=plan, by=world.inspector, enterprises=[world.e_hutang], due_date=dt.date(today.year, 12, 31))
    campaign = campaign_create(region=world.wujin, by=world.bureau, name="百日清零行动", kind="hundred_days",
                               start=today - dt.timedelta(days=10), end=today + dt.timedelta(days=90),
                               targets=[world.e_hutang])
    client.force_login(world.inspector)
    body = client.get(f"/inspections/new/?enterprise={world.e_hutang.pk}&checklist=general").content.decode()
    item = plan.items.get()
    assert f"plan_item={item.pk}" in body and "湖塘镇年度执法计划" in body
    assert f"campaign={campaign.pk}" in body and "百日清零行动" in body
    # the campaign page lets the inspector inspect a target under the campaign
    client.force_login(world.bureau)
    body = client.get(f"/inspections/campaigns/{campaign.pk}/").content.decode()
    assert f"?enterprise={world.e_hutang.pk}&campaign={campaign.pk}" in body
