"""``registry.table``: every named figure for every child region, ranked, with the region's total
rolled up from its parts (rates by numerator and denominator); figures that take a parameter
(``inspections.coverage:<roster set>``, ``inspections.campaign_not_cleared:<campaign>``). Hand-counted
on the world of ``test_inspections_figures`` (see its ``fig`` docstring for the history)."""
import datetime

import pytest
from django.utils import translation

from enterprises.models import RosterSet
from inspections import figures
from inspections.services import campaign_create, campaign_not_cleared
from portal.figures import registry
from portal.figures.registry import Period, Rate

from tests.enterprises.factories import make_enterprise
from tests.inspections.factories import make_inspection
from tests.inspections.test_inspections_figures import Q2, fig, parts, pct  # noqa: F401  (the hand-counted world)

D = datetime.date
YTD_AUG = Period.year_to_date(D(2022, 8, 31))  # seed 000 item 3: "100 % by end of August"


# -- rates ---------------------------------------------------------------------------------------------------------------
def test_a_rate_rolls_up_by_its_parts_not_by_its_percentages():
    # 3 of 6 (50 %) and 1 of 1 (100 %) are 4 of 7 (57.14 %), not the mean 75 %
    total = registry.rollup([Rate(3, 6), Rate(1, 1), None])
    assert (total.numerator, total.denominator, total.value) == (4, 7, 57.14)
    assert Rate(0, 0).value is None and registry.rollup([None, None]) is None
    assert registry.rollup([2, 0, 5]) == 7


# -- the sets: which enterprises, what coverage ----------------------------------------------------------------------
def test_the_shipped_sets_in_a_year_to_date(fig, django_assert_num_queries):
    w = fig
    # dust_30: d_hutang (30) alone; inspected 01-20 -> 湖塘 1 of 1; 洛阳 has none (d_luoyang 10): absent
    with django_assert_num_queries(3):  # the set, its key domain (the roster filter validates it), the counts
        dust_30 = figures.coverage(w.wujin, YTD_AUG, param="dust_30")
    assert parts(dust_30) == {w.hutang.path: (1, 1)}
    # dust_10: e_hutang (12, inspected 02-15 and 04-10), d_hutang -> 2 of 2; d_luoyang (10, only patrolled) 0 of 1.
    # Not d_small (5), not d_gone (20, deregistered).
    dust_10 = figures.coverage(w.wujin, YTD_AUG, param="dust_10")
    assert parts(dust_10) == {w.hutang.path: (2, 2), w.luoyang.path: (0, 1)}
    # In Q2 alone d_hutang was not inspected: 湖塘's dust_30 coverage is 0 %
    assert pct(figures.coverage(w.wujin, Q2, param="dust_30")) == {w.hutang.path: 0.0}


def test_key_sector_set_and_the_whole_roster(fig, django_assert_num_queries):
    w = fig
    with django_assert_num_queries(2):  # the set (a yes/no filter needs no look-up), the counts
        key = figures.coverage(w.wujin, Q2, param="key_sector")
    # key sector (a key domain): 湖塘 e_hutang (I3 04-10), d_hutang (not in Q2), d_small (04-16) -> 2 of 3;
    #   d_gone is deregistered. 洛阳 e_luoyang (I7 04-20), d_luoyang (patrol only) -> 1 of 2
    assert parts(key) == {w.hutang.path: (2, 3), w.luoyang.path: (1, 2)}
    with django_assert_num_queries(1):
        everyone = figures.coverage(w.wujin, Q2)
    # seed 003 附件2 item 9: every enterprise on the roster; 洛阳 adds e_hutang2 (I6 06-01) -> 2 of 3
    assert parts(everyone) == {w.hutang.path: (2, 3), w.luoyang.path: (2, 3)}


def test_an_edited_set_changes_the_figure(fig):
    w = fig
    dust_30 = RosterSet.objects.get(code="dust_30")
    dust_30.filters = {**dust_30.filters, "min_dust_workers": "12"}  # the bureau lowers 30 to 12
    dust_30.save()
    # now e_hutang (12) and d_hutang (30): both inspected by the end of August
    assert parts(figures.coverage(w.wujin, YTD_AUG, param="dust_30")) == {w.hutang.path: (2, 2)}


def test_the_parameter_names_the_figure(fig):
    with translation.override("zh-hans"):
        figure = registry.get("inspections.coverage:dust_30")
        assert figure.label == "执法检查覆盖率（涉爆粉尘单班作业30人以上企业）"
    assert (figure.name, figure.param, figure.unit, figure.kind) == ("inspections.coverage:dust_30", "dust_30", "%",
                                                                     "rate")
    for unknown in ("inspections.coverage:nope", "inspections.hazards_found:dust_30", "inspections.nothing",
                    "inspections.campaign_not_cleared:abc", "inspections.campaign_not_cleared:999999"):
        with pytest.raises(LookupError):
            registry.get(unknown)


# -- 未清零 per campaign -------------------------------------------------------------------------------------------------
def test_campaign_not_cleared_counts_what_was_found_during_the_campaign(fig, django_assert_num_queries):
    w = fig
    targets = [w.e_hutang, w.e_luoyang, w.d_hutang]
    # Major hazards: H5, H5b of e_hutang found 04-10, open; H9 of e_luoyang found 04-20, closed 07-10.
    late = campaign_create(region=w.wujin, by=w.bureau, name="百日清零（4月15日起）", kind="hundred_days",
                           start=D(2022, 4, 15), end=D(2022, 6, 30), targets=targets)
    april = campaign_create(region=w.wujin, by=w.bureau, name="百日清零（4月起）", kind="hundred_days",
                            start=D(2022, 4, 1), end=D(2022, 6, 30), targets=targets)
    july = campaign_create(region=w.wujin, by=w.bureau, name="百日清零（至7月底）", kind="hundred_days",
                           start=D(2022, 4, 1), end=D(2022, 7, 31), targets=targets)
    with django_assert_num_queries(2):  # the campaign, the counts
        values = figures.campaign_not_cleared(w.wujin, Q2, param=str(late.pk))
    # from 04-15: H5, H5b were found before it (not its hazards); H9 found in it, open at 06-30 -> 洛阳 1
    assert (values[w.hutang.path], values[w.luoyang.path]) == (0, 1)
    values = figures.campaign_not_cleared(w.wujin, Q2, param=str(april.pk))
    # from 04-01: e_hutang (H5 and H5b: once) and e_luoyang (H9) -> 1 and 1
    assert (values[w.hutang.path], values[w.luoyang.path]) == (1, 1)
    values = figures.campaign_not_cleared(w.wujin, Q2, param=str(july.pk))
    # to 07-31: H9 closed 07-10 -> 洛阳 cleared; e_hutang's still open -> 1 and 0
    assert (values[w.hutang.path], values[w.luoyang.path]) == (1, 0)
    # the campaign page's list and the figure agree
    for campaign in (late, april, july):
        counted = figures.campaign_not_cleared(w.wujin, Q2, param=str(campaign.pk))
        assert sum(counted.values()) == campaign_not_cleared(campaign).count()
    # the other figure, open major hazards at 30 Jun whatever the campaign: 1 and 1
    assert figures.open_major_enterprises(w.wujin, Q2)[w.luoyang.path] == 1
    with translation.override("zh-hans"):
        assert registry.get(f"inspections.campaign_not_cleared:{late.pk}").label == "未清零企业数（百日清零（4月15日起））"


# -- the table -------------------------------------------------------------------------------------------------------------
NAMES = ["inspections.inspections_done", "inspections.closure_rate", "inspections.coverage:dust_10",
         "enterprises.outside_grid"]


def test_table_ranks_every_township_and_rolls_up_the_district(fig, django_assert_num_queries):
    w = fig
    # 1 the townships, 2 the set's name (its label), 3 inspections, 4 closure, 5-7 coverage (set, key domain,
    # counts), 8 outside any grid cell
    with django_assert_num_queries(8):
        table = registry.table(NAMES, w.wujin, Q2)
    assert [f.name for f in table.figures] == NAMES
    assert [r.region for r in table.rows] == list(w.wujin.children.order_by("order", "code"))
    rows = {r.region.name: r for r in table.rows}
    hutang, luoyang, xueyan = rows["湖塘镇"], rows["洛阳镇"], rows["雪堰镇"]
    # inspections done: 湖塘 4, 洛阳 2, the others 0 (higher is better)
    assert (hutang["inspections.inspections_done"].value, hutang["inspections.inspections_done"].rank) == (4, 1)
    assert (luoyang["inspections.inspections_done"].rank, xueyan["inspections.inspections_done"].rank) == (2, 3)
    # closure: 湖塘 3 of 6, 洛阳 1 of 2: both 50 %, tied first; no hazard elsewhere: unranked
    closure = hutang["inspections.closure_rate"]
    assert (closure.value, closure.numerator, closure.denominator, closure.rank) == (50.0, 3, 6, 1)
    assert luoyang["inspections.closure_rate"].rank == 1 and xueyan["inspections.closure_rate"].rank is None
    # dust_10 in Q2: 湖塘 e_hutang of e_hutang, d_hutang -> 1 of 2; 洛阳 d_luoyang 0 of 1
    assert (hutang["inspections.coverage:dust_10"].numerator, hutang["inspections.coverage:dust_10"].denominator) \
        == (1, 2)
    # outside any grid cell (lower is better): 湖塘 d_hutang, d_small; 洛阳 e_hutang2, d_luoyang (d_gone is
    # deregistered; e_hutang and e_luoyang have cells) -> 2 each, ranked 12th after the 11 townships at 0
    assert (hutang["enterprises.outside_grid"].value, hutang["enterprises.outside_grid"].rank) == (2, 12)
    assert (xueyan["enterprises.outside_grid"].value, xueyan["enterprises.outside_grid"].rank) == (0, 1)
    # the district: counts add up; rates add their parts (4 of 8; 1 of 3), never average percentages
    total = table.total
    assert total.region == w.wujin
    assert total["inspections.inspections_done"].value == 6
    assert (total["inspections.closure_rate"].numerator, total["inspections.closure_rate"].denominator,
            total["inspections.closure_rate"].value) == (4, 8, 50.0)
    assert total["inspections.coverage:dust_10"].value == 33.33
    assert total["enterprises.outside_grid"].value == 4
    # and the roll-up is what the city computes for 武进区 directly
    city = {r.region.name: r for r in registry.compute("inspections.closure_rate", w.city, Q2)}
    assert (city["武进区"].numerator, city["武进区"].denominator) == (4, 8)


def test_table_query_count_does_not_grow(fig, django_assert_num_queries):
    w = fig
    for town in w.wujin.children.order_by("order")[:8]:
        e = make_enterprise(township=town, key_domains=["dust"], dust_workers_per_shift=40)
        make_inspection(e, w.bureau, inspected_on=D(2022, 5, 3), failures={"GEN-12": {}})
    with django_assert_num_queries(8):
        registry.table(NAMES, w.wujin, Q2)
    with django_assert_num_queries(8):  # the city's seven districts
        table = registry.table(NAMES, w.city, Q2)
    assert len(table.rows) == 7


def test_a_township_total_counts_the_enterprises_in_no_village(fig):
    w = fig
    table = registry.table(["inspections.hazards_found"], w.hutang, Q2)
    # 湖塘村 5 (e_hutang's); H7 of e_hutang2 (in no village) is 湖塘's too: the total is 6
    assert [(r.region, r["inspections.hazards_found"].value) for r in table.rows] == [(w.village, 5)]
    assert table.total["inspections.hazards_found"].value == 6


def test_the_table_names_each_figure_in_chinese_with_its_unit_and_direction(fig):
    with translation.override("zh-hans"):
        table = registry.table(NAMES, fig.wujin, Q2)
        described = [(str(f.label), f.unit, f.higher_is_better, f.kind) for f in table.figures]
    assert described == [
        ("执法检查次数", "次", True, "count"),
        ("隐患整改闭环率", "%", True, "rate"),
        ("执法检查覆盖率（涉爆粉尘单班作业10人以上企业）", "%", True, "rate"),
        ("未入网格的企业", "家", False, "count"),
    ]


def test_figures_by_namespace():
    names = {f.name for f in registry.all("enterprises")}
    assert "enterprises.outside_grid" in names and not any(n.startswith("inspections.") for n in names)
    assert all(f.namespace == "inspections" for f in registry.all("inspections"))
