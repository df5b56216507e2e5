"""The roster: creating and changing enterprises through the pages, the roster on past dates, the
quarterly change report, bad input, and the roster list's filters, paging and query count."""
import datetime
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, override

from enterprises import services
from enterprises.models import (
    ChemicalStorageSite, Enterprise, EnterpriseChange, Industry, KeyDomain, Status, enterprises_on,
)
from enterprises.reports import change_report
from portal.figures.periods import Period

from tests.enterprises.factories import credit_code, make_enterprise

D = datetime.date


# -- helpers shared with test_scope ----------------------------------------------------------------
def enterprise_form_data(e):
    """What the edit page posts for ``e`` when nothing is changed."""
    data = {
        "credit_code": e.credit_code, "name": e.name, "address": e.address, "township": e.township_id,
        "village": e.village_id or "", "grid_cell": e.grid_cell_id or "", "industry": e.industry_id,
        "key_domains": [d.pk for d in e.key_domains.all()],
        "is_key_sector": "true" if e.is_key_sector else "false",
        "dust_workers_per_shift": e.dust_workers_per_shift, "status": e.status,
        "principal_name": e.principal_name, "principal_phone": e.principal_phone,
        "host": e.host.credit_code if e.host_id else "", "effective_date": "", "reason": "",
    }
    for flag in ("above_scale", "safety_section_established"):
        if getattr(e, flag):
            data[flag] = "on"
    return data


def roster_snapshot():
    """Everything a roster write can touch, to compare before and after a refused write."""
    return (
        list(Enterprise.objects.order_by("pk").values()),
        list(Enterprise.key_domains.through.objects.order_by("pk").values_list("enterprise_id", "keydomain_id")),
        list(EnterpriseChange.objects.order_by("pk").values()),
        list(ChemicalStorageSite.objects.order_by("pk").values()),
    )


def _login(client, user):
    client.force_login(user)
    return client


def zh(msgid):
    """The message as the user reads it (zh-hans, the default language)."""
    with override("zh-hans"):
        return gettext(msgid)


# -- create ---------------------------------------------------------------------------------------------
def test_create_page_records_a_registered_change(client, world):
    _login(client, world.inspector)
    code = credit_code()
    data = {**enterprise_form_data(world.e_hutang2), "credit_code": code.lower(), "name": " 常州湖塘新设 有限公司 ",
            "above_scale": "", "is_key_sector": "unknown", "key_domains": [KeyDomain.objects.get(code="dust").pk],
            "principal_phone": "０５１９－８５６８３１２０", "effective_date": "2026-07-06", "reason": "新设立"}
    data.pop("above_scale")
    response = client.post("/enterprises/new/", data)
    assert response.status_code == 302
    e = Enterprise.objects.get(credit_code=code)  # stored normalised: upper case
    assert response["Location"] == f"/enterprises/{e.pk}/"
    assert (e.name, e.principal_phone, e.township, e.is_key_sector) == (
        "常州湖塘新设 有限公司", "0519-85683120", world.hutang, True)  # key sector from 涉爆粉尘
    change = e.changes.get()
    assert (change.kind, change.to_status, change.from_status, change.to_township, change.from_township) == (
        "registered", "producing", "", world.hutang, None)
    assert (change.by, change.effective_date, change.reason) == (world.inspector, D(2026, 7, 6), "新设立")
    assert change.at is not None


def test_create_without_date_takes_effect_today_with_a_default_reason(world):
    e = services.enterprise_create(by=world.bureau, credit_code=credit_code(), name="今日新设有限公司",
                                   township=world.hutang, industry=Industry.objects.get(code="food"))
    change = e.changes.get()
    assert change.effective_date == timezone.localdate()
    assert change.reason == gettext("Entered in the roster")


# -- status change and transfer through the edit page ---------------------------------------------------
def test_status_change_needs_effective_date_and_reason(client, world):
    _login(client, world.inspector)
    e = world.e_hutang2
    before = roster_snapshot()
    response = client.post(f"/enterprises/{e.pk}/edit/", {**enterprise_form_data(e), "status": "suspended"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["effective_date"] == [zh("Give the date the change takes effect.")]
    assert errors["reason"] == [zh("Give the reason for the change.")]
    # a reason of blanks is no reason
    response = client.post(f"/enterprises/{e.pk}/edit/", {**enterprise_form_data(e), "status": "suspended",
                                                           "effective_date": "2026-08-01", "reason": "   "})
    assert response.context["form"].errors["reason"] == [zh("Give the reason for the change.")]
    assert roster_snapshot() == before

    response = client.post(f"/enterprises/{e.pk}/edit/", {**enterprise_form_data(e), "status": "suspended",
                                                           "effective_date": "2026-08-01", "reason": "设备检修停产"})
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.status == "suspended"
    change = e.changes.order_by("-id").first()
    assert (change.kind, change.from_status, change.to_status) == ("status", "producing", "suspended")
    assert (change.from_township, change.to_township) == (world.hutang, world.hutang)
    assert (change.by, change.effective_date, change.reason) == (world.inspector, D(2026, 8, 1), "设备检修停产")
    assert e.changes.count() == 2  # registered + this one


def test_transfer_needs_effective_date_and_reason(client, world):
    _login(client, world.bureau)
    e = world.e_hutang2
    before = roster_snapshot()
    moved = {**enterprise_form_data(e), "township": world.luoyang.pk}
    response = client.post(f"/enterprises/{e.pk}/edit/", moved)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"effective_date", "reason"}
    assert roster_snapshot() == before

    response = client.post(f"/enterprises/{e.pk}/edit/", {**moved, "effective_date": "2026-09-01",
                                                           "reason": "属地调整：搬迁至洛阳"})
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.township == world.luoyang
    change = e.changes.order_by("-id").first()
    assert (change.kind, change.from_township, change.to_township) == ("transfer", world.hutang, world.luoyang)
    assert (change.from_status, change.to_status) == ("producing", "producing")
    assert (change.by, change.effective_date, change.reason) == (world.bureau, D(2026, 9, 1), "属地调整：搬迁至洛阳")


def test_transfer_keeping_the_old_village_is_refused(client, world):
    _login(client, world.bureau)
    e = world.e_hutang  # in 湖塘村 and world.cell, both under 湖塘镇
    before = roster_snapshot()
    response = client.post(f"/enterprises/{e.pk}/edit/", {**enterprise_form_data(e), "township": world.luoyang.pk,
                                                           "effective_date": "2026-09-01", "reason": "搬迁"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "village" in errors and "grid_cell" in errors
    assert roster_snapshot() == before


def test_editing_without_a_change_records_none(client, world):
    _login(client, world.bureau)
    e = world.e_hutang
    response = client.post(f"/enterprises/{e.pk}/edit/", {**enterprise_form_data(e), "address": "湖塘镇 1 号"})
    assert response.status_code == 302
    assert e.changes.count() == 1  # still only "registered"


def test_edit_page_shows_and_keeps_a_manual_key_sector_flag(client, world):
    """The city keeps its own key-sector list: a flag set by hand survives an edit of something else."""
    _login(client, world.bureau)
    e = make_enterprise(township=world.hutang, industry="food", is_key_sector=True)  # no key domain
    assert e.is_key_sector is True
    page = client.get(f"/enterprises/{e.pk}/edit/").content.decode()
    assert '<option value="true" selected>' in page
    form = client.get(f"/enterprises/{e.pk}/edit/").context["form"]
    assert form["is_key_sector"].value() in (True, "true")


def test_effective_date_more_than_a_year_ahead_is_refused(world):
    far = timezone.localdate() + datetime.timedelta(days=400)
    with pytest.raises(ValidationError) as info:
        services.enterprise_change_status(enterprise=world.e_hutang2, by=world.bureau, status="suspended",
                                          effective_date=far, reason="x")
    assert "effective_date" in info.value.message_dict


def test_a_change_cannot_take_effect_before_the_last_recorded_one(world):
    """A back-dated change would rewrite the roster of past dates behind the report's back."""
    e = world.e_hutang2  # registered 2022-01-01
    services.enterprise_transfer(enterprise=e, by=world.bureau, township=world.luoyang,
                                 effective_date=D(2025, 7, 1), reason="搬迁")
    before = roster_snapshot()
    with pytest.raises(ValidationError) as info:
        services.enterprise_change_status(enterprise=e, by=world.bureau, status="suspended",
                                          effective_date=D(2025, 5, 1), reason="补录停产")
    assert "effective_date" in info.value.message_dict
    assert "2025-07-01" in info.value.message_dict["effective_date"][0]
    assert roster_snapshot() == before
    # the same day as the last change is fine: changes of one day apply in the order recorded
    services.enterprise_change_status(enterprise=e, by=world.bureau, status="suspended",
                                      effective_date=D(2025, 7, 1), reason="停产")


# -- the roster on past dates ----------------------------------------------------------------------------
@pytest.fixture
def timeline(db):
    """A hand-built history in 湖塘镇 and 洛阳镇 (no world fixture, so nothing else counts):

    A  registered 湖塘 2025-01-01, transferred to 洛阳 2025-06-15
    B  registered 湖塘 2025-03-01, deregistered 2025-09-30
    C  registered 湖塘 2025-08-01, suspended 2025-10-10
    D  registered 洛阳 2024-12-01, transferred to 湖塘 2025-07-01
    """
    from grid.models import Region
    hutang, luoyang = Region.objects.get(name="湖塘镇"), Region.objects.get(name="洛阳镇")
    a = make_enterprise(township=hutang, name="A", effective_date=D(2025, 1, 1))
    b = make_enterprise(township=hutang, name="B", effective_date=D(2025, 3, 1))
    c = make_enterprise(township=hutang, name="C", effective_date=D(2025, 8, 1))
    d = make_enterprise(township=luoyang, name="D", effective_date=D(2024, 12, 1))
    services.enterprise_transfer(enterprise=a, by=None, township=luoyang, effective_date=D(2025, 6, 15), reason="搬迁")
    services.enterprise_change_status(enterprise=b, by=None, status="deregistered", effective_date=D(2025, 9, 30),
                                      reason="注销")
    services.enterprise_change_status(enterprise=c, by=None, status="suspended", effective_date=D(2025, 10, 10),
                                      reason="停产")
    services.enterprise_transfer(enterprise=d, by=None, township=hutang, effective_date=D(2025, 7, 1), reason="迁入")
    return hutang, luoyang


@pytest.mark.parametrize("date, in_hutang, in_luoyang", [
    (D(2024, 11, 30), "", ""),         # before anything
    (D(2024, 12, 1), "", "D"),         # D registered in 洛阳
    (D(2025, 1, 1), "A", "D"),         # A registered in 湖塘
    (D(2025, 6, 14), "AB", "D"),       # B registered 03-01; A not yet moved
    (D(2025, 6, 15), "B", "AD"),       # A moved to 洛阳 on its effective date
    (D(2025, 7, 1), "BD", "A"),        # D moved to 湖塘
    (D(2025, 8, 1), "BCD", "A"),       # C registered
    (D(2025, 9, 29), "BCD", "A"),
    (D(2025, 9, 30), "CD", "A"),       # B deregistered: off the roster that day
    (D(2025, 10, 10), "CD", "A"),      # C suspended: still on the roster
])
def test_enterprises_on_past_dates(timeline, date, in_hutang, in_luoyang):
    hutang, luoyang = timeline
    names = lambda qs: "".join(sorted(qs.values_list("name", flat=True)))  # noqa: E731
    assert names(enterprises_on(Enterprise.objects.all(), township=hutang, date=date)) == in_hutang
    assert names(enterprises_on(Enterprise.objects.all(), township=luoyang, date=date)) == in_luoyang


def test_enterprises_on_by_status(timeline):
    hutang, _luoyang = timeline
    on = lambda date, statuses: "".join(sorted(  # noqa: E731
        enterprises_on(Enterprise.objects.all(), township=hutang, date=date, statuses=statuses)
        .values_list("name", flat=True)))
    assert on(D(2025, 10, 10), [Status.PRODUCING]) == "D"          # C suspended that day
    assert on(D(2025, 10, 9), [Status.PRODUCING]) == "CD"
    assert on(D(2025, 10, 1), [Status.DEREGISTERED]) == "B"
    assert on(D(2025, 9, 29), [Status.DEREGISTERED]) == ""
    # the current fields agree with the latest change
    assert dict(Enterprise.objects.values_list("name", "township__name")) == {
        "A": "洛阳镇", "B": "湖塘镇", "C": "湖塘镇", "D": "湖塘镇"}


# -- the quarterly change report ---------------------------------------------------------------------------
@pytest.fixture
def quarter_world(world):
    """2026Q3 (07-01 .. 09-30) in 湖塘镇, on top of the world's e_hutang and e_hutang2 (registered 2022):

    P  湖塘, registered 2026-02-01, suspended 2026-07-15                 -> suspended
    Q  湖塘, registered 2026-03-01, deregistered 2026-09-01              -> deregistered
    S  湖塘, registered 2025-01-01, suspended 2026-05-01, resumed 08-20  -> resumed
    N1 湖塘, registered 2026-07-05                                       -> registered
    N2 湖塘, registered 2026-09-30 (last day of the quarter)             -> registered
    N3 湖塘, registered 2026-10-01 (next quarter)                        -> not counted
    T  洛阳, registered 2025-01-01, transferred to 湖塘 2026-08-01        -> transferred in
    e_hutang2 transferred to 洛阳 2026-07-01 (first day)                 -> transferred out
    e_luoyang suspended 2026-08-01                                       -> not 湖塘's
    """
    w = world
    by = w.inspector
    p = make_enterprise(township=w.hutang, name="P", effective_date=D(2026, 2, 1))
    q = make_enterprise(township=w.hutang, name="Q", effective_date=D(2026, 3, 1))
    s = make_enterprise(township=w.hutang, name="S", effective_date=D(2025, 1, 1))
    services.enterprise_change_status(enterprise=s, by=by, status="suspended", effective_date=D(2026, 5, 1), reason="停产")
    make_enterprise(township=w.hutang, name="N1", effective_date=D(2026, 7, 5), by=by)
    make_enterprise(township=w.hutang, name="N2", effective_date=D(2026, 9, 30), by=by)
    make_enterprise(township=w.hutang, name="N3", effective_date=D(2026, 10, 1), by=by)
    t = make_enterprise(township=w.luoyang, name="T", effective_date=D(2025, 1, 1))
    services.enterprise_transfer(enterprise=w.e_hutang2, by=w.bureau, township=w.luoyang,
                                 effective_date=D(2026, 7, 1), reason="搬迁")
    services.enterprise_change_status(enterprise=p, by=by, status="suspended", effective_date=D(2026, 7, 15), reason="停产")
    services.enterprise_transfer(enterprise=t, by=w.bureau, township=w.hutang, effective_date=D(2026, 8, 1), reason="迁入")
    services.enterprise_change_status(enterprise=s, by=by, status="producing", effective_date=D(2026, 8, 20), reason="复产")
    services.enterprise_change_status(enterprise=q, by=by, status="deregistered", effective_date=D(2026, 9, 1), reason="注销")
    services.enterprise_change_status(enterprise=w.e_luoyang, by=w.luoyang_inspector, status="suspended",
                                      effective_date=D(2026, 8, 1), reason="停产")
    return w


def test_change_report_counts(quarter_world, django_assert_num_queries):
    w = quarter_world
    with django_assert_num_queries(3):
        # 1: enterprises on 2026-06-30, 2: enterprises on 2026-09-30, 3: the quarter's changes with their joins
        report = change_report(user=w.inspector, township=w.hutang, quarter=Period.quarter(2026, 3))
    # at the start (06-30): e_hutang, e_hutang2, P, Q, S (suspended, still on the roster) = 5
    assert report["at_start"] == 5
    # at the end (09-30): 5 + 2 registered + 1 in - 1 out - 1 deregistered = 6 (e_hutang, P, S, N1, N2, T)
    assert report["at_end"] == 6
    # producing at the start: e_hutang, e_hutang2, P, Q (S suspended since 05-01) = 4;
    # at the end: e_hutang, S (resumed 08-20), N1, N2, T (P suspended 07-15) = 5
    assert (report["producing_at_start"], report["producing_at_end"]) == (4, 5)
    assert [(key, n) for key, _label, n in report["counts"]] == [
        ("registered", 2), ("transferred_in", 1), ("transferred_out", 1), ("suspended", 1), ("resumed", 1),
        ("deregistered", 1), ("targeting", 0), ("key_domains", 0)]
    assert [(r["change"].enterprise.name, r["category"]) for r in report["rows"]] == [
        ("常州湖塘纺织有限公司", "transferred_out"), ("N1", "registered"), ("P", "suspended"),
        ("T", "transferred_in"), ("S", "resumed"), ("Q", "deregistered"), ("N2", "registered")]

    # 洛阳's side of the same quarter: start e_luoyang + T = 2; in e_hutang2, out T; e_luoyang suspended
    luoyang = change_report(user=w.bureau, township=w.luoyang, quarter=Period.quarter(2026, 3))
    assert (luoyang["at_start"], luoyang["at_end"]) == (2, 2)
    assert {key: n for key, _label, n in luoyang["counts"]} == {
        "registered": 0, "transferred_in": 1, "transferred_out": 1, "suspended": 1, "resumed": 0,
        "deregistered": 0, "targeting": 0, "key_domains": 0}


def _adds_up(report):
    """start + registered + transferred in - transferred out - deregistered = end (no re-registration here)."""
    n = {key: count for key, _label, count in report["counts"]}
    return report["at_start"] + n["registered"] + n["transferred_in"] - n["transferred_out"] - n["deregistered"] \
        == report["at_end"]


def test_change_report_adds_up(quarter_world):
    w = quarter_world
    assert _adds_up(change_report(user=w.bureau, township=w.hutang, quarter=Period.quarter(2026, 3)))
    assert _adds_up(change_report(user=w.bureau, township=w.luoyang, quarter=Period.quarter(2026, 3)))


def test_transfer_with_a_new_status_is_two_changes(client, world):
    """Moved to 洛阳 and deregistered in one edit: 洛阳 counts a transfer in *and* a deregistration."""
    _login(client, world.bureau)
    e = world.e_hutang2
    response = client.post(f"/enterprises/{e.pk}/edit/", {
        **enterprise_form_data(e), "township": world.luoyang.pk, "status": "deregistered",
        "effective_date": "2026-08-10", "reason": "搬迁后注销"})
    assert response.status_code == 302
    assert list(e.changes.order_by("id").values_list(
        "kind", "from_township__name", "to_township__name", "from_status", "to_status")) == [
        ("registered", None, "湖塘镇", "", "producing"),
        ("transfer", "湖塘镇", "洛阳镇", "producing", "producing"),
        ("status", "洛阳镇", "洛阳镇", "producing", "deregistered"),
    ]
    luoyang = change_report(user=world.bureau, township=world.luoyang, quarter=Period.quarter(2026, 3))
    # start: e_luoyang = 1; in: e_hutang2; deregistered: e_hutang2; end: e_luoyang = 1
    assert (luoyang["at_start"], luoyang["at_end"]) == (1, 1)
    assert {k: n for k, _l, n in luoyang["counts"] if n} == {"transferred_in": 1, "deregistered": 1}
    hutang = change_report(user=world.bureau, township=world.hutang, quarter=Period.quarter(2026, 3))
    # start: e_hutang, e_hutang2 = 2; out: e_hutang2; end: e_hutang = 1
    assert (hutang["at_start"], hutang["at_end"]) == (2, 1)
    assert {k: n for k, _l, n in hutang["counts"] if n} == {"transferred_out": 1}
    assert _adds_up(luoyang) and _adds_up(hutang)


def test_change_report_page(client, quarter_world):
    w = quarter_world
    _login(client, w.inspector)
    response = client.get(f"/enterprises/changes/?township={w.hutang.pk}&quarter=2026Q3")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="at-start">5<' in html
    assert 'id="at-end">6<' in html and 'id="producing-at-end">5 家在产<' in html
    for key, n in [("registered", 2), ("transferred_in", 1), ("transferred_out", 1), ("suspended", 1),
                   ("resumed", 1), ("deregistered", 1)]:
        assert f'id="count-{key}">{n}<' in html
    assert "N3" not in [r["change"].enterprise.name for r in response.context["report"]["rows"]]
    # the inspector's own township is the default
    default = client.get("/enterprises/changes/?quarter=2026Q3")
    assert default.context["report"]["at_end"] == 6
    # a township out of scope is a 404, a malformed quarter falls back to the current one
    assert client.get(f"/enterprises/changes/?township={w.luoyang.pk}&quarter=2026Q3").status_code == 404
    assert client.get("/enterprises/changes/?township=abc").status_code == 404
    fallback = client.get(f"/enterprises/changes/?township={w.hutang.pk}&quarter=2026Q9")
    assert fallback.context["quarter"] == Period.containing(timezone.localdate())


def test_quarter_bounds():
    assert (Period.quarter(2026, 3).start, Period.quarter(2026, 3).end) == (D(2026, 7, 1), D(2026, 9, 30))
    assert (Period.quarter(2026, 4).start, Period.quarter(2026, 4).end) == (D(2026, 10, 1), D(2026, 12, 31))
    assert Period.quarter(2026, 1).end == D(2026, 3, 31)
    assert Period.parse("2026q3") == Period.quarter(2026, 3)
    assert Period.parse("2026Q5") is None
    assert Period.parse("2026H1", "quarter") is None  # the report reads quarters only
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)


# -- bad input on the create page ------------------------------------------------------------------------
def _create_data(world, **overrides):
    data = {**enterprise_form_data(world.e_hutang2), "credit_code": credit_code(), "name": "常州新建有限公司",
            "above_scale": "", "effective_date": "2026-07-01", "reason": "新设立"}
    data.pop("above_scale")
    data.update(overrides)
    return data


def test_duplicate_credit_code_is_a_form_error(client, world):
    _login(client, world.bureau)
    before = roster_snapshot()
    response = client.post("/enterprises/new/", _create_data(world, credit_code=world.e_hutang.credit_code.lower()))
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert roster_snapshot() == before


def test_wrong_check_digit_is_a_form_error_naming_the_right_one(client, world):
    _login(client, world.bureau)
    good = credit_code()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    before = roster_snapshot()
    response = client.post("/enterprises/new/", _create_data(world, credit_code=wrong))
    assert response.status_code == 200
    with override("zh-hans"):
        expected = gettext("Wrong check digit: it should be %(expected)s.") % {"expected": good[17]}
    assert response.context["form"].errors["credit_code"] == [expected]
    assert roster_snapshot() == before


def test_bad_phone_is_a_form_error(client, world):
    _login(client, world.bureau)
    before = roster_snapshot()
    response = client.post("/enterprises/new/", _create_data(world, principal_phone="12345"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["principal_phone"]
    assert roster_snapshot() == before


@pytest.mark.parametrize("township", ["999999", "abc", ""])
def test_unknown_township_is_a_form_error(client, world, township):
    _login(client, world.bureau)
    before = roster_snapshot()
    response = client.post("/enterprises/new/", _create_data(world, township=township))
    assert response.status_code == 200
    assert "township" in response.context["form"].errors
    assert roster_snapshot() == before


def test_a_district_is_not_a_township(client, world):
    _login(client, world.city_staff)
    response = client.post("/enterprises/new/", _create_data(world, township=world.wujin.pk))
    assert response.status_code == 200 and "township" in response.context["form"].errors


def test_create_posted_twice_makes_one_enterprise(client, world):
    _login(client, world.bureau)
    data = _create_data(world)
    first = client.post("/enterprises/new/", data)
    assert first.status_code == 302
    snapshot = roster_snapshot()
    second = client.post("/enterprises/new/", data)
    assert second.status_code == 200
    assert "credit_code" in second.context["form"].errors
    assert Enterprise.objects.filter(credit_code=data["credit_code"]).count() == 1
    assert roster_snapshot() == snapshot


# -- the roster list --------------------------------------------------------------------------------------
@pytest.fixture
def roster(world):
    """The world's three enterprises plus three more (bureau staff sees all six):

    e_hutang   湖塘  汽车零部件 (机械)   涉爆粉尘               producing
    e_hutang2  湖塘  印染 (纺织)         —            above     producing
    e_luoyang  洛阳  钢铁 (冶金)         金属冶炼               producing
    x1         湖塘  通用设备制造 (机械) 喷涂作业               suspended
    x2         洛阳  电气机械 (机械)     —            above     deregistered
    x3         湖塘  食品 (轻工)         涉爆粉尘, 有限空间     producing
    """
    w = world
    w.x1 = make_enterprise(township=w.hutang, name="常州武进喷涂设备厂", industry="general_equipment",
                           key_domains=["spraying"])
    services.enterprise_change_status(enterprise=w.x1, by=w.bureau, status="suspended",
                                      effective_date=D(2026, 5, 1), reason="停产")
    w.x2 = make_enterprise(township=w.luoyang, name="洛阳电气有限公司", industry="electrical", above_scale=True)
    services.enterprise_change_status(enterprise=w.x2, by=w.bureau, status="deregistered",
                                      effective_date=D(2026, 5, 1), reason="注销")
    w.x3 = make_enterprise(township=w.hutang, name="湖塘食品有限公司", industry="food",
                           key_domains=["dust", "confined_space"])
    return w


def _names(response):
    return {e.name for e in response.context["page"].object_list}


@pytest.mark.parametrize("query, expected", [
    ("", {"e_hutang", "e_hutang2", "e_luoyang", "x1", "x2", "x3"}),  # everything, every status
    ("township={hutang}", {"e_hutang", "e_hutang2", "x1", "x3"}),
    ("township={luoyang}", {"e_luoyang", "x2"}),
    ("industry={machinery}", {"e_hutang", "x1", "x2"}),  # 机械 and its sub-industries
    ("industry={auto_parts}", {"e_hutang"}),  # a sub-industry alone
    ("industry={metallurgy}", {"e_luoyang"}),
    ("key_domain={dust}", {"e_hutang", "x3"}),
    ("key_domain={smelting}", {"e_luoyang"}),
    ("status=suspended", {"x1"}),
    ("status=deregistered", {"x2"}),
    ("status=producing", {"e_hutang", "e_hutang2", "e_luoyang", "x3"}),
    ("above_scale=true", {"e_hutang2", "x2"}),
    ("above_scale=false", {"e_hutang", "e_luoyang", "x1", "x3"}),
    ("is_key_sector=true", {"e_hutang", "e_luoyang", "x1", "x3"}),  # any of the six domains counts
    ("q=喷涂", {"x1"}),
    ("q=湖塘", {"e_hutang", "e_hutang2", "x3"}),  # by name, not by township
    ("q={x3_code_lower}", {"x3"}),  # by credit code, as typed
    ("q={x3_code_partial}", set()),  # a credit code matches whole, not in part
    ("township={hutang}&key_domain={dust}", {"e_hutang", "x3"}),
    ("township={hutang}&status=producing&industry={machinery}", {"e_hutang"}),
])
def test_roster_filters(client, roster, query, expected):
    w = roster
    _login(client, w.bureau)
    ids = {
        "hutang": w.hutang.pk, "luoyang": w.luoyang.pk,
        "machinery": Industry.objects.get(code="machinery").pk,
        "auto_parts": Industry.objects.get(code="auto_parts").pk,
        "metallurgy": Industry.objects.get(code="metallurgy").pk,
        "dust": KeyDomain.objects.get(code="dust").pk, "smelting": KeyDomain.objects.get(code="smelting").pk,
        "x3_code_lower": " " + w.x3.credit_code.lower() + " ", "x3_code_partial": w.x3.credit_code[:10],
    }
    response = client.get("/enterprises/?" + query.format(**ids))
    assert response.status_code == 200
    assert _names(response) == {getattr(w, key).name for key in expected}
    api = client.get("/api/v1/enterprises/?" + query.format(**ids))
    assert {row["name"] for row in api.json()["results"]} == {getattr(w, key).name for key in expected}


def test_a_filter_out_of_scope_shows_nothing_rather_than_everything(client, roster):
    """湖塘's inspector asking for 洛阳: an invalid choice, so no rows and the error, never the full roster."""
    w = roster
    _login(client, w.inspector)
    response = client.get(f"/enterprises/?township={w.luoyang.pk}")
    assert response.status_code == 200
    assert _names(response) == set()
    assert "township" in response.context["filter"].errors
    assert client.get(f"/api/v1/enterprises/?township={w.luoyang.pk}").status_code == 400


def test_htmx_request_gets_the_results_only(client, roster):
    _login(client, roster.bureau)
    response = client.get("/enterprises/?status=suspended", headers={"HX-Request": "true",
                                                                     "HX-Target": "roster-results"})
    assert [t.name for t in response.templates][0] == "enterprises/_roster_results.html"
    assert "<html" not in response.content.decode()


def test_pagination(client, roster):
    w = roster
    _login(client, w.bureau)
    # ordered by name (the database's collation), then id
    order = list(Enterprise.objects.order_by("name", "pk").values_list("name", flat=True))
    assert len(order) == 6
    page2 = client.get("/enterprises/?per_page=2&page=2")
    assert [e.name for e in page2.context["page"].object_list] == order[2:4]
    assert page2.context["page"].paginator.num_pages == 3
    html = unescape(page2.content.decode())
    assert "?per_page=2&page=3" in html  # links keep the page size (and the filters)
    filtered = client.get(f"/enterprises/?township={w.hutang.pk}&per_page=3&page=2")
    assert len(filtered.context["page"].object_list) == 1  # 4 in 湖塘 -> 3 + 1
    assert f"?township={w.hutang.pk}&per_page=3&page=1" in unescape(filtered.content.decode())
    # out-of-range and malformed pages fall back to a real page
    assert client.get("/enterprises/?per_page=2&page=99").context["page"].number == 3
    assert client.get("/enterprises/?per_page=2&page=x").context["page"].number == 1
    assert client.get("/enterprises/?per_page=abc").context["page"].paginator.per_page == 50
    assert client.get("/enterprises/?per_page=100000").context["page"].paginator.per_page == 200


@pytest.mark.parametrize("per_page", ["0", "-5"])
def test_a_page_size_below_one_falls_back_to_the_default(client, world, per_page):
    _login(client, world.bureau)
    response = client.get(f"/enterprises/?per_page={per_page}")
    assert response.status_code == 200
    assert response.context["page"].paginator.per_page == 50


def test_roster_query_count_does_not_grow_with_the_page(client, roster, django_assert_num_queries):
    w = roster
    for i in range(30):
        make_enterprise(township=w.hutang if i % 2 else w.luoyang, key_domains=["dust"],
                        industry="auto_parts" if i % 3 else "dyeing")
    _login(client, w.bureau)
    # 1 session, 2 user, 3 the user's region (scope's path prefix), 4 count,
    # 5-7 the filter form's choices (townships, industries, key domains),
    # 8 the page's rows with township, industry and its parent joined,
    # 9-11 the session saved again (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release)
    with django_assert_num_queries(11):
        small = client.get("/enterprises/?per_page=2")
    with django_assert_num_queries(11):
        big = client.get("/enterprises/?per_page=50")
    assert len(small.context["page"].object_list) == 2
    assert len(big.context["page"].object_list) == 36
