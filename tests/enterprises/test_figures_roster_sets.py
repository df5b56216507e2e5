"""Named roster sets (shipped as data, edited by the bureau on their page), the roster's "outside
any grid cell" filter with its figure and to-do, and a change of key domains as a roster change."""
import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from openpyxl import load_workbook

from enterprises import exports, figures, roster_sets, services
from enterprises.models import Enterprise, EnterpriseChange, KeyDomain, RosterSet, state_on
from enterprises.reports import change_report
from enterprises.todos import roster_todos
from grid.models import Region
from portal.figures import registry
from portal.figures.periods import Period

from tests.enterprises.factories import make_enterprise
from tests.enterprises.test_roster import enterprise_form_data

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = datetime.datetime(2026, 8, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def sets_snapshot():
    return list(RosterSet.objects.order_by("pk").values("code", "name", "filters", "description", "order"))


def names(queryset):
    return sorted(e.name for e in queryset)


# -- the shipped sets ----------------------------------------------------------------------------------------------------
def test_the_migration_ships_three_sets_whose_numbers_are_data(db):
    dust = str(KeyDomain.objects.get(code="dust").pk)
    assert [(s.code, s.filters) for s in RosterSet.objects.all()] == [
        ("key_sector", {"is_key_sector": "true"}),
        ("dust_30", {"key_domain": dust, "min_dust_workers": "30"}),
        ("dust_10", {"key_domain": dust, "min_dust_workers": "10"}),
    ]


def test_members_follow_the_roster_filters(world):
    w = world
    big = make_enterprise(township=w.luoyang, name="大粉尘", key_domains=["dust"], dust_workers_per_shift=31)
    make_enterprise(township=w.luoyang, name="非粉尘", dust_workers_per_shift=50)  # no dust domain: in neither
    gone = make_enterprise(township=w.hutang, name="已注销粉尘", key_domains=["dust"], dust_workers_per_shift=40)
    services.enterprise_change_status(enterprise=gone, by=w.bureau, status="deregistered",
                                      effective_date=D(2022, 2, 1), reason="注销")
    by_code = {s.code: s for s in RosterSet.objects.all()}
    # e_hutang has 12 dust workers, 大粉尘 31; 已注销粉尘 is off the roster
    assert names(roster_sets.members(by_code["dust_30"])) == ["大粉尘"]
    assert names(roster_sets.members(by_code["dust_10"])) == ["大粉尘", w.e_hutang.name]
    # key sector: a key domain (dust, smelting)
    assert names(roster_sets.members(by_code["key_sector"])) == sorted(["大粉尘", w.e_hutang.name, w.e_luoyang.name])
    # a set that names the status reaches deregistered enterprises (seed 000 item 2 checks them all year)
    deregistered = RosterSet(code="gone", name="已注销", filters={"status": "deregistered"})
    assert names(roster_sets.members(deregistered)) == ["已注销粉尘"]
    # a filter that no longer validates selects nothing, and filters a set may not hold are ignored
    assert not roster_sets.members(RosterSet(code="x", name="x", filters={"key_domain": "999999"})).exists()
    # (a township filter would leave none of these two of 洛阳)
    assert names(roster_sets.members(RosterSet(code="y", name="y", filters={"township": str(w.hutang.pk),
                                                                            "min_dust_workers": "31"}))) \
        == ["大粉尘", "非粉尘"]


# -- the page -------------------------------------------------------------------------------------------------------------
def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, unescape(response.content.decode())


def test_the_list_counts_each_set_within_the_users_scope(client, world):
    w = world
    make_enterprise(township=w.luoyang, name="洛阳粉尘", key_domains=["dust"], dust_workers_per_shift=35)
    response, html = _get(client, w.bureau, "/enterprises/sets/")
    assert response.status_code == 200
    assert "企业分组" in html and "涉爆粉尘单班作业30人以上企业" in html and "单班涉粉人数不少于：30" in html
    counts = {row["set"].code: row["count"] for row in response.context["sets"]}
    assert counts == {"key_sector": 3, "dust_30": 1, "dust_10": 2}  # e_hutang, e_luoyang, 洛阳粉尘
    assert 'href="/enterprises/sets/new/"' in html
    # 湖塘's inspector sees 湖塘's members only, and no edit buttons
    response, html = _get(client, w.inspector, "/enterprises/sets/")
    assert {row["set"].code: row["count"] for row in response.context["sets"]} == {
        "key_sector": 1, "dust_30": 0, "dust_10": 1}
    assert "/enterprises/sets/new/" not in html
    # the count links to the roster with the set's filters, which lists the same enterprises
    dust_10 = next(row for row in response.context["sets"] if row["set"].code == "dust_10")
    roster = client.get(f"/enterprises/?{dust_10['query']}")
    assert [e.name for e in roster.context["page"]] == [w.e_hutang.name]


def test_roles_without_the_roster_sets(client, world):
    for user in (world.principal, world.grid_member, world.auditor):
        assert _get(client, user, "/enterprises/sets/")[0].status_code == 404


def test_bureau_staff_add_a_set_and_a_figure_can_name_it(client, world):
    w = world
    client.force_login(w.bureau)
    response = client.post("/enterprises/sets/new/", {"name": "规上企业", "code": "above_scale", "description": "",
                                                      "order": "5", "above_scale": "true", "key_domain": ""})
    assert response.status_code == 302 and response["Location"] == "/enterprises/sets/"
    created = RosterSet.objects.get(code="above_scale")
    assert (created.name, created.filters, created.updated_by) == ("规上企业", {"above_scale": "true"}, w.bureau)
    assert names(roster_sets.members(created)) == [w.e_hutang2.name]
    # 湖塘's above-scale enterprise (e_hutang2) was not inspected: 0 of 1
    values = registry.get("inspections.coverage:above_scale")(w.wujin, Period.quarter(2022, 2))
    assert (values[w.hutang.path].numerator, values[w.hutang.path].denominator) == (0, 1)


def test_bureau_staff_edit_a_set(client, world):
    w = world
    dust_30 = RosterSet.objects.get(code="dust_30")
    client.force_login(w.bureau)
    form = client.get(f"/enterprises/sets/{dust_30.pk}/edit/")
    assert form.status_code == 200 and form.context["filter_form"]["min_dust_workers"].value() == "30"
    response = client.post(f"/enterprises/sets/{dust_30.pk}/edit/", {
        "name": dust_30.name, "code": "dust_30", "description": "", "order": "1",
        "key_domain": dust_30.filters["key_domain"], "min_dust_workers": "12"})
    assert response.status_code == 302
    dust_30.refresh_from_db()
    assert dust_30.filters == {"key_domain": dust_30.filters["key_domain"], "min_dust_workers": "12"}
    assert names(roster_sets.members(dust_30)) == [w.e_hutang.name]  # 12 dust workers
    # the audit trail keeps who changed the set's numbers, and from what
    entry = LogEntry.objects.get_for_object(dust_30).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == w.bureau and '"30"' in entry.changes_dict["filters"][0]


@pytest.mark.parametrize("data, message", [
    ({"name": "", "code": "x1"}, "该字段是必填项。"),
    ({"name": "涉爆粉尘单班作业10人以上企业", "code": "x2"}, "已存在"),  # the name of another set
    ({"name": "新分组", "code": "dust_10"}, "已存在"),
    ({"name": "新分组", "code": "含 空格"}, None),
    ({"name": "新分组", "code": "x3", "key_domain": "999999"}, "选择一个有效的选项"),
    ({"name": "新分组", "code": "x4", "min_dust_workers": "很多"}, "输入一个数字"),
])
def test_a_bad_set_is_refused_in_chinese_and_nothing_changes(client, world, data, message):
    before = sets_snapshot()
    client.force_login(world.bureau)
    response = client.post("/enterprises/sets/new/", {"description": "", "order": "0", **data})
    assert response.status_code == 200
    if message:
        assert message in unescape(response.content.decode())
    assert sets_snapshot() == before


def test_a_township_inspector_may_not_add_or_edit_a_set(client, world):
    before = sets_snapshot()
    dust_30 = RosterSet.objects.get(code="dust_30")
    client.force_login(world.inspector)
    assert client.get("/enterprises/sets/new/").status_code == 403
    assert client.post(f"/enterprises/sets/{dust_30.pk}/edit/", {
        "name": "改", "code": "dust_30", "order": "0", "min_dust_workers": "1"}).status_code == 403
    client.force_login(world.principal)
    assert client.post("/enterprises/sets/new/", {"name": "改", "code": "z", "order": "0"}).status_code == 404
    assert sets_snapshot() == before


# -- outside any grid cell ------------------------------------------------------------------------------------------------
def test_the_roster_filters_the_enterprises_outside_any_grid_cell(client, world):
    w = world
    client.force_login(w.bureau)
    response = client.get("/enterprises/?no_grid_cell=true")
    # e_hutang and e_luoyang have cells; e_hutang2 has none
    assert [e.name for e in response.context["page"]] == [w.e_hutang2.name]
    assert "未纳入网格" in response.content.decode()
    inside = client.get("/enterprises/?no_grid_cell=false")
    assert sorted(e.name for e in inside.context["page"]) == sorted([w.e_hutang.name, w.e_luoyang.name])
    # the to-do says how many and links to exactly those
    todo = next(t for t in roster_todos(w.bureau) if t.url.endswith("no_grid_cell=true"))
    assert (todo.count, todo.url) == (1, "/enterprises/?no_grid_cell=true")


def test_outside_grid_figure(world, django_assert_num_queries):
    w = world
    huangli = Region.objects.get(name="湟里镇")
    make_enterprise(township=huangli, name="湟里无网格")
    gone = make_enterprise(township=huangli, name="湟里已注销")
    services.enterprise_change_status(enterprise=gone, by=w.bureau, status="deregistered",
                                      effective_date=D(2022, 2, 1), reason="注销")
    period = Period.quarter(2022, 1)
    with django_assert_num_queries(1):
        values = figures.outside_grid(w.wujin, period)
    # 湖塘 e_hutang2; 湟里 湟里无网格 (湟里已注销 is off the roster); 洛阳 none (e_luoyang has a cell); all 13 present
    assert (values[w.hutang.path], values[huangli.path], values[w.luoyang.path]) == (1, 1, 0)
    assert len(values) == 13 and sum(values.values()) == 2
    with django_assert_num_queries(1):
        by_village = figures.outside_grid(w.hutang, period)
    assert by_village == {w.village.path: 0, None: 1}  # e_hutang2 is in no village
    assert figures.outside_grid(w.city, period)[w.wujin.path] == 2


# -- a change of key domains is a roster change -------------------------------------------------------------------------
@time_machine.travel(TODAY, tick=False)
def test_new_key_domains_are_a_roster_change_in_the_quarterly_report(client, world):
    w = world
    e = w.e_hutang  # 涉爆粉尘
    client.force_login(w.bureau)
    data = enterprise_form_data(e)
    data["key_domains"] = [KeyDomain.objects.get(code=c).pk for c in ("dust", "spraying")]
    assert client.post(f"/enterprises/{e.pk}/edit/", data).status_code == 302
    change = e.changes.get(kind=EnterpriseChange.Kind.KEY_DOMAINS)
    assert (change.detail, change.effective_date, change.by, change.to_township, change.to_status) == (
        "涉爆粉尘 → 涉爆粉尘、喷涂作业", D(2026, 8, 20), w.bureau, w.hutang, "producing")
    # saving again without a change of domains records nothing more
    assert client.post(f"/enterprises/{e.pk}/edit/", data).status_code == 302
    assert e.changes.filter(kind=EnterpriseChange.Kind.KEY_DOMAINS).count() == 1

    report = change_report(user=w.bureau, township=w.hutang, quarter=Period.quarter(2026, 3))
    counts = {key: n for key, _label, n in report["counts"]}
    assert counts["key_domains"] == 1 and sum(counts.values()) == 1
    # who is on the roster did not change: e_hutang, e_hutang2 at both ends
    assert (report["at_start"], report["at_end"]) == (2, 2)
    html = unescape(client.get(f"/enterprises/changes/?township={w.hutang.pk}&quarter=2026Q3").content.decode())
    assert 'id="count-key_domains">1<' in html and "重点领域变更" in html and "涉爆粉尘 → 涉爆粉尘、喷涂作业" in html
    sheet = load_workbook(__import__("io").BytesIO(exports.change_report_xlsx(report))).active
    rows = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    assert any(r[4] == "涉爆粉尘 → 涉爆粉尘、喷涂作业" for r in rows)


@time_machine.travel(TODAY, tick=False)
def test_key_domains_with_a_status_change_take_its_date(world):
    w = world
    e = services.enterprise_update(enterprise=w.e_luoyang, by=w.bureau, status="suspended",
                                   effective_date=D(2026, 8, 1), reason="停产整顿",
                                   key_domains=list(KeyDomain.objects.filter(code="dust")))
    kinds = list(e.changes.order_by("id").values_list("kind", "effective_date", "detail"))
    assert kinds[-2:] == [("status", D(2026, 8, 1), ""), ("key_domains", D(2026, 8, 1), "金属冶炼 → 涉爆粉尘")]


@time_machine.travel(TODAY, tick=False)
def test_a_key_domain_change_carries_no_state(world):
    """A status change may still be back-dated before a key-domain change (it records no status or
    township of its own), and the roster on a date follows the status change."""
    w = world
    services.enterprise_update(enterprise=w.e_hutang, by=w.bureau,
                               key_domains=list(KeyDomain.objects.filter(code__in=["dust", "spraying"])))
    services.enterprise_change_status(enterprise=w.e_hutang, by=w.bureau, status="suspended",
                                      effective_date=D(2026, 8, 1), reason="停产整顿")
    on = {day: Enterprise.objects.annotate(**state_on(day)).get(pk=w.e_hutang.pk).status_on_date
          for day in (D(2026, 7, 31), D(2026, 8, 1), D(2026, 8, 20))}
    assert on == {D(2026, 7, 31): "producing", D(2026, 8, 1): "suspended", D(2026, 8, 20): "suspended"}
