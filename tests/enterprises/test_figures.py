"""Roster figures per child region (enterprises.figures): hand-counted on a small world, each in a
fixed number of queries whatever the number of regions and enterprises."""
import datetime

import pytest

from enterprises import figures, services
from enterprises.models import ChemicalStorageSite, Enterprise, KeyDomain
from grid.models import Region
from portal.rules.models import Threshold
from portal.accounts import scope

from tests.enterprises.factories import make_enterprise
from tests.factories import RegionFactory

D = datetime.date
COUNT_KEYS = figures.COUNT_KEYS


def counts(**nonzero):
    return {key: nonzero.get(key, 0) for key in COUNT_KEYS}


@pytest.fixture
def fig(world):
    """The world's three enterprises plus five more:

    name       district township village  status        domains         above dust  host       section
    e_hutang   武进 湖塘   湖塘村   producing     dust (key)      -     12    -          -
    e_hutang2  武进 湖塘   -        producing     -               yes   0     -          -
    e_luoyang  武进 洛阳   -        producing     smelting (key)  -     0     -          -
    f1         武进 湖塘   湖塘村   suspended     dust, spraying  yes   10    -          yes
    f2         武进 湖塘   -        deregistered  dust            -     30    -          -
    f3         武进 洛阳   -        producing     -               yes   15    e_luoyang  -
    f4         天宁 天宁测试街道 -  producing     -               -     0     -          -
    and 湖塘二村, a village of 湖塘镇 with no enterprise. f3 has 15 dust workers but not the dust domain (not
    a key dust enterprise). Hazardous-chemical storage sites: f3 two, f2 one (deregistered: not counted).
    """
    w = world
    w.village2 = RegionFactory(name="湖塘二村", parent=w.hutang, level=Region.Level.VILLAGE, order=2)
    w.tianning_town = RegionFactory(name="天宁测试街道", parent=w.tianning, level=Region.Level.TOWNSHIP)
    w.f1 = make_enterprise(township=w.hutang, village=w.village, name="f1", key_domains=["dust", "spraying"],
                           above_scale=True, dust_workers_per_shift=10, safety_section_established=True)
    services.enterprise_change_status(enterprise=w.f1, by=w.bureau, status="suspended",
                                      effective_date=D(2026, 3, 1), reason="停产")
    w.f2 = make_enterprise(township=w.hutang, name="f2", key_domains=["dust"], dust_workers_per_shift=30)
    services.enterprise_change_status(enterprise=w.f2, by=w.bureau, status="deregistered",
                                      effective_date=D(2026, 3, 1), reason="注销")
    w.f3 = make_enterprise(township=w.luoyang, name="f3", above_scale=True, host=w.e_luoyang,
                           dust_workers_per_shift=15)
    for enterprise, site in ((w.f3, "1号储罐"), (w.f3, "甲类仓库"), (w.f2, "乙类中间仓库")):
        ChemicalStorageSite.objects.create(enterprise=enterprise, kind="tank", name=site)
    w.f4 = make_enterprise(township=w.tianning_town, name="f4", industry="food")
    w.domain = {d.code: d.pk for d in KeyDomain.objects.all()}
    return w


def _more_enterprises(w, n=24):
    """More enterprises in more townships and villages: none of the query counts may move."""
    towns = list(Region.objects.filter(parent=w.wujin).order_by("order"))
    for i in range(n):
        make_enterprise(township=towns[i % len(towns)], key_domains=["dust", "hazchem"][: i % 3],
                        above_scale=bool(i % 2), village=w.village2 if towns[i % len(towns)] == w.hutang else None)


# -- the city: children are districts -----------------------------------------------------------------------------
def test_city_roster_counts(fig, django_assert_num_queries):
    w = fig
    with django_assert_num_queries(2):  # the threshold; one GROUP BY on the district prefix of the township's path
        rows = figures.roster_counts(w.city)
    # Wujin: live = e_hutang, e_hutang2, e_luoyang, f1, f3 = 5 (f2 deregistered)
    #   producing 4 (all live but f1); key sector e_hutang, e_luoyang, f1 = 3; above e_hutang2, f1, f3 = 3;
    #   key dust (dust domain, >= 10 workers) e_hutang (12), f1 (10) = 2 (f2's 30 are deregistered, f3's 15 are
    #   not in the dust domain); chemical storage f3 (two sites: once; f2's is deregistered); tenant f3; section f1
    assert rows[w.wujin.path] == counts(total=5, producing=4, suspended=1, deregistered=1, key_sector=3,
                                        above_scale=3, dust_key=2, chemical_storage=1, tenants=1, safety_section=1)
    assert rows[w.tianning.path] == counts(total=1, producing=1)  # f4
    assert set(rows) == {w.wujin.path, w.tianning.path}  # districts without enterprises have no row


def test_city_key_domain_counts(fig, django_assert_num_queries):
    w = fig
    with django_assert_num_queries(1):
        rows = figures.key_domain_counts(w.city)
    # Wujin, live only: dust e_hutang + f1 = 2 (f2 deregistered), smelting e_luoyang, spraying f1
    assert rows == {w.wujin.path: {w.domain["dust"]: 2, w.domain["smelting"]: 1, w.domain["spraying"]: 1}}


def test_city_overview(fig, django_assert_num_queries):
    w = fig
    # 1 child regions, 2 the dust threshold, 3 roster counts, 4 key domains (the columns), 5 key-domain counts
    with django_assert_num_queries(5):
        data = figures.overview(w.city)
    # the seven districts in the bureau's order, each with a row (zeros where nothing is registered)
    assert [r["region"].name for r in data["rows"]] == ["溧阳市", "金坛区", "武进区", "新北区", "天宁区", "钟楼区",
                                                         "常州经开区"]
    by_name = {r["region"].name: r for r in data["rows"]}
    assert by_name["溧阳市"]["total"] == 0 and by_name["溧阳市"]["domains"] == [0] * 6
    assert by_name["武进区"]["total"] == 5
    domains = [d.code for d in data["domains"]]
    assert domains == ["dust", "smelting", "ammonia", "confined_space", "spraying", "hazchem"]
    assert by_name["武进区"]["domains"] == [2, 1, 0, 0, 1, 0]
    # totals: Wujin 5 + Tianning 1
    assert data["totals"]["total"] == 6
    assert data["totals"]["producing"] == 5
    assert data["totals"]["deregistered"] == 1
    assert data["totals"]["domains"] == [2, 1, 0, 0, 1, 0]


# -- Wujin: children are townships --------------------------------------------------------------------------------
def test_district_roster_counts(fig, django_assert_num_queries):
    w = fig
    with django_assert_num_queries(1):  # the threshold given: the one grouped query
        rows = figures.roster_counts(w.wujin, dust_min=10)
    # 湖塘: live e_hutang, e_hutang2, f1 = 3; producing 2; suspended f1; deregistered f2;
    #   key e_hutang, f1; above e_hutang2, f1; dust domain and >= 10 e_hutang, f1; section f1
    assert rows[w.hutang.path] == counts(total=3, producing=2, suspended=1, deregistered=1, key_sector=2,
                                         above_scale=2, dust_key=2, safety_section=1)
    # 洛阳: e_luoyang (key), f3 (above, tenant of e_luoyang, chemical storage; 15 dust workers, not the dust domain)
    assert rows[w.luoyang.path] == counts(total=2, producing=2, key_sector=1, above_scale=1, tenants=1,
                                          chemical_storage=1)
    assert set(rows) == {w.hutang.path, w.luoyang.path}  # f4 is in Tianning, not under Wujin


def test_district_overview(fig):
    w = fig
    data = figures.overview(w.wujin)
    assert len(data["rows"]) == 13  # Wujin's 13 townships, in the bureau's order
    assert data["rows"][0]["region"].name == "科教城"
    by_name = {r["region"].name: r for r in data["rows"]}
    assert by_name["湖塘镇"]["domains"] == [2, 0, 0, 0, 1, 0]  # dust e_hutang + f1, spraying f1
    assert by_name["洛阳镇"]["domains"] == [0, 1, 0, 0, 0, 0]  # smelting e_luoyang
    assert by_name["雪堰镇"]["total"] == 0
    assert data["totals"]["total"] == 5  # the city's Wujin row again


# -- a township: children are villages, plus the enterprises not placed in a village ---------------------------
def test_township_roster_counts(fig, django_assert_num_queries):
    w = fig
    with django_assert_num_queries(2):
        rows = figures.roster_counts(w.hutang)
    # 湖塘村: e_hutang (producing, key, 12 dust workers), f1 (suspended, key, above, 10, section)
    assert rows[w.village.path] == counts(total=2, producing=1, suspended=1, key_sector=2, above_scale=1,
                                          dust_key=2, safety_section=1)
    # no village: e_hutang2 (producing, above) and f2 (deregistered)
    assert rows[None] == counts(total=1, producing=1, deregistered=1, above_scale=1)
    assert set(rows) == {w.village.path, None}


def test_township_overview(fig, django_assert_num_queries):
    w = fig
    with django_assert_num_queries(5):
        data = figures.overview(w.hutang)
    # 湖塘村 (order 0), 湖塘二村 (order 2), then the "no village" row
    assert [r["region"] and r["region"].name for r in data["rows"]] == ["湖塘村", "湖塘二村", None]
    village, village2, none = data["rows"]
    assert village["domains"] == [2, 0, 0, 0, 1, 0]
    assert village2["total"] == 0 and village2["domains"] == [0] * 6
    assert (none["total"], none["deregistered"], none["domains"]) == (1, 1, [0] * 6)  # f2's dust is deregistered
    assert data["totals"]["total"] == 3
    assert data["totals"]["dust_key"] == 2


def test_township_without_unplaced_enterprises_has_no_empty_row(world):
    # 洛阳镇 has no village at all and e_luoyang sits in none: just the "no village" row
    data = figures.overview(world.luoyang)
    assert [(r["region"], r["total"]) for r in data["rows"]] == [(None, 1)]


# -- fixed number of queries, whatever the size --------------------------------------------------------------------
@pytest.mark.parametrize("region_attr", ["city", "wujin", "hutang"])
def test_query_count_does_not_grow(fig, region_attr, django_assert_num_queries):
    w = fig
    region = getattr(w, region_attr)
    _more_enterprises(w)
    RegionFactory(name="湖塘三村", parent=w.hutang, level=Region.Level.VILLAGE)
    with django_assert_num_queries(2):  # the threshold, the counts
        figures.roster_counts(region)
    with django_assert_num_queries(1):
        figures.key_domain_counts(region)
    with django_assert_num_queries(5):  # children, threshold, counts, key domains, key-domain counts
        data = figures.overview(region)
    # every enterprise counted once: the total row is the roster of the region (live ones)
    live = Enterprise.objects.filter(township__path__startswith=region.path).exclude(status="deregistered")
    assert data["totals"]["total"] == live.count()


def test_the_key_dust_count_follows_the_threshold(fig):
    w = fig
    # the district raises the threshold to 11: f1's 10 no longer count, e_hutang's 12 do -> 湖塘 1
    Threshold.objects.create(name="inspections.dust_key_workers_min", label="重点涉粉企业单班作业人数下限",
                             unit="people", value=11, region=w.wujin, effective_from=D(2022, 1, 1))
    assert figures.roster_counts(w.wujin)[w.hutang.path]["dust_key"] == 1
    data = figures.overview(w.wujin)
    assert (data["dust_min"], data["totals"]["dust_key"]) == (11, 1)
    assert figures.roster_counts(w.city)[w.wujin.path]["dust_key"] == 2  # the city's own threshold: still 10


def test_scoped_queryset_counts_only_what_the_user_sees(fig):
    w = fig
    rows = figures.roster_counts(w.wujin, scope.visible(w.inspector, Enterprise.objects.all()))
    assert set(rows) == {w.hutang.path}  # 湖塘's inspector: nothing of 洛阳
    assert rows[w.hutang.path]["total"] == 3


# -- the overview page -----------------------------------------------------------------------------------------------
def test_overview_page_as_bureau_staff(client, fig):
    w = fig
    client.force_login(w.bureau)
    response = client.get("/enterprises/overview/")
    assert response.status_code == 200
    assert response.context["region"] == w.wujin  # bureau staff of Wujin: Wujin's townships
    html = response.content.decode()
    assert 'id="total-roster">5<' in html  # Wujin's live enterprises
    rows = {r["region"].name: r for r in response.context["rows"]}
    assert (rows["湖塘镇"]["total"], rows["洛阳镇"]["total"]) == (3, 2)
    assert f'href="/enterprises/?township={w.hutang.pk}">3<' in html  # a township's count links to its roster

    drill = client.get(f"/enterprises/overview/?region={w.hutang.pk}")
    assert drill.context["region"] == w.hutang
    assert [r["region"] and r["region"].name for r in drill.context["rows"]] == ["湖塘村", "湖塘二村", None]
    assert 'id="total-roster">3<' in drill.content.decode()
    # a region outside the user's district is out of scope
    assert client.get(f"/enterprises/overview/?region={w.tianning.pk}").status_code == 404


def test_overview_page_as_city_staff_and_inspector(client, fig):
    w = fig
    client.force_login(w.city_staff)
    city = client.get("/enterprises/overview/")
    assert city.context["region"] == w.city
    assert 'id="total-roster">6<' in city.content.decode()  # Wujin 5 + Tianning 1
    client.force_login(w.inspector)
    town = client.get("/enterprises/overview/")
    assert town.context["region"] == w.hutang
    assert 'id="total-roster">3<' in town.content.decode()
    assert client.get(f"/enterprises/overview/?region={w.wujin.pk}").status_code == 404
