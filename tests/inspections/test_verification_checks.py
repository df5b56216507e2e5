"""Seed 001 (二): 对 107 家企业开展省、市、区三级核查检查 — verification checks are counted by the
level that did them and by the enterprises checked, not the visits. An inspection records its
checking level (by default the submitter's), shown on its page, form and API; the statistics page
and registered figures count verification checks by level; a campaign counts enterprises."""
import datetime
import importlib
from html import unescape

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from inspections import figures, services
from inspections.models import ChecklistTemplate, Inspection, InspectionCorrection
from portal.figures import registry
from portal.figures.registry import Period

from tests.inspections.factories import OFFICERS, make_inspection
from tests.inspections.test_plan_pages import frozen, page  # noqa: F401  (today is 2026-06-15)

pytestmark = pytest.mark.django_db
D = datetime.date
Q2 = Period.quarter(2026, 2)
VERIFY = "verification"


def general():
    return ChecklistTemplate.objects.get(code="general", region=None, status="published")


# -- the level recorded -----------------------------------------------------------------------------
def test_the_level_defaults_to_the_submitters_region_level(world):
    on = D(2026, 5, 10)
    # city staff -> city; district bureau -> district; township inspector -> township; a grid member's
    # patrol (no region) -> township
    assert make_inspection(world.e_hutang, world.city_staff, inspected_on=on).checking_level == "city"
    assert make_inspection(world.e_hutang, world.bureau, inspected_on=on).checking_level == "district"
    assert make_inspection(world.e_hutang, world.inspector, inspected_on=on).checking_level == "township"
    assert make_inspection(world.e_hutang, world.grid_member, inspected_on=on, kind="patrol",
                           officers=()).checking_level == "township"
    # a provincial cross check entered by the district, with its level
    assert make_inspection(world.e_hutang, world.bureau, inspected_on=on, kind=VERIFY,
                           checking_level="province").checking_level == "province"


def test_an_unknown_level_is_refused_in_chinese_and_saves_nothing(world):
    before = Inspection.objects.count()
    with pytest.raises(ValidationError) as info:
        make_inspection(world.e_hutang, world.bureau, inspected_on=D(2026, 5, 10), checking_level="county")
    assert info.value.message_dict["checking_level"] == ["请选择检查层级：省级、市级、区级或镇级。"]
    assert Inspection.objects.count() == before


def test_the_form_offers_the_level_and_the_page_shows_it(world, client):
    checklist = general()
    url = f"/inspections/new/?enterprise={world.e_hutang.pk}&checklist=general"
    response, html = page(client, world.bureau, url)
    assert 'name="checking_level"' in html and '<option value="district" selected>区级</option>' in html
    data = {"client_key": "level-form-0001", "checklist_version": checklist.pk, "kind": VERIFY,
            "checking_level": "province", "inspected_on": "2026-06-10",
            "officer_1_name": OFFICERS[0][0], "officer_1_certificate": OFFICERS[0][1],
            "officer_2_name": OFFICERS[1][0], "officer_2_certificate": OFFICERS[1][1]}
    data.update({f"answer_{item.pk}": "pass" for item in checklist.items.all()})
    response, _ = page(client, world.bureau, url, data)
    assert response.status_code == 302, _
    inspection = Inspection.objects.get()
    assert (inspection.kind, inspection.checking_level) == (VERIFY, "province")
    _, html = page(client, world.bureau, f"/inspections/{inspection.pk}/")
    assert 'id="checking-level">省级<' in html

    # corrected with a reason, and recorded
    correction = {"inspected_on": "2026-06-10", "checking_level": "city", "summary": "",
                  "officer_1_name": OFFICERS[0][0], "officer_1_certificate": OFFICERS[0][1],
                  "officer_2_name": OFFICERS[1][0], "officer_2_certificate": OFFICERS[1][1],
                  "plan_item": "", "campaign": "", "reason": "系市级交叉检查"}
    response, _ = page(client, world.bureau, f"/inspections/{inspection.pk}/correct/", correction)
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.checking_level == "city"
    assert InspectionCorrection.objects.get().changes == {"checking_level": ["province", "city"]}


def test_the_api_shows_and_takes_the_level(world):
    checklist = general()
    client = APIClient()
    client.force_login(world.inspector)

    def submit(key, **extra):
        data = {"enterprise": world.e_hutang.pk, "kind": VERIFY, "inspected_on": "2026-06-01",
                "checklist": checklist.pk, "officers": [list(o) for o in OFFICERS],
                "answers": [{"item": i.pk, "result": "pass"} for i in checklist.items.all()], **extra}
        return client.post("/api/v1/inspections/", data, format="json", HTTP_IDEMPOTENCY_KEY=key)

    own = submit("level-api-0001")
    assert own.status_code == 201, own.json()
    assert (own.json()["checking_level"], own.json()["checking_level_display"]) == ("township", "镇级")
    given = submit("level-api-0002", checking_level="province")
    assert given.status_code == 201 and given.json()["checking_level"] == "province"
    before = Inspection.objects.count()
    bad = submit("level-api-0003", checking_level="county")
    assert bad.status_code == 400 and "checking_level" in bad.json()["fields"]
    assert Inspection.objects.count() == before
    listed = client.get("/api/v1/inspections/", {"checking_level": "province"}).json()
    assert [r["id"] for r in listed["results"]] == [given.json()["id"]]
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    assert schema["components"]["schemas"]["CheckingLevelEnum"]["enum"] == ["province", "city", "district",
                                                                            "township"]


def test_the_migration_gives_old_inspections_their_submitters_level(world):
    on = D(2026, 5, 10)
    by_city = make_inspection(world.e_hutang, world.city_staff, inspected_on=on)
    by_district = make_inspection(world.e_hutang, world.bureau, inspected_on=on)
    by_township = make_inspection(world.e_hutang, world.inspector, inspected_on=on)
    Inspection.objects.update(checking_level="township")  # as added by the column's default
    importlib.import_module("inspections.migrations.0007_inspection_checking_level").backfill(apps, None)
    levels = dict(Inspection.objects.values_list("pk", "checking_level"))
    assert levels == {by_city.pk: "city", by_district.pk: "district", by_township.pk: "township"}


# -- the figures ------------------------------------------------------------------------------------
@pytest.fixture
def checks(world):
    """Q2 2026:
    湖塘: e_hutang verified by the province (04-10) and the district (05-10); e_hutang2 by the district (05-12);
          e_hutang2 enforcement by the township (05-20: not a verification check); e_hutang verified by the
          district on 03-10 (Q1: outside).
    洛阳: e_luoyang verified by the city (04-20) and the township (06-01).
    """
    w = world
    make_inspection(w.e_hutang, w.bureau, kind=VERIFY, inspected_on=D(2026, 4, 10), checking_level="province")
    make_inspection(w.e_hutang, w.bureau, kind=VERIFY, inspected_on=D(2026, 5, 10))
    make_inspection(w.e_hutang2, w.bureau, kind=VERIFY, inspected_on=D(2026, 5, 12))
    make_inspection(w.e_hutang2, w.inspector, inspected_on=D(2026, 5, 20))
    make_inspection(w.e_hutang, w.bureau, kind=VERIFY, inspected_on=D(2026, 3, 10))
    make_inspection(w.e_luoyang, w.city_staff, kind=VERIFY, inspected_on=D(2026, 4, 20))
    make_inspection(w.e_luoyang, w.luoyang_inspector, kind=VERIFY, inspected_on=D(2026, 6, 1))
    return w


def test_verification_checks_by_level_and_enterprises_are_hand_counted(checks, django_assert_num_queries):
    w = checks
    with django_assert_num_queries(1):
        rows = figures.verification_checks(w.wujin, Q2)
    # 湖塘: province 1, district 2 (e_hutang 05-10, e_hutang2 05-12) -> 3 checks of 2 enterprises
    # 洛阳: city 1, township 1 -> 2 checks of 1 enterprise (e_luoyang, twice)
    assert rows == {
        w.hutang.path: {"province": 1, "city": 0, "district": 2, "township": 0, "checks": 3, "enterprises": 2},
        w.luoyang.path: {"province": 0, "city": 1, "district": 0, "township": 1, "checks": 2, "enterprises": 1},
    }
    with django_assert_num_queries(1):
        total = figures.verification_checks_total(w.wujin, Q2)
    assert total == {"province": 1, "city": 1, "district": 2, "township": 1, "checks": 5, "enterprises": 3}
    # the city by district: everything is Wujin's
    assert figures.verification_checks(w.city, Q2) == {
        w.wujin.path: {"province": 1, "city": 1, "district": 2, "township": 1, "checks": 5, "enterprises": 3}}


def test_the_registered_verification_figures_rank_the_townships(checks):
    w = checks
    values = {name: {r.region.name: r.value for r in registry.compute(name, w.wujin, Q2)} for name in (
        "inspections.verification_checks_province", "inspections.verification_checks_city",
        "inspections.verification_checks_district", "inspections.verification_checks_township",
        "inspections.verification_enterprises")}
    assert [values[n]["湖塘镇"] for n in values] == [1, 0, 2, 0, 2]
    assert [values[n]["洛阳镇"] for n in values] == [0, 1, 0, 1, 1]  # e_luoyang checked twice: 1 enterprise
    assert values["inspections.verification_enterprises"]["雪堰镇"] == 0


def test_the_statistics_page_shows_verification_checks_by_level(checks, client):
    w = checks
    _, html = page(client, w.bureau, "/statistics/?ns=inspections&period=2026Q2")
    assert "省级核查检查" in html and "核查企业数" in html
    columns = ["inspections.verification_checks_province", "inspections.verification_checks_city",
               "inspections.verification_checks_district", "inspections.verification_checks_township",
               "inspections.verification_enterprises"]
    heads = [h.split('"')[0] for h in html.split('<th class="text-end" data-figure="')[1:]]
    at = [heads.index(name) for name in columns]

    def values(row):
        cells = row.split("</tr>")[0].split('<td class="text-end">')[1:]
        return [cells[i].split("<")[0] for i in at]

    # 湖塘: province 1, city 0, district 2, township 0, 2 enterprises; the district: 1, 1, 2, 1, 3
    assert values(html.split('<tr data-unit="湖塘镇">')[1]) == ["1", "0", "2", "0", "2"]
    assert values(html.split('id="statistics-total"')[1]) == ["1", "1", "2", "1", "3"]


# -- the campaign counts enterprises ----------------------------------------------------------------
def test_the_campaign_page_counts_enterprises_not_visits(world, client):
    w = world
    campaign = services.campaign_create(region=w.wujin, by=w.bureau, name="百日清零核查", kind="hundred_days",
                                        start=D(2026, 3, 1), end=D(2026, 5, 31),
                                        targets=[w.e_hutang, w.e_hutang2, w.e_luoyang])
    # e_hutang visited twice (the province, then the district), e_hutang2 once (the township) -> 3 visits, 2
    # enterprises; by level: province 1, district 1, township 1 enterprise
    make_inspection(w.e_hutang, w.bureau, kind=VERIFY, inspected_on=D(2026, 4, 1), campaign=campaign,
                    checking_level="province")
    make_inspection(w.e_hutang, w.bureau, kind=VERIFY, inspected_on=D(2026, 4, 20), campaign=campaign)
    make_inspection(w.e_hutang2, w.inspector, inspected_on=D(2026, 5, 2), campaign=campaign)
    _, html = page(client, w.bureau, f"/inspections/campaigns/{campaign.pk}/")
    html = unescape(html)
    assert 'id="checked-count">2<' in html and "被检查企业数" in html
    levels = html.split('id="checked-by-level"')[1].split("</div>")[0]
    assert 'data-level="province">省级 1 家<' in levels and 'data-level="district">区级 1 家<' in levels
    assert 'data-level="township">镇级 1 家<' in levels and 'data-level="city"' not in levels
    assert 'id="visit-count">共检查 3 次<' in levels
    # a township inspector sees their township's part only: both enterprises are 湖塘's
    _, html = page(client, w.inspector, f"/inspections/campaigns/{campaign.pk}/")
    assert 'id="checked-count">2<' in html
    _, html = page(client, w.bureau, "/inspections/campaigns/")
    row = html.split(campaign.name)[1].split("</tr>")[0]
    assert '<td class="text-end" data-label="被检查企业数">2</td>' in row
