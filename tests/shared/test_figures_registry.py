"""The figures registry: periods, registration, and compute() ranking each child region in the
bureau's order in a fixed number of queries. The figures here are registered by the test itself
over the roster; the registry module imports no business app."""
import datetime

import pytest
from django.db.models import Count, Q
from django.utils import translation

from enterprises.models import Enterprise
from grid.models import Region, child_path_expr
from portal.figures import registry
from portal.figures.registry import Period

from tests.enterprises.factories import make_enterprise


def enterprise_count(region, period):
    """Enterprises on the roster per child region: one grouped query; children without any are absent."""
    rows = (Enterprise.objects.filter(township__path__startswith=region.path)
            .annotate(child=child_path_expr(region, "township__path"))
            .values("child").annotate(n=Count("pk")).order_by())
    return {row["child"]: row["n"] for row in rows}


@pytest.fixture
def figures():
    registry.register("test.enterprises", "企业数", "家", True, enterprise_count)

    @registry.register("test.small_enterprises", label="规下企业数", unit="家", higher_is_better=False)
    def small(region, period):
        rows = (Enterprise.objects.filter(township__path__startswith=region.path)
                .annotate(child=child_path_expr(region, "township__path"))
                .values("child").annotate(n=Count("pk", filter=Q(above_scale=False))).order_by())
        return {row["child"]: row["n"] for row in rows}

    yield
    registry.unregister("test.enterprises")
    registry.unregister("test.small_enterprises")


def test_periods():
    q3 = Period.quarter(2022, 3)
    assert (q3.start, q3.end) == (datetime.date(2022, 7, 1), datetime.date(2022, 9, 30))
    assert Period.quarter(2022, 4).end == datetime.date(2022, 12, 31)
    feb = Period.month(2024, 2)
    assert (feb.start, feb.end) == (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    year = Period.year(2022)
    assert (year.start, year.end) == (datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    assert datetime.date(2022, 9, 30) in q3 and datetime.date(2022, 10, 1) not in q3
    assert "2022" in q3.label and "3" in q3.label
    assert "2022" in feb.label or "2024" in feb.label
    with pytest.raises(ValueError):
        Period.quarter(2022, 5)
    with pytest.raises(ValueError):
        Period(datetime.date(2022, 2, 1), datetime.date(2022, 1, 1))


def test_half_years_and_year_to_date():
    D = datetime.date
    h1, h2 = Period.half(2022, 1), Period.half(2022, 2)
    assert (h1.start, h1.end, h2.start, h2.end) == (D(2022, 1, 1), D(2022, 6, 30), D(2022, 7, 1), D(2022, 12, 31))
    # seed 000 item 3: "100 % by end of August" is 1 January to 31 August
    ytd = Period.year_to_date(D(2022, 8, 31))
    assert (ytd.start, ytd.end, ytd.kind) == (D(2022, 1, 1), D(2022, 8, 31), "ytd")
    assert Period.containing(D(2024, 2, 29), "ytd").end == D(2024, 2, 29)
    assert Period.year_to_date(D(2024, 2, 29)).previous() == Period.year_to_date(D(2023, 2, 28))
    assert Period.containing(D(2022, 7, 1), "half") == h2
    assert Period.containing(D(2022, 6, 30), "half") == h1
    assert h1.previous() == Period.half(2021, 2)
    with pytest.raises(ValueError):
        Period.half(2022, 3)
    with translation.override("zh-hans"):
        assert (h1.label, h2.label, ytd.label) == ("2022年上半年", "2022年下半年", "2022年1月1日至8月31日")
        assert Period.quarter(2022, 3).label == "2022年第3季度"


@pytest.mark.parametrize("period", [
    Period.quarter(2026, 4), Period.half(2026, 1), Period.month(2024, 2), Period.year(2022),
    Period.year_to_date(datetime.date(2022, 8, 31)), Period(datetime.date(2022, 1, 5), datetime.date(2022, 3, 15)),
])
def test_a_period_key_reads_back(period):
    assert Period.parse(str(period)) == period
    assert Period.parse(str(period).lower()) == period


def test_bad_period_keys_and_kinds():
    assert [Period.parse(k) for k in ("", None, "2026Q5", "2026H3", "2026-13", "2022YTD02-30", "Q3", "2026-3")] \
        == [None] * 8
    assert Period.parse("2026H1", "quarter") is None
    assert Period.parse("2026Q1", "quarter") == Period.quarter(2026, 1)


@pytest.mark.parametrize("day, quarters", [
    # first and last day of a quarter, 29 February, 31 December, 1 January
    (datetime.date(2026, 4, 1), ["2026Q2", "2026Q1", "2025Q4"]),
    (datetime.date(2026, 6, 30), ["2026Q2", "2026Q1", "2025Q4"]),
    (datetime.date(2024, 2, 29), ["2024Q1", "2023Q4", "2023Q3"]),
    (datetime.date(2026, 12, 31), ["2026Q4", "2026Q3", "2026Q2"]),
    (datetime.date(2027, 1, 1), ["2027Q1", "2026Q4", "2026Q3"]),
])
def test_recent_quarters_on_dates_that_break_calendar_code(day, quarters):
    assert [str(q) for q in Period.recent(day, 3)] == quarters
    assert [str(m) for m in Period.recent(day, 2, "month")][0] == f"{day.year}-{day.month:02d}"


def test_register_get_all(figures):
    figure = registry.get("test.enterprises")
    assert (figure.label, figure.unit, figure.higher_is_better) == ("企业数", "家", True)
    assert registry.get("test.small_enterprises").higher_is_better is False
    assert {"test.enterprises", "test.small_enterprises"} <= {f.name for f in registry.all()}
    with pytest.raises(LookupError):
        registry.get("test.nothing")
    with pytest.raises(ValueError):
        registry.register("unnamespaced", fn=enterprise_count)


def test_rank_ties_share_and_none_is_unranked():
    assert registry.rank([3, 5, 5, None, 1]) == [3, 1, 1, None, 4]
    assert registry.rank([3, 5, 5, None, 1], higher_is_better=False) == [2, 3, 3, None, 1]
    assert registry.rank([]) == []


def test_compute_values_order_and_ranks(world, figures):
    huangli = Region.objects.get(name="湟里镇")
    make_enterprise(township=huangli, name="常州湟里化工有限公司", above_scale=True)
    # World: 湖塘镇 2 (one above scale), 洛阳镇 1, plus 湟里镇 1 (above scale); other townships none.
    rows = registry.compute("test.enterprises", world.wujin, Period.quarter(2022, 3))
    children = list(world.wujin.children.order_by("order", "code"))
    assert [r.region for r in rows] == children  # the bureau's order, all 13 townships
    by_name = {r.region.name: r for r in rows}
    assert (by_name["湖塘镇"].value, by_name["湖塘镇"].rank) == (2, 1)
    # 洛阳镇 and 湟里镇 tie at 1: both rank 2.
    assert (by_name["洛阳镇"].value, by_name["洛阳镇"].rank) == (1, 2)
    assert (by_name["湟里镇"].value, by_name["湟里镇"].rank) == (1, 2)
    assert (by_name["雪堰镇"].value, by_name["雪堰镇"].rank) == (None, None)  # no data: unranked

    # Lower is better. Small enterprises: 湖塘镇 1 (纺织 is above scale), 洛阳镇 1, 湟里镇 0.
    rows = {r.region.name: r for r in registry.compute("test.small_enterprises", world.wujin, Period.year(2022))}
    assert (rows["湟里镇"].value, rows["湟里镇"].rank) == (0, 1)
    assert (rows["湖塘镇"].value, rows["湖塘镇"].rank) == (1, 2)
    assert (rows["洛阳镇"].value, rows["洛阳镇"].rank) == (1, 2)
    assert rows["科教城"].rank is None

    # From the city: the districts; all four enterprises (2 + 1 + 1) are in 武进区.
    rows = {r.region.name: r for r in registry.compute("test.enterprises", world.city, Period.year(2022))}
    assert (rows["武进区"].value, rows["武进区"].rank) == (4, 1)
    assert rows["天宁区"].value is None


def test_compute_is_a_fixed_number_of_queries(world, figures, django_assert_num_queries):
    period = Period.quarter(2022, 3)
    for region, n_children in ((world.wujin, 13), (world.city, 7), (world.hutang, 1)):
        with django_assert_num_queries(2):  # the child regions; the figure's one grouped query
            rows = registry.compute("test.enterprises", region, period)
        assert len(rows) == n_children
