"""Enterprise users may change their own dust workers per shift and safety-section flag. Those
drive enforcement targeting (the dust sets of seed 000 item 3, the safety-section to-do), so such a
change is a roster change (EnterpriseChange, kind ``targeting``) listed for the township: in its
quarterly change report, its export and the enterprise page — without moving the roster's history."""
import datetime
import io
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from rest_framework.test import APIClient

from enterprises import exports, services
from enterprises.models import Enterprise, EnterpriseChange, enterprises_on
from enterprises.reports import change_report
from portal.figures.periods import Period

from tests.enterprises.test_roster import enterprise_form_data

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 5, 15)
Q2 = Period.quarter(2026, 2)


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(datetime.datetime(2026, 5, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def _self_form(e, **changes):
    data = {"address": e.address, "principal_name": e.principal_name, "principal_phone": e.principal_phone,
            "dust_workers_per_shift": e.dust_workers_per_shift}
    if e.safety_section_established:
        data["safety_section_established"] = "on"
    data.update(changes)
    return data


def text(response):
    return unescape(response.content.decode())


def test_the_principal_changing_dust_workers_is_listed_for_the_township(world, client):
    e = world.e_hutang  # 12 dust workers per shift, no safety section
    client.force_login(world.principal)
    response = client.post(f"/enterprises/{e.pk}/edit/", _self_form(e, dust_workers_per_shift="35"))
    assert response.status_code == 302
    change = EnterpriseChange.objects.get(kind="targeting")
    assert (change.enterprise, change.changed_values, change.by, change.effective_date, change.to_township,
            change.to_status) == (e, {"dust_workers_per_shift": [12, 35]}, world.principal, TODAY, world.hutang,
                                  "producing")
    assert change.reason == "企业自行填报"

    # the township's quarterly change report lists it, with what changed; the roster counts do not move
    client.force_login(world.inspector)
    response = client.get(f"/enterprises/changes/?township={world.hutang.pk}&quarter=2026Q2")
    report = response.context["report"]
    assert [(r["change"].enterprise.name, r["category"]) for r in report["rows"]] == [
        ("常州湖塘机械有限公司", "targeting")]
    html = text(response)
    assert 'id="count-targeting">1<' in html and "涉粉人数或安全管理科变更" in html
    assert "单班作业涉粉人数：12 → 35" in html and "企业自行填报" in html
    # 湖塘 holds e_hutang and e_hutang2 before and after: 2 and 2
    assert (report["at_start"], report["at_end"]) == (2, 2)
    # another township does not see it
    client.force_login(world.luoyang_inspector)
    assert client.get(f"/enterprises/changes/?township={world.hutang.pk}&quarter=2026Q2").status_code == 404
    luoyang = change_report(user=world.luoyang_inspector, township=world.luoyang, quarter=Q2)
    assert luoyang["rows"] == []
    # the enterprise page's roster changes show it too
    client.force_login(world.inspector)
    page = text(client.get(f"/enterprises/{e.pk}/"))
    assert "监管重点信息变更" in page and "单班作业涉粉人数：12 → 35" in page


def test_the_safety_section_flag_through_the_api_is_a_roster_change(world):
    client = APIClient()
    client.force_login(world.principal)
    e = world.e_hutang
    response = client.patch(f"/api/v1/enterprises/{e.pk}/", {"safety_section_established": True}, format="json")
    assert response.status_code == 200
    change = EnterpriseChange.objects.get(kind="targeting")
    assert change.changed_values == {"safety_section_established": [False, True]}
    assert change.changed_values_display == "安全生产管理科挂牌：否 → 是"
    report = change_report(user=world.inspector, township=world.hutang, quarter=Q2)
    sheet = load_workbook(io.BytesIO(exports.change_report_xlsx(report))).worksheets[0]
    assert "安全生产管理科挂牌：否 → 是" in [c.value for row in sheet.iter_rows() for c in row]


def test_other_self_filed_fields_and_unchanged_values_record_nothing(world, client):
    e = world.e_hutang
    before = EnterpriseChange.objects.count()
    client.force_login(world.principal)
    response = client.post(f"/enterprises/{e.pk}/edit/", _self_form(e, address="湖塘镇新地址 9 号",
                                                                     principal_name="王五"))
    assert response.status_code == 302
    assert EnterpriseChange.objects.count() == before


def test_the_bureau_changing_them_is_recorded_too_with_its_reason(world, client):
    e = world.e_hutang2
    client.force_login(world.bureau)
    response = client.post(f"/enterprises/{e.pk}/edit/", {
        **enterprise_form_data(e), "dust_workers_per_shift": "30", "safety_section_established": "on",
        "reason": "现场核实"})
    assert response.status_code == 302
    change = EnterpriseChange.objects.get(kind="targeting")
    assert (change.changed_values, change.reason, change.by) == (
        {"dust_workers_per_shift": [0, 30], "safety_section_established": [False, True]}, "现场核实", world.bureau)


def test_a_targeting_change_leaves_the_roster_history_alone(world):
    """It neither sets the township/status on past dates nor stops a status change dated before it."""
    e = world.e_hutang
    services.enterprise_update(enterprise=e, by=world.principal, dust_workers_per_shift=40)
    services.enterprise_change_status(enterprise=e, by=world.bureau, status="deregistered",
                                      effective_date=D(2026, 5, 1), reason="注销")
    on_today = enterprises_on(Enterprise.objects.all(), township=world.hutang, date=TODAY)
    # deregistered on 05-01: the targeting change of 05-15 (recorded while "producing") does not bring it back
    assert list(on_today.values_list("name", flat=True)) == ["常州湖塘纺织有限公司"]
    report = change_report(user=world.inspector, township=world.hutang, quarter=Q2)
    assert {k: n for k, _l, n in report["counts"] if n} == {"deregistered": 1, "targeting": 1}
    assert (report["at_start"], report["at_end"]) == (2, 1)
