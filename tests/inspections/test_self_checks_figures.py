"""The self-check figures (seed 001 (二)一: 27891 sent, 25345 done, 90.87 %), checked against a small
world counted by hand: October 2026 in Wujin, three townships, lists sent before, in and after the
month, some done in it, one after it, an enterprise sent two lists."""
import datetime
from zoneinfo import ZoneInfo

import pytest

from grid.models import Region
from inspections import figures_self_checks as figures
from inspections import services
from inspections.models import SelfCheckList
from portal.figures import paragraphs, registry
from portal.figures.periods import Period

from tests.enterprises.factories import make_enterprise, make_enterprise_user
from tests.inspections.self_check_factories import answers_for, general, make_campaign

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
OCTOBER = Period.month(2026, 10)
D = datetime.date


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


@pytest.fixture
def month(world, clock):
    """Who was sent what when, and who submitted when (each step on its own day)."""
    xueyan = Region.objects.get(name="雪堰镇")
    xs = [make_enterprise(township=xueyan, name=f"常州雪堰{i}号厂") for i in range(1, 6)]
    writers = {e.pk: make_enterprise_user(e, "principal", username=f"p{e.pk}")
               for e in [world.e_hutang2, world.e_luoyang, *xs]}
    writers[world.e_hutang.pk] = world.principal

    def send(campaign, when):
        clock.move_to(when)
        services.self_check_send(campaign=campaign, by=world.bureau, checklist=general(),
                                 due_date=when.date() + datetime.timedelta(days=20))

    def done(campaign, enterprise, when):
        clock.move_to(when)
        lst = SelfCheckList.objects.get(campaign=campaign, enterprise=enterprise)
        services.self_check_submit(self_check=lst, by=writers[enterprise.pk], answers=answers_for(lst))

    clock.move_to(at(2026, 8, 30, 9))
    a = make_campaign(world, targets=[world.e_hutang], start=D(2026, 9, 1), end=D(2026, 12, 31), name="A")
    b = make_campaign(world, targets=[world.e_hutang, world.e_hutang2, world.e_luoyang, *xs[:3]],
                      start=D(2026, 10, 1), end=D(2026, 12, 31), name="B")
    c = make_campaign(world, targets=[world.e_hutang], start=D(2026, 10, 1), end=D(2026, 12, 31), name="C")
    d = make_campaign(world, targets=[xs[3]], start=D(2026, 10, 1), end=D(2026, 12, 31), name="D")
    e = make_campaign(world, targets=[xs[4]], start=D(2026, 10, 1), end=D(2026, 12, 31), name="E")
    send(a, at(2026, 9, 20, 9))                       # sent in September: not October's
    done(a, world.e_hutang, at(2026, 10, 5, 9))
    send(b, at(2026, 10, 10, 9))                      # October: 湖塘 2, 洛阳 1, 雪堰 3
    done(b, xs[1], at(2026, 10, 12, 9))
    done(b, world.e_hutang, at(2026, 10, 20, 9))
    done(b, xs[0], at(2026, 10, 31, 23, 30))          # the month's last half hour: done in October
    done(b, world.e_luoyang, at(2026, 11, 1, 9))      # done after the month: not done in October
    send(c, at(2026, 10, 25, 9))                      # 湖塘 machine again: still one enterprise
    send(d, at(2026, 10, 31, 23, 50))                 # October's last minutes: 雪堰 4th
    send(e, at(2026, 11, 1, 0, 10))                   # November: not October's
    clock.move_to(at(2026, 11, 16, 10))
    return xueyan


def test_sent_done_and_rate_per_township_hand_counted(world, month, django_assert_num_queries):
    hutang, luoyang, xueyan = world.hutang.path, world.luoyang.path, month.path
    with django_assert_num_queries(1):
        sent = figures.self_checks_sent(world.wujin, OCTOBER)
    # 湖塘: the machine works (B, C) and the textile works (B) -> 2; 洛阳: 1; 雪堰: 1-3 (B) and 4 (D) -> 4
    assert (sent[hutang], sent[luoyang], sent[xueyan]) == (2, 1, 4)
    assert sum(sent.values()) == 7 and len(sent) == world.wujin.children.count()  # every township, zeros too
    with django_assert_num_queries(1):
        done = figures.self_checks_done(world.wujin, OCTOBER)
    # 湖塘: the machine works (B on 20 Oct) -> 1; 洛阳: done on 1 Nov -> 0; 雪堰: 1 and 2 -> 2
    assert (done[hutang], done[luoyang], done[xueyan]) == (1, 0, 2)
    with django_assert_num_queries(1):
        rate = figures.self_check_rate(world.wujin, OCTOBER)
    assert {k: (r.numerator, r.denominator, r.value) for k, r in rate.items()} == {
        hutang: (1, 2, 50.0), luoyang: (0, 1, 0.0), xueyan: (2, 4, 50.0)}  # no list sent elsewhere: unranked


def test_the_registry_the_city_and_the_notice_paragraph(world, month):
    table = registry.table(["inspections.self_checks_sent", "inspections.self_checks_done",
                            "inspections.self_check_rate"], world.wujin, OCTOBER)
    total = table.total.cells
    # 7 enterprises sent a list in October, 3 of them done: 3 / 7 = 42.86 %
    assert (total["inspections.self_checks_sent"].value, total["inspections.self_checks_done"].value) == (7, 3)
    assert total["inspections.self_check_rate"].value == 42.86
    text = dict((p.key, t) for p, t in paragraphs.build(table))["inspections.self_checks"]
    assert text == "2026年10月，全区7家企业下发自查清单，完成3家，完成率42.86%。"
    # the city ranks its districts: Wujin 3 / 7, the others sent nothing
    city = figures.self_check_rate(world.city, OCTOBER)
    assert {k: (r.numerator, r.denominator) for k, r in city.items()} == {world.wujin.path: (3, 7)}
    # November: the list of E (sent at 00:10 on 1 Nov) only, not done
    november = figures.self_check_rate(world.wujin, Period.month(2026, 11))
    assert {k: (r.numerator, r.denominator) for k, r in november.items()} == {month.path: (0, 1)}


def test_below_a_township_by_village(world, month):
    sent = figures.self_checks_sent(world.hutang, OCTOBER)
    # the machine works lies in 湖塘村; the textile works in no village (key None)
    assert (sent[world.village.path], sent[None]) == (1, 1)


def test_a_period_without_a_list_sent_has_no_self_check_paragraph(world, month):
    table = registry.table(["inspections.self_checks_sent", "inspections.self_checks_done",
                            "inspections.self_check_rate"], world.wujin, Period.month(2026, 8))
    assert "inspections.self_checks" not in {p.key for p, _t in paragraphs.build(table)}
