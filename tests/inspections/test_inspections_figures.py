"""The inspections figures (inspections.figures) against a world counted by hand: two townships,
two quarters of 2022, built through the services (inspections with failures, hazards driven to a
verified close on given dates, penalties, plans, a transfer). Each figure runs in a pinned number
of queries for Wujin's 13 townships, and through ``registry.compute`` for the district and the city."""
import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from enterprises.models import Enterprise
from enterprises.services import enterprise_change_status, enterprise_transfer
from grid.models import Region
from inspections import figures
from inspections.services import (hazard_plan, hazard_submit, hazard_verify, penalty_create, penalty_set_status,
                                  plan_create, plan_items_add)
from portal.figures import registry
from portal.figures.registry import Period
from portal.rules.models import Threshold

from tests.enterprises.factories import make_enterprise, make_enterprise_user
from tests.factories import jpeg
from tests.inspections.factories import criterion, make_inspection

D = datetime.date
Q1, Q2 = Period.quarter(2022, 1), Period.quarter(2022, 2)

COUNT_FIGURES = ["inspections_done", "hazards_found", "major_hazards_found", "hazards_closed", "hazards_overdue",
                 "open_major_enterprises", "fines"]
RATE_FIGURES = ["plan_completion", "closure_rate", "coverage", "dust_coverage"]


def pct(rates):
    """The percentages of ``{child: Rate}``."""
    return {child: rate.value for child, rate in rates.items()}


def parts(rates):
    """The numerators and denominators of ``{child: Rate}``."""
    return {child: (rate.numerator, rate.denominator) for child, rate in rates.items()}


def _close(hazard, by, on):
    """The enterprise's safety manager rectifies and submits; ``by`` verifies it closed on ``on``."""
    manager = make_enterprise_user(hazard.enterprise, "safety_manager")
    hazard_plan(hazard=hazard, by=manager, responsible_person="王五", measures="按要求整改",
                funds=Decimal("500"), emergency_plan="临时防护")
    hazard_submit(hazard=hazard, by=manager, note="已整改", evidence=[jpeg()])
    return hazard_verify(hazard=hazard, by=by, on=on)


def _hazard(inspection, code):
    return inspection.hazards.get(item_code=code)


def _penalty(inspection, by, decided_on, fine):
    return penalty_create(inspection=inspection, by=by, decided_on=decided_on, violation="消防设施不完好",
                          legal_basis="《中华人民共和国安全生产法》第九十九条", fine=fine)


@pytest.fixture
def fig(world):
    """The world's three enterprises plus five dust enterprises, and this history (H = hazard):

    enterprise   township  dust workers  notes
    e_hutang     湖塘       12 (dust)     key dust set
    e_hutang2    湖塘 → 洛阳 on 2022-05-20 (transfer), above scale
    e_luoyang    洛阳       -             smelting
    d_hutang     湖塘       30 (dust)     key dust set
    d_small      湖塘       5 (dust)      below 10: not in the set
    d_gone       湖塘       20 (dust)     deregistered 2022-05-01: not in the set
    d_luoyang    洛阳       10 (dust)     key dust set

    Q1: I0 d_hutang 01-20 (no finding); I1 e_hutang 02-15: H1 general, deadline 03-01, closed 03-10;
        I2 e_luoyang 03-20: H2 general, deadline 04-30, never closed.
    Q2: I3 e_hutang 04-10 (plan item): H3 general closed 05-05; H4 general deadline 05-10 closed 07-05 (after Q2);
            H5, H5b major deadline 06-10 open;
        I4 e_hutang patrol 05-01: H6 general closed on the spot 05-01;
        I7 e_luoyang 04-20 (plan item): H8 general closed 05-18; H9 major deadline 05-31 closed 07-10 (after Q2);
            P2 ¥3000 on 04-25, revoked; P3 ¥1200.50 on 04-28;
        d_gone 04-15, d_small 04-16: enforcement inspections (not counted in the dust set);
        d_luoyang 05-05: patrol only;
        I5 e_hutang2 05-15 (plan item, in 湖塘): H7 general deadline 06-15 closed 06-20 by 洛阳 (after the transfer);
            P1 ¥5000 on 05-25 (after the transfer, still 湖塘's);
        I6 e_hutang2 06-01, now in 洛阳.
    Plans: 2022 plan items — e_hutang due 04-30, d_hutang due 06-30, e_hutang2 due 05-31 (湖塘),
        e_luoyang due 03-31, d_luoyang due 09-30 (洛阳); a 2021 plan item e_luoyang due 2021-10-31, never done.
    """
    w = world
    w.d_hutang = make_enterprise(township=w.hutang, name="常州湖塘木业有限公司", key_domains=["dust"],
                                 dust_workers_per_shift=30)
    w.d_small = make_enterprise(township=w.hutang, name="常州湖塘抛光有限公司", key_domains=["dust"],
                                dust_workers_per_shift=5)
    w.d_gone = make_enterprise(township=w.hutang, name="常州湖塘铝制品有限公司", key_domains=["dust"],
                               dust_workers_per_shift=20)
    w.d_luoyang = make_enterprise(township=w.luoyang, name="常州洛阳家具有限公司", key_domains=["dust"],
                                  dust_workers_per_shift=10)

    plan = plan_create(region=w.wujin, by=w.bureau, title="2022年度执法检查计划", year=2022)
    plan_items_add(plan=plan, by=w.bureau, enterprises=[w.e_hutang], due_date=D(2022, 4, 30))
    plan_items_add(plan=plan, by=w.bureau, enterprises=[w.d_hutang], due_date=D(2022, 6, 30))
    plan_items_add(plan=plan, by=w.bureau, enterprises=[w.e_hutang2], due_date=D(2022, 5, 31))
    plan_items_add(plan=plan, by=w.bureau, enterprises=[w.e_luoyang], due_date=D(2022, 3, 31))
    plan_items_add(plan=plan, by=w.bureau, enterprises=[w.d_luoyang], due_date=D(2022, 9, 30))
    old = plan_create(region=w.wujin, by=w.bureau, title="2021年度执法检查计划", year=2021)
    plan_items_add(plan=old, by=w.bureau, enterprises=[w.e_luoyang], due_date=D(2021, 10, 31))
    item = {i.enterprise_id: i for i in plan.items.all()}

    # -- Q1
    make_inspection(w.d_hutang, w.inspector, inspected_on=D(2022, 1, 20))
    i1 = make_inspection(w.e_hutang, w.inspector, inspected_on=D(2022, 2, 15),
                         failures={"GEN-12": {"deadline": D(2022, 3, 1)}})
    _close(_hazard(i1, "GEN-12"), w.inspector, D(2022, 3, 10))
    make_inspection(w.e_luoyang, w.luoyang_inspector, inspected_on=D(2022, 3, 20),
                    failures={"GEN-13": {"deadline": D(2022, 4, 30)}})

    # -- Q2
    i3 = make_inspection(w.e_hutang, w.inspector, inspected_on=D(2022, 4, 10), plan_item=item[w.e_hutang.pk],
                         failures={"GEN-12": {"deadline": D(2022, 5, 10)},
                                   "GEN-13": {"deadline": D(2022, 5, 10)},
                                   "GEN-14": {"deadline": D(2022, 6, 10), "major_criterion": criterion("DUST-3")},
                                   "GEN-16": {"deadline": D(2022, 6, 10), "major_criterion": criterion("GEN-1")}})
    _close(_hazard(i3, "GEN-12"), w.inspector, D(2022, 5, 5))
    _close(_hazard(i3, "GEN-13"), w.inspector, D(2022, 7, 5))
    make_inspection(w.e_hutang, w.grid_member, kind="patrol", inspected_on=D(2022, 5, 1), officers=(),
                    failures={"GEN-15": {"on_the_spot": True}})
    i7 = make_inspection(w.e_luoyang, w.luoyang_inspector, inspected_on=D(2022, 4, 20),
                         plan_item=item[w.e_luoyang.pk],
                         failures={"GEN-12": {"deadline": D(2022, 5, 20)},
                                   "GEN-13": {"deadline": D(2022, 5, 31), "major_criterion": criterion("MS-1")}})
    _close(_hazard(i7, "GEN-12"), w.luoyang_inspector, D(2022, 5, 18))
    _close(_hazard(i7, "GEN-13"), w.bureau, D(2022, 7, 10))
    p2 = _penalty(i7, w.bureau, D(2022, 4, 25), "3000")
    penalty_set_status(penalty=p2, by=w.bureau, status="revoked")
    _penalty(i7, w.bureau, D(2022, 4, 28), "1200.50")
    make_inspection(w.d_gone, w.inspector, inspected_on=D(2022, 4, 15))
    enterprise_change_status(enterprise=w.d_gone, by=w.bureau, status="deregistered", effective_date=D(2022, 5, 1),
                             reason="注销")
    make_inspection(w.d_small, w.inspector, inspected_on=D(2022, 4, 16))
    # a patrol outside the grid member's cells is the township's (a grid member patrols only their cells)
    make_inspection(w.d_luoyang, w.luoyang_inspector, kind="patrol", inspected_on=D(2022, 5, 5), officers=())
    i5 = make_inspection(w.e_hutang2, w.inspector, inspected_on=D(2022, 5, 15), plan_item=item[w.e_hutang2.pk],
                         failures={"GEN-12": {"deadline": D(2022, 6, 15)}})
    enterprise_transfer(enterprise=w.e_hutang2, by=w.bureau, township=w.luoyang, effective_date=D(2022, 5, 20),
                        reason="属地调整")
    w.e_hutang2.refresh_from_db()
    _penalty(i5, w.bureau, D(2022, 5, 25), "5000")
    _close(_hazard(i5, "GEN-12"), w.luoyang_inspector, D(2022, 6, 20))  # verified by its new township
    make_inspection(w.e_hutang2, w.luoyang_inspector, inspected_on=D(2022, 6, 1))
    w.others = [r.path for r in w.wujin.children.exclude(pk__in=[w.hutang.pk, w.luoyang.pk])]
    return w


def _zeros_elsewhere(w, values, zero=0):
    """Counts: every other township of Wujin is present with zero."""
    assert len(values) == 13
    assert all(values[path] == zero for path in w.others)


# -- inspections ------------------------------------------------------------------------------------------------------
def test_inspections_done(fig):
    w = fig
    q1 = figures.inspections_done(w.wujin, Q1)
    # 湖塘: d_hutang 01-20, e_hutang 02-15 -> 2; 洛阳: e_luoyang 03-20 -> 1
    assert (q1[w.hutang.path], q1[w.luoyang.path]) == (2, 1)
    q2 = figures.inspections_done(w.wujin, Q2)
    # 湖塘: I3 e_hutang, d_gone (deregistered later: the inspection happened), d_small, I5 e_hutang2 (in 湖塘 on
    #   05-15, transferred 05-20) -> 4; the patrol of 05-01 is not counted.
    # 洛阳: I7 e_luoyang, I6 e_hutang2 (06-01, after the transfer) -> 2; d_luoyang's patrol is not counted.
    assert (q2[w.hutang.path], q2[w.luoyang.path]) == (4, 2)
    _zeros_elsewhere(w, q2)


def test_plan_completion(fig):
    w = fig
    q1 = figures.plan_completion(w.wujin, Q1)
    # 湖塘: nothing due by 03-31 -> None (absent). 洛阳: e_luoyang due 03-31, inspected 04-20 (after Q1) -> 0 of 1
    assert pct(q1) == {w.luoyang.path: 0.0} and parts(q1) == {w.luoyang.path: (0, 1)}
    q2 = figures.plan_completion(w.wujin, Q2)
    # 湖塘: e_hutang (due 04-30, I3 04-10), e_hutang2 (due 05-31, I5 05-15; the item stays 湖塘's after the
    #   transfer), d_hutang (due 06-30, not inspected since Q1, unlinked) -> 2 of 3 -> 66.67 %
    # 洛阳: e_luoyang (due 03-31, I7 04-20 by 06-30) -> 1 of 1 -> 100 %; d_luoyang due 09-30 is not due;
    #   the 2021 plan's item (due 2021-10-31, never done) is not in force in 2022.
    assert pct(q2) == {w.hutang.path: 66.67, w.luoyang.path: 100.0}
    assert parts(q2) == {w.hutang.path: (2, 3), w.luoyang.path: (1, 1)}


def test_dust_coverage(fig):
    w = fig
    # The key dust set: e_hutang (12), d_hutang (30) in 湖塘; d_luoyang (10) in 洛阳. Not d_small (5), not d_gone
    # (deregistered), though both were inspected in Q2.
    q1 = figures.dust_coverage(w.wujin, Q1)
    # 湖塘: d_hutang 01-20, e_hutang 02-15 -> 2 of 2; 洛阳: d_luoyang not inspected -> 0 of 1
    assert parts(q1) == {w.hutang.path: (2, 2), w.luoyang.path: (0, 1)}
    q2 = figures.dust_coverage(w.wujin, Q2)
    # 湖塘: e_hutang (I3) of e_hutang, d_hutang -> 50 %; 洛阳: d_luoyang only patrolled -> 0 %
    assert pct(q2) == {w.hutang.path: 50.0, w.luoyang.path: 0.0}


def test_dust_set_follows_the_threshold(fig):
    w = fig
    # The shipped 10 (migration 0005), and Wujin raising it to 30 from 1 April
    assert Threshold.objects.get(name="inspections.dust_key_workers_min", region=None).value == 10
    Threshold.objects.create(name="inspections.dust_key_workers_min", label="重点涉粉企业单班作业人数下限",
                             unit="people", value=30, region=w.wujin, effective_from=D(2022, 4, 1))
    assert pct(figures.dust_coverage(w.wujin, Q1)) == {w.hutang.path: 100.0, w.luoyang.path: 0.0}  # 10 on 31 Mar
    # 30 on 30 Jun: d_hutang alone (not inspected in Q2) -> 0 %; 洛阳 has none -> absent
    assert pct(figures.dust_coverage(w.wujin, Q2)) == {w.hutang.path: 0.0}


def test_coverage_of_any_filtered_set(fig, django_assert_num_queries):
    w = fig
    with django_assert_num_queries(1):  # the enterprises grouped by child region, with an EXISTS per row
        counts = figures.coverage_of(w.wujin, Q2, Enterprise.objects.filter(above_scale=True))
    # Above scale: e_hutang2 only, placed by its current township 洛阳 (the set is today's roster), inspected
    assert parts(counts) == {w.luoyang.path: (1, 1)}
    # all of 湖塘's enterprises (current township): e_hutang, d_hutang, d_small, d_gone; Q2 inspections (not
    # patrols) of e_hutang, d_small, d_gone -> 3 of 4 -> 75 %; 洛阳: e_luoyang, e_hutang2 inspected, d_luoyang
    # only patrolled -> 2 of 3 -> 66.67 %
    assert pct(figures.coverage_of(w.wujin, Q2, Enterprise.objects.all())) == {w.hutang.path: 75.0,
                                                                               w.luoyang.path: 66.67}


# -- hazards ----------------------------------------------------------------------------------------------------------
def test_hazards_found_and_major(fig):
    w = fig
    q1 = figures.hazards_found(w.wujin, Q1)
    assert (q1[w.hutang.path], q1[w.luoyang.path]) == (1, 1)  # H1; H2
    q2 = figures.hazards_found(w.wujin, Q2)
    # 湖塘: H3, H4, H5, H5b (I3), H6 (the patrol's: every source counts), H7 (e_hutang2 before its transfer) -> 6
    # 洛阳: H8, H9 -> 2
    assert (q2[w.hutang.path], q2[w.luoyang.path]) == (6, 2)
    _zeros_elsewhere(w, q2)
    major = figures.major_hazards_found(w.wujin, Q2)
    assert (major[w.hutang.path], major[w.luoyang.path]) == (2, 1)  # H5, H5b; H9
    assert figures.major_hazards_found(w.wujin, Q1)[w.hutang.path] == 0


def test_hazards_closed(fig):
    w = fig
    q1 = figures.hazards_closed(w.wujin, Q1)
    assert (q1[w.hutang.path], q1[w.luoyang.path]) == (1, 0)  # H1 03-10
    q2 = figures.hazards_closed(w.wujin, Q2)
    # 湖塘: H3 05-05, H6 on the spot 05-01, H7 06-20 (verified by 洛阳, found in 湖塘) -> 3; H4 closed 07-05 is Q3's
    # 洛阳: H8 05-18 -> 1; H9 closed 07-10 is Q3's
    assert (q2[w.hutang.path], q2[w.luoyang.path]) == (3, 1)
    q3 = figures.hazards_closed(w.wujin, Period.quarter(2022, 3))
    assert (q3[w.hutang.path], q3[w.luoyang.path]) == (1, 1)  # H4; H9


def test_closure_rate(fig):
    w = fig
    # Q1: 湖塘 H1 found and closed -> 100 %; 洛阳 H2 found, open -> 0 %
    assert pct(figures.closure_rate(w.wujin, Q1)) == {w.hutang.path: 100.0, w.luoyang.path: 0.0}
    # Q2: 湖塘: 6 found, closed by 30 Jun H3, H6, H7 (H4 closed 07-05 counts as open) -> 3 of 6 -> 50 %
    #     洛阳: H8, H9 found, H8 closed by 30 Jun -> 1 of 2 -> 50 %
    assert parts(figures.closure_rate(w.wujin, Q2)) == {w.hutang.path: (3, 6), w.luoyang.path: (1, 2)}
    assert pct(figures.closure_rate(w.wujin, Q2)) == {w.hutang.path: 50.0, w.luoyang.path: 50.0}
    # H1 (found Q1, closed in March) does not count again in Q2; none found in Q4 -> nothing
    assert figures.closure_rate(w.wujin, Period.quarter(2022, 4)) == {}


def test_hazards_overdue(fig):
    w = fig
    q1 = figures.hazards_overdue(w.wujin, Q1)
    # at 31 Mar: H1 (deadline 03-01) was closed 03-10; H2's deadline 04-30 is after the end -> none
    assert (q1[w.hutang.path], q1[w.luoyang.path]) == (0, 0)
    q2 = figures.hazards_overdue(w.wujin, Q2)
    # at 30 Jun: 湖塘 H4 (deadline 05-10, closed only 07-05: open at the end), H5, H5b (06-10, open) -> 3;
    #   H7 (deadline 06-15) was closed 06-20, before the end.
    # 洛阳 H2 (04-30, open since Q1), H9 (05-31, closed 07-10) -> 2
    assert (q2[w.hutang.path], q2[w.luoyang.path]) == (3, 2)
    _zeros_elsewhere(w, q2)
    q3 = figures.hazards_overdue(w.wujin, Period.quarter(2022, 3))
    assert (q3[w.hutang.path], q3[w.luoyang.path]) == (2, 1)  # H5, H5b; H2 (H4, H9 closed in July)


def test_open_major_enterprises(fig):
    w = fig
    # 30 Jun: e_hutang has H5 and H5b open (counted once); 洛阳: e_luoyang's H9 is closed only on 07-10
    q2 = figures.open_major_enterprises(w.wujin, Q2)
    assert (q2[w.hutang.path], q2[w.luoyang.path]) == (1, 1)
    _zeros_elsewhere(w, q2)
    assert figures.open_major_enterprises(w.wujin, Q1)[w.hutang.path] == 0  # no major hazard yet
    q3 = figures.open_major_enterprises(w.wujin, Period.quarter(2022, 3))
    assert (q3[w.hutang.path], q3[w.luoyang.path]) == (1, 0)  # H9 closed 07-10


def test_hazard_counts_by_severity_and_source(fig, django_assert_num_queries):
    w = fig
    with django_assert_num_queries(1):  # one GROUP BY child, severity, source
        counts = figures.hazard_counts(w.wujin, Q2)
    assert counts[w.hutang.path] == {
        # H3 (closed 05-05), H4 (overdue), H7 (closed 06-20)
        "general": {"inspection": {"found": 3, "closed": 2, "overdue": 1},
                    "patrol": {"found": 1, "closed": 1, "overdue": 0}},  # H6, on the spot
        "major": {"inspection": {"found": 2, "closed": 0, "overdue": 2}},  # H5, H5b
    }
    assert counts[w.luoyang.path] == {
        # H8 found and closed in Q2; H2 found in Q1, overdue at 30 Jun
        "general": {"inspection": {"found": 1, "closed": 1, "overdue": 1}},
        "major": {"inspection": {"found": 1, "closed": 0, "overdue": 1}},  # H9
    }
    assert set(counts) == {w.hutang.path, w.luoyang.path}


# -- penalties --------------------------------------------------------------------------------------------------------
def test_fines(fig):
    w = fig
    q2 = figures.fines(w.wujin, Q2)
    # 湖塘: P1 ¥5000 (decided after e_hutang2's transfer, on 湖塘's inspection); 洛阳: P3 ¥1200.50, P2 revoked
    assert (q2[w.hutang.path], q2[w.luoyang.path]) == (Decimal("5000.00"), Decimal("1200.50"))
    assert all(isinstance(v, Decimal) for v in q2.values())
    _zeros_elsewhere(w, q2, Decimal("0"))
    assert figures.fines(w.wujin, Q1)[w.hutang.path] == Decimal("0")


# -- the registry, query counts, other levels -------------------------------------------------------------------------
QUERIES = {  # the one grouped statement each (counts: UNION ALL the children at zero); dust: + the threshold
    "inspections.inspections_done": 1, "inspections.plan_completion": 1, "inspections.dust_coverage": 2,
    "inspections.hazards_found": 1, "inspections.major_hazards_found": 1, "inspections.hazards_closed": 1,
    "inspections.closure_rate": 1, "inspections.hazards_overdue": 1, "inspections.fines": 1,
    "inspections.open_major_enterprises": 1,
    "inspections.coverage": 1,  # without a parameter: every enterprise on the roster
    "inspections.verification_checks_province": 1, "inspections.verification_checks_city": 1,
    "inspections.verification_checks_district": 1, "inspections.verification_checks_township": 1,
    "inspections.verification_enterprises": 1,
}
# figures that take a parameter: ``test_inspections_figures_params``
PARAMETRISED = {"inspections.campaign_not_cleared"}


def test_registered_with_chinese_labels():
    with translation.override("zh-hans"):
        labels = {f.name: (str(f.label), f.unit, f.higher_is_better) for f in registry.all()
                  if f.name.startswith("inspections.")}
    assert labels == {
        "inspections.inspections_done": ("执法检查次数", "次", True),
        "inspections.plan_completion": ("执法计划完成率", "%", True),
        "inspections.dust_coverage": ("涉粉重点企业执法检查覆盖率", "%", True),
        "inspections.hazards_found": ("发现隐患数", "项", True),
        "inspections.major_hazards_found": ("发现重大事故隐患数", "项", True),
        "inspections.hazards_closed": ("隐患验收销号数", "项", True),
        "inspections.closure_rate": ("隐患整改闭环率", "%", True),
        "inspections.hazards_overdue": ("逾期未整改隐患数", "项", False),
        "inspections.fines": ("罚款金额", "元", True),
        "inspections.open_major_enterprises": ("存在未销号重大事故隐患的企业数", "家", False),
        "inspections.coverage": ("执法检查覆盖率", "%", True),
        "inspections.campaign_not_cleared": ("未清零企业数", "家", False),
        "inspections.verification_checks_province": ("省级核查检查次数", "次", True),
        "inspections.verification_checks_city": ("市级核查检查次数", "次", True),
        "inspections.verification_checks_district": ("区级核查检查次数", "次", True),
        "inspections.verification_checks_township": ("镇级核查检查次数", "次", True),
        "inspections.verification_enterprises": ("核查企业数", "家", True),
        "inspections.self_checks_sent": ("下发自查清单企业数", "家", True),
        "inspections.self_checks_done": ("完成自查企业数", "家", True),
        "inspections.self_check_rate": ("自查完成率", "%", True),
    }
    # the self-check figures' query counts are pinned in test_self_checks_figures.py
    assert set(labels) - {"inspections.self_checks_sent", "inspections.self_checks_done",
                          "inspections.self_check_rate"} == set(QUERIES) | PARAMETRISED


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_fixed_query_count_for_13_townships(fig, name, django_assert_num_queries):
    w = fig
    # more enterprises, inspections and hazards in more townships: the counts may not move
    for town in Region.objects.filter(parent=w.wujin).order_by("order")[:6]:
        e = make_enterprise(township=town, key_domains=["dust"], dust_workers_per_shift=15)
        make_inspection(e, w.bureau, inspected_on=D(2022, 5, 3), failures={"GEN-12": {}})
    fn = registry.get(name).fn
    with django_assert_num_queries(QUERIES[name]):
        fn(w.wujin, Q2)
    with django_assert_num_queries(QUERIES[name] + 1):  # + the child regions
        rows = registry.compute(name, w.wujin, Q2)
    assert len(rows) == 13


def test_compute_ranks_the_townships(fig):
    w = fig
    rows = {r.region.name: r for r in registry.compute("inspections.hazards_overdue", w.wujin, Q2)}
    # lower is better: the 11 townships at 0 share rank 1, 洛阳 (2) is 12th, 湖塘 (3) 13th
    assert (rows["雪堰镇"].value, rows["雪堰镇"].rank) == (0, 1)
    assert (rows["洛阳镇"].value, rows["洛阳镇"].rank) == (2, 12)
    assert (rows["湖塘镇"].value, rows["湖塘镇"].rank) == (3, 13)
    rows = {r.region.name: r for r in registry.compute("inspections.plan_completion", w.wujin, Q2)}
    assert (rows["洛阳镇"].rank, rows["湖塘镇"].rank, rows["雪堰镇"].rank) == (1, 2, None)  # nothing due: unranked


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_city_by_district(fig, name, django_assert_num_queries):
    w = fig
    with django_assert_num_queries(QUERIES[name] + 1):
        rows = {r.region.name: r.value for r in registry.compute(name, w.city, Q2)}
    assert len(rows) == 7  # 常州市's seven districts
    district = {  # everything happened in 武进区: the two townships together
        "inspections.inspections_done": 6, "inspections.hazards_found": 8, "inspections.major_hazards_found": 3,
        "inspections.hazards_closed": 4, "inspections.hazards_overdue": 5, "inspections.open_major_enterprises": 2,
        "inspections.fines": Decimal("6200.50"),
        "inspections.plan_completion": 75.0,  # 3 of 4 due
        "inspections.closure_rate": 50.0,  # 4 of 8 found
        "inspections.dust_coverage": 33.33,  # e_hutang of e_hutang, d_hutang, d_luoyang
        # on the roster: 湖塘 e_hutang, d_hutang, d_small (d_gone deregistered), Q2-inspected e_hutang, d_small -> 2 of 3;
        # 洛阳 e_luoyang, e_hutang2 of those and d_luoyang -> 2 of 3; together 4 of 6
        "inspections.coverage": 66.67,
        # no verification check in this world (tests/test_verification_checks.py counts them)
        "inspections.verification_checks_province": 0, "inspections.verification_checks_city": 0,
        "inspections.verification_checks_district": 0, "inspections.verification_checks_township": 0,
        "inspections.verification_enterprises": 0,
    }
    assert rows["武进区"] == district[name]
    other = None if registry.get(name).unit == "%" else (Decimal("0") if name == "inspections.fines" else 0)
    assert rows["天宁区"] == other


def test_a_township_by_village(fig, django_assert_num_queries):
    w = fig
    with django_assert_num_queries(1):
        found = figures.hazards_found(w.hutang, Q2)
    # e_hutang lies in 湖塘村: H3, H4, H5, H5b, H6 -> 5; H7's enterprise (e_hutang2) is in no village (and now in
    # 洛阳): under None, which no village has
    assert found == {w.village.path: 5, None: 1}
    assert figures.inspections_done(w.hutang, Q2) == {w.village.path: 1, None: 3}  # I3; d_gone, d_small, I5
    assert pct(figures.closure_rate(w.hutang, Q2)) == {w.village.path: 40.0, None: 100.0}  # H3, H6 of 5; H7
    assert pct(figures.dust_coverage(w.hutang, Q2)) == {w.village.path: 100.0, None: 0.0}  # e_hutang; d_hutang
    rows = registry.compute("inspections.hazards_found", w.hutang, Q2)
    assert [(r.region, r.value) for r in rows] == [(w.village, 5)]
