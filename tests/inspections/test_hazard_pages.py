"""The hazard ledger pages: the list (scoped, filtered, paged), the major hazards under district
supervision, one hazard with only the actions its reader may take, every action as a POST to its
own URL, and a hazard reported without an inspection. Out of scope is a 404 and changes nothing;
read-only is a 403; bad input is a Chinese message on the page and changes nothing."""
import datetime
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enterprises.models import EnterpriseChange
from inspections.models import Hazard, HazardEvent, HazardExtension
from inspections.services import hazard_plan, hazard_submit, hazard_verify
from portal.attachments.models import Attachment

from tests.enterprises.factories import enterprise_writer
from tests.factories import jpeg
from tests.inspections.factories import criterion, make_inspection

pytestmark = pytest.mark.django_db
D = datetime.date(2022, 5, 10)
LIST = "/inspections/hazards/"
MAJOR = "/inspections/hazards/major/"
NEW = "/inspections/hazards/new/"
PLAN = {"responsible_person": "王五", "measures": "更换过期灭火器", "funds": "800",
        "emergency_plan": "临时增配灭火器，专人巡查"}


def _hazard(enterprise, by, description="灭火器过期", on=D, **finding):
    inspection = make_inspection(enterprise, by, inspected_on=on,
                                 failures={"GEN-12": {"description": description, **finding}})
    return inspection.hazards.get()


def _page(client, user, url, **kwargs):
    client.force_login(user)
    response = client.get(url, **kwargs)
    return response, unescape(response.content.decode())


def _snapshot():
    """Everything a hazard action can touch."""
    return (list(Hazard.objects.order_by("pk").values()), list(HazardEvent.objects.order_by("pk").values()),
            list(HazardExtension.objects.order_by("pk").values()), Attachment.objects.count(),
            list(EnterpriseChange.objects.order_by("pk").values_list("pk", flat=True)))


def _to_submitted(hazard, world):
    writer = enterprise_writer(hazard.enterprise)
    hazard_plan(hazard=hazard, by=writer, responsible_person="王五", measures="更换", funds=0,
                emergency_plan="临时措施")
    hazard_submit(hazard=hazard, by=writer, note="已更换", evidence=[jpeg()])


# -- the ledger ------------------------------------------------------------------------------------
def test_the_ledger_shows_a_township_its_own_hazards_only(client, world):
    _hazard(world.e_hutang, world.inspector, "湖塘灭火器过期")
    _hazard(world.e_luoyang, world.luoyang_inspector, "洛阳配电箱无防护")
    response, html = _page(client, world.inspector, LIST)
    assert response.status_code == 200
    assert "隐患台账" in html and "湖塘灭火器过期" in html and "常州湖塘机械有限公司" in html
    assert "洛阳配电箱无防护" not in html and "常州洛阳冶金有限公司" not in html
    assert "共 1 条隐患" in html
    # the columns the ledger promises, in Chinese
    for head in ("企业", "隐患等级", "隐患描述", "发现日期", "整改期限"):
        assert head in html
    _, html = _page(client, world.bureau, LIST)
    assert "湖塘灭火器过期" in html and "洛阳配电箱无防护" in html and "共 2 条隐患" in html


def test_an_enterprise_sees_only_its_own_hazards_and_may_report_one(client, world):
    _hazard(world.e_hutang, world.inspector, "本企业的隐患")
    _hazard(world.e_hutang2, world.inspector, "同镇另一企业的隐患")
    response, html = _page(client, world.principal, LIST)
    assert response.status_code == 200
    assert "本企业的隐患" in html and "同镇另一企业的隐患" not in html
    assert "上报隐患" in html and NEW in html
    assert "挂牌督办重大隐患" not in html  # the district's list is not an enterprise's


def test_roles_without_a_ledger_get_404(client, world):
    for user in (world.auditor, world.admin):
        client.force_login(user)
        assert client.get(LIST).status_code == 404
    for user in (world.principal, world.grid_member):
        client.force_login(user)
        assert client.get(MAJOR).status_code == 404


def test_filters_status_overdue_severity(client, world):
    today = timezone.localdate()
    overdue = _hazard(world.e_hutang, world.inspector, "已逾期的隐患")  # 2022: long past its deadline
    current = _hazard(world.e_hutang2, world.inspector, "期限未到的隐患", on=today,
                      deadline=today + datetime.timedelta(days=20))
    major = _hazard(world.e_hutang, world.inspector, "除尘系统无泄爆装置", on=today,
                    deadline=today + datetime.timedelta(days=10), major_criterion=criterion("DUST-3"))
    closed = _hazard(world.e_hutang2, world.inspector, "已销号的隐患")
    _to_submitted(closed, world)
    hazard_verify(hazard=closed, by=world.inspector)
    client.force_login(world.inspector)

    def rows(query):
        html = unescape(client.get(LIST + "?" + query).content.decode())
        return {h.description for h in (overdue, current, major, closed) if h.description in html}, html

    found, html = rows("")
    assert found == {"已逾期的隐患", "期限未到的隐患", "除尘系统无泄爆装置", "已销号的隐患"}
    assert "逾期 1 条" in html and "重大隐患 1 条" in html and "未整改完成 3 条" in html
    assert html.count("hazard-overdue") == 1  # the overdue row is highlighted, the closed one is not
    assert rows("status=closed")[0] == {"已销号的隐患"}
    assert rows("status=reported")[0] == {"已逾期的隐患", "期限未到的隐患", "除尘系统无泄爆装置"}
    assert rows("overdue=true")[0] == {"已逾期的隐患"}
    assert rows("overdue=false")[0] == {"期限未到的隐患", "除尘系统无泄爆装置", "已销号的隐患"}
    assert rows("severity=major")[0] == {"除尘系统无泄爆装置"}
    assert rows("severity=general&open=true")[0] == {"已逾期的隐患", "期限未到的隐患"}
    assert rows(f"enterprise={world.e_hutang2.pk}")[0] == {"期限未到的隐患", "已销号的隐患"}
    # a township out of scope is an error on the filter, not the whole ledger
    found, html = rows(f"township={world.luoyang.pk}")
    assert found == set() and "filter-errors" in html


def test_the_ledger_is_paged(client, world):
    for n in range(3):
        _hazard(world.e_hutang, world.inspector, f"第{n}条隐患")
    response, html = _page(client, world.inspector, LIST + "?per_page=2")
    assert "共 3 条隐患" in html and "第 1 / 2 页" in html and "page=2" in html
    assert sum(f"第{n}条隐患" in html for n in range(3)) == 2


def test_the_export_link_keeps_the_filters(client, world):
    response, html = _page(client, world.inspector, LIST + "?status=reported&page=1")
    url = reverse("inspections:hazard_export")
    assert "导出 Excel" in html and f"{url}?status=reported" in html


def test_the_major_hazard_list_holds_district_supervised_hazards(client, world):
    _hazard(world.e_hutang, world.inspector, "一般隐患甲")
    _hazard(world.e_hutang, world.inspector, "除尘系统无泄爆装置", major_criterion=criterion("DUST-3"))
    for user in (world.bureau, world.inspector):
        response, html = _page(client, user, MAJOR)
        assert response.status_code == 200
        assert "挂牌督办重大隐患" in html and "除尘系统无泄爆装置" in html and "一般隐患甲" not in html
    _, html = _page(client, world.luoyang_inspector, MAJOR)
    assert "除尘系统无泄爆装置" not in html


# -- one hazard ------------------------------------------------------------------------------------
def test_detail_is_404_out_of_scope(client, world):
    hazard = _hazard(world.e_hutang, world.inspector)
    for user in (world.luoyang_inspector, world.auditor, world.admin):
        client.force_login(user)
        assert client.get(f"{LIST}{hazard.pk}/").status_code == 404
    client.force_login(world.inspector)
    assert client.get(f"{LIST}999999/").status_code == 404


def test_detail_shows_only_the_actions_the_reader_may_take(client, world):
    hazard = _hazard(world.e_hutang, world.inspector)
    response, html = _page(client, world.principal, f"{LIST}{hazard.pk}/")
    assert response.status_code == 200
    assert "五落实" in html and "整改方案（五落实）" in html and "申请延期整改" in html
    assert "验收销号" not in html and "责令停产整改" not in html
    _, html = _page(client, world.staff, f"{LIST}{hazard.pk}/")  # read-only: reads, acts on nothing
    assert "灭火器过期" in html and "保存整改方案" not in html and "申请延期整改" not in html
    _, html = _page(client, world.inspector, f"{LIST}{hazard.pk}/")
    assert "保存整改方案" not in html and "责令停产整改" in html and "上报该企业的其他隐患" in html


def test_the_full_journey_through_the_pages(client, world):
    hazard = _hazard(world.e_hutang, world.inspector)
    url = f"{LIST}{hazard.pk}/"

    client.force_login(world.principal)
    response = client.post(url + "plan/", PLAN)
    assert response.status_code == 302 and response["Location"] == url
    hazard.refresh_from_db()
    assert (hazard.status, hazard.responsible_person, hazard.funds) == ("rectifying", "王五", 800)
    html = unescape(client.get(url).content.decode())
    assert "整改方案（五落实）已保存。" in html and "整改中" in html and "提交验收" in html

    response = client.post(url + "submit/", {"note": "已更换全部灭火器", "evidence": [jpeg("a.jpg"), jpeg("b.jpg")]})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "submitted"
    submit = hazard.events.get(action="submit")
    files = Attachment.objects.filter(object_id=submit.pk, content_type__model="hazardevent")
    assert files.count() == 2

    client.force_login(world.luoyang_inspector)  # another township: not found, nothing changes
    before = _snapshot()
    assert client.post(url + "verify/", {"note": ""}).status_code == 404
    assert _snapshot() == before

    response, html = _page(client, world.inspector, url)
    assert "待验收" in html and "验收销号" in html and "退回整改" in html
    assert "已更换全部灭火器" in html and f"/attachments/{files[0].pk}/" in html
    assert client.get(f"/attachments/{files[0].pk}/").status_code == 200
    response = client.post(url + "verify/", {"note": "现场核实已整改"})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert (hazard.status, hazard.closed_by) == ("closed", world.inspector)
    html = unescape(client.get(url).content.decode())
    assert "隐患已验收销号。" in html and "已验收销号" in html and "整改过程" in html

    before = _snapshot()  # a second verification: the Chinese reason, nothing changes
    response = client.post(url + "verify/", {"note": "再次验收"})
    assert response.status_code == 400
    assert "该隐患已验收销号，不能重复验收。" in unescape(response.content.decode())
    assert _snapshot() == before


def test_send_back_needs_a_reason_and_returns_to_rectifying(client, world):
    hazard = _hazard(world.e_hutang, world.inspector)
    _to_submitted(hazard, world)
    client.force_login(world.inspector)
    before = _snapshot()
    response = client.post(f"{LIST}{hazard.pk}/send-back/", {"reason": ""})
    assert response.status_code == 400 and "退回理由" in unescape(response.content.decode())
    assert _snapshot() == before
    response = client.post(f"{LIST}{hazard.pk}/send-back/", {"reason": "照片看不清"})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "rectifying" and hazard.events.last().note == "照片看不清"


def test_read_only_enterprise_staff_and_wrong_roles_are_refused(client, world):
    hazard = _hazard(world.e_hutang, world.inspector)
    before = _snapshot()
    client.force_login(world.staff)  # an enterprise user without a writer's position
    for action, data in (("plan/", PLAN), ("extension/", {"new_deadline": "2022-07-30", "reason": "等设备"}),
                         ("submit/", {"note": "已整改", "evidence": [jpeg()]})):
        assert client.post(f"{LIST}{hazard.pk}/{action}", data).status_code == 403
    client.force_login(world.principal)  # the enterprise does not verify or suspend itself
    assert client.post(f"{LIST}{hazard.pk}/verify/", {}).status_code == 403
    assert client.post(f"{LIST}{hazard.pk}/suspend/", {"reason": "自行停产"}).status_code == 403
    client.force_login(world.inspector)  # nor does the inspector file the enterprise's plan
    assert client.post(f"{LIST}{hazard.pk}/plan/", PLAN).status_code == 403
    client.force_login(world.luoyang_inspector)
    assert client.post(f"{LIST}{hazard.pk}/plan/", PLAN).status_code == 404
    assert client.post(f"{LIST}{hazard.pk}/suspend/", {"reason": "越权"}).status_code == 404
    assert _snapshot() == before


def test_submit_without_evidence_is_refused_in_chinese(client, world):
    hazard = _hazard(world.e_hutang, world.inspector)
    client.force_login(world.principal)
    client.post(f"{LIST}{hazard.pk}/plan/", PLAN)
    before = _snapshot()
    response = client.post(f"{LIST}{hazard.pk}/submit/", {"note": "已整改"})
    assert response.status_code == 400
    assert "整改佐证（照片或 PDF）" in unescape(response.content.decode())
    response = client.post(f"{LIST}{hazard.pk}/submit/", {
        "note": "已整改", "evidence": [SimpleUploadedFile("fake.jpg", b"not an image", "image/jpeg")]})
    assert response.status_code == 400
    assert _snapshot() == before


def test_a_major_hazard_is_verified_by_the_bureau_not_the_township(client, world):
    hazard = _hazard(world.e_hutang, world.inspector, "除尘系统无泄爆装置", major_criterion=criterion("DUST-3"))
    _to_submitted(hazard, world)
    response, html = _page(client, world.inspector, f"{LIST}{hazard.pk}/")
    assert "挂牌督办" in html and "验收销号" not in html.split('id="actions"')[1]
    before = _snapshot()
    response = client.post(f"{LIST}{hazard.pk}/verify/", {})
    assert response.status_code == 403  # a step the township never takes on a major hazard, as in the API
    assert "重大隐患由区级挂牌督办" in unescape(response.content.decode())
    assert _snapshot() == before
    client.force_login(world.bureau)
    assert client.post(f"{LIST}{hazard.pk}/verify/", {}).status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "closed"


def test_extension_request_and_decision(client, world):
    hazard = _hazard(world.e_hutang, world.inspector)  # deadline 2022-06-09
    client.force_login(world.principal)
    before = _snapshot()
    response = client.post(f"{LIST}{hazard.pk}/extension/", {"new_deadline": "2022-06-01", "reason": "等设备到货"})
    assert response.status_code == 400
    assert "申请的整改期限须晚于当前期限（2022-06-09）。" in unescape(response.content.decode())
    assert _snapshot() == before
    response = client.post(f"{LIST}{hazard.pk}/extension/", {"new_deadline": "2022-07-30", "reason": "等设备到货"})
    assert response.status_code == 302
    extension = hazard.extensions.get()
    html = unescape(client.get(f"{LIST}{hazard.pk}/").content.decode())
    assert "延期申请已提交，等待属地审批。" in html and "正在等待审批" in html and "提交延期申请" not in html

    decide = f"{LIST}extensions/{extension.pk}/decide/"
    assert client.post(decide, {"decision": "grant"}).status_code == 403  # not the enterprise's decision
    client.force_login(world.luoyang_inspector)
    assert client.post(decide, {"decision": "grant"}).status_code == 404
    assert _snapshot()[2] == list(HazardExtension.objects.order_by("pk").values())
    extension.refresh_from_db()
    assert extension.status == "pending"

    response, html = _page(client, world.inspector, f"{LIST}{hazard.pk}/")
    assert "审批延期申请" in html and "申请将整改期限由 2022-06-09 延至 2022-07-30。" in html
    before = _snapshot()
    response = client.post(decide, {"decision": "refuse", "note": ""})
    assert response.status_code == 400
    assert "请说明不同意延期的原因。" in unescape(response.content.decode())
    assert _snapshot() == before
    response = client.post(decide, {"decision": "grant", "note": "同意"})
    assert response.status_code == 302
    hazard.refresh_from_db()
    extension.refresh_from_db()
    assert hazard.deadline == datetime.date(2022, 7, 30) and extension.status == "granted"
    html = unescape(client.get(f"{LIST}{hazard.pk}/").content.decode())
    assert "已同意延期，整改期限已调整。" in html and "审批延期申请" not in html


def test_suspension_changes_the_enterprise_status(client, world):
    hazard = _hazard(world.e_hutang, world.inspector)
    client.force_login(world.inspector)
    before = _snapshot()
    response = client.post(f"{LIST}{hazard.pk}/suspend/", {"reason": ""})
    assert response.status_code == 400 and _snapshot() == before
    response = client.post(f"{LIST}{hazard.pk}/suspend/", {"reason": "粉尘涉爆隐患未整改", "effective_date": ""})
    assert response.status_code == 302
    world.e_hutang.refresh_from_db()
    hazard.refresh_from_db()
    assert world.e_hutang.status == "suspended" and hazard.suspension_ordered
    change = world.e_hutang.changes.order_by("-pk").first()
    assert change.to_status == "suspended" and "粉尘涉爆隐患未整改" in change.reason
    html = unescape(client.get(f"{LIST}{hazard.pk}/").content.decode())
    assert "已责令停产整改，企业名录已记录该变动。" in html and "下达停产整改" not in html


# -- a hazard without an inspection ---------------------------------------------------------------
def _report(**over):
    today = timezone.localdate()
    return {"description": "车间通道堆放杂物", "location": "二号车间", "found_on": today.isoformat(),
            "deadline": (today + datetime.timedelta(days=7)).isoformat(), "major_criterion": "", **over}


def test_an_enterprise_reports_its_own_self_check(client, world):
    response, html = _page(client, world.principal, NEW)
    assert response.status_code == 200 and "上报隐患" in html and "企业自查" in html and "常州湖塘机械有限公司" in html
    response = client.post(NEW + f"?enterprise={world.e_hutang.pk}", {**_report(), "photos": [jpeg()]})
    assert response.status_code == 302
    hazard = Hazard.objects.get(description="车间通道堆放杂物")
    assert (hazard.enterprise, hazard.source, hazard.severity, hazard.reported_by) == (
        world.e_hutang, "self_check", "general", world.principal)
    assert response["Location"] == f"{LIST}{hazard.pk}/"
    assert Attachment.objects.filter(object_id=hazard.pk, content_type__model="hazard").count() == 1
    html = unescape(client.get(response["Location"]).content.decode())
    assert "隐患已录入台账。" in html and "/attachments/" in html


def test_a_report_with_the_deadline_before_the_date_found_creates_nothing(client, world):
    today = timezone.localdate()
    client.force_login(world.principal)
    before = _snapshot()
    response = client.post(NEW, _report(deadline=(today - datetime.timedelta(days=1)).isoformat()))
    assert response.status_code == 400
    assert "整改期限不能早于隐患发现日期。" in unescape(response.content.decode())
    assert _snapshot() == before


def test_an_inspector_reports_a_major_hazard(client, world):
    response, html = _page(client, world.inspector, NEW + "?q=湖塘")
    assert "常州湖塘机械有限公司" in html and "常州洛阳冶金有限公司" not in html
    response, html = _page(client, world.inspector, NEW + f"?enterprise={world.e_hutang.pk}")
    assert response.status_code == 200 and "重大事故隐患判定标准" in html and "DUST-3" in html
    response = client.post(NEW + f"?enterprise={world.e_hutang.pk}",
                           _report(description="除尘系统未设泄爆装置", major_criterion=criterion("DUST-3").pk))
    assert response.status_code == 302
    hazard = Hazard.objects.get(description="除尘系统未设泄爆装置")
    assert (hazard.source, hazard.severity, hazard.district_supervised) == ("report", "major", True)


def test_reporting_is_scoped(client, world):
    before = _snapshot()
    client.force_login(world.luoyang_inspector)
    assert client.get(NEW + f"?enterprise={world.e_hutang.pk}").status_code == 404
    assert client.post(NEW + f"?enterprise={world.e_hutang.pk}", _report()).status_code == 404
    client.force_login(world.principal)  # another enterprise's pk: not found
    assert client.post(NEW + f"?enterprise={world.e_hutang2.pk}", _report()).status_code == 404
    client.force_login(world.staff)
    assert client.post(NEW, _report()).status_code == 403
    client.force_login(world.auditor)
    assert client.get(NEW).status_code == 404
    assert _snapshot() == before


def test_the_ledger_costs_the_same_queries_for_more_rows_and_answers_htmx_with_the_results(
        client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _hazard(world.e_hutang, world.inspector, "第一条")
    client.force_login(world.inspector)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for n in range(4):
        _hazard(world.e_hutang2, world.inspector, f"更多隐患{n}")
    with django_assert_max_num_queries(len(one)):  # no query per row
        client.get(LIST)
    response = client.get(LIST + "?severity=general", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="hazard-results")
    html = unescape(response.content.decode())
    assert "<html" not in html and "共 5 条隐患" in html and "更多隐患3" in html


def test_due_within_and_pending_extension_filters(client, world):
    """The to-dos link to these: open hazards due within N days, hazards with a pending request."""
    import datetime as dt

    from django.utils import timezone

    from inspections.services import hazard_extension_request

    today = timezone.localdate()
    inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=today, failures={
        "GEN-12": {"description": "三天内到期", "deadline": today + dt.timedelta(days=3)},
        "GEN-13": {"description": "二十天后到期", "deadline": today + dt.timedelta(days=20)}})
    soon = inspection.hazards.get(item_code="GEN-12")
    hazard_extension_request(hazard=soon, by=world.principal, new_deadline=today + dt.timedelta(days=10), reason="配件")
    client.force_login(world.inspector)
    body = client.get("/inspections/hazards/?due_within=7").content.decode()
    assert "三天内到期" in body and "二十天后到期" not in body
    body = client.get("/inspections/hazards/?extension_pending=true").content.decode()
    assert "三天内到期" in body and "二十天后到期" not in body
