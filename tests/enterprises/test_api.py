"""/api/v1/: the roster over REST (same filters, scope and services as the pages), regions, token
authentication, the OpenAPI schema and its documentation page."""
import re

import pytest
from django.contrib.staticfiles import finders
from django.utils.translation import gettext, override
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from enterprises.models import Enterprise, EnterpriseChange, Industry

from tests.api_errors import fields
from tests.enterprises.factories import credit_code, make_enterprise
from tests.enterprises.test_roster import roster_snapshot

URL = "/api/v1/enterprises/"


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def zh(msgid, **params):
    with override("zh-hans"):
        text = gettext(msgid)
    return text % params if params else text


# -- list, filters, pagination, retrieve --------------------------------------------------------------------
def test_list_is_scoped_and_filtered(world):
    client = _client(world.bureau)
    body = client.get(URL).json()
    # Wujin: e_hutang, e_hutang2 (湖塘), e_luoyang (洛阳), in id order
    assert body["count"] == 3
    assert [r["name"] for r in body["results"]] == ["常州湖塘机械有限公司", "常州湖塘纺织有限公司", "常州洛阳冶金有限公司"]
    assert [r["name"] for r in client.get(f"{URL}?township={world.luoyang.pk}").json()["results"]] == [
        "常州洛阳冶金有限公司"]
    assert client.get(f"{URL}?key_domain={world.e_hutang.key_domains.get().pk}").json()["count"] == 1
    metallurgy = Industry.objects.get(code="metallurgy")
    assert [r["name"] for r in client.get(f"{URL}?industry={metallurgy.pk}").json()["results"]] == [
        "常州洛阳冶金有限公司"]  # 钢铁 lies under 冶金
    assert client.get(f"{URL}?above_scale=true").json()["count"] == 1  # e_hutang2
    assert client.get(f"{URL}?q={world.e_luoyang.credit_code.lower()}").json()["count"] == 1
    assert client.get(f"{URL}?grid_cell={world.cell.pk}").json()["count"] == 1  # e_hutang
    assert client.get(f"{URL}?ordering=-dust_workers_per_shift").json()["results"][0]["name"] == "常州湖塘机械有限公司"
    # an unknown choice is a 400 naming the filter, not the unfiltered roster
    bad = client.get(f"{URL}?status=closed")
    assert "status" in fields(bad)


def test_grid_cell_filter_offers_only_cells_in_scope(world):
    client = _client(world.inspector)
    # 洛阳一网格 is not 湖塘's: refused like any value out of scope
    assert client.get(f"{URL}?grid_cell={world.other_cell.pk}").status_code == 400
    assert client.get(f"{URL}?grid_cell={world.cell.pk}").json()["count"] == 1


def test_pagination(world):
    for _i in range(52):
        make_enterprise(township=world.hutang)
    client = _client(world.bureau)
    first = client.get(URL).json()
    # 3 + 52 = 55 enterprises, PAGE_SIZE 50
    assert first["count"] == 55 and len(first["results"]) == 50
    assert first["previous"] is None and first["next"].endswith("/api/v1/enterprises/?page=2")
    second = client.get(f"{URL}?page=2").json()
    assert len(second["results"]) == 5 and second["next"] is None
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 55 and ids == sorted(ids)  # stable order by id, nothing twice
    assert client.get(f"{URL}?page=3").status_code == 404


def test_list_query_count_does_not_grow(world, django_assert_num_queries):
    client = _client(world.bureau)
    # 1 session, 2 user, 3 the user's region (scope), 4 count, 5 rows with township and industry joined,
    # 6 key domains prefetched, 7 chemical sites prefetched, 8-10 the session saved (savepoint, update, release)
    with django_assert_num_queries(10):
        client.get(URL)
    for _i in range(20):
        make_enterprise(township=world.luoyang, key_domains=["dust", "hazchem"])
    with django_assert_num_queries(10):
        assert client.get(URL).json()["count"] == 23


def test_retrieve(world):
    from enterprises.models import ChemicalStorageSite
    ChemicalStorageSite.objects.create(enterprise=world.e_hutang, kind="warehouse", name="甲类仓库", chemicals="丙酮")
    body = _client(world.inspector).get(f"{URL}{world.e_hutang.pk}/").json()
    assert body["credit_code"] == world.e_hutang.credit_code
    assert (body["township"], body["township_name"], body["village"], body["grid_cell"]) == (
        world.hutang.pk, "湖塘镇", world.village.pk, world.cell.pk)
    assert body["key_domains"] == ["dust"]
    assert body["industry_name"] == "机械 · 汽车零部件"
    assert (body["status"], body["is_key_sector"], body["dust_workers_per_shift"]) == ("producing", True, 12)
    assert body["chemical_sites"] == [{"id": body["chemical_sites"][0]["id"], "kind": "warehouse", "name": "甲类仓库",
                                       "chemicals": "丙酮", "capacity": ""}]
    assert "effective_date" not in body and "reason" not in body  # write-only


# -- create --------------------------------------------------------------------------------------------------------
def _new(world, **overrides):
    data = {"credit_code": credit_code(), "name": "常州接口新建有限公司", "township": world.hutang.pk,
            "industry": Industry.objects.get(code="food").pk, "key_domains": ["confined_space"],
            "principal_phone": "１３９１２３４５６７８", "effective_date": "2026-07-01", "reason": "新设立"}
    data.update(overrides)
    return data


def test_create_records_a_registered_change(world):
    client = _client(world.inspector)
    data = _new(world)
    response = client.post(URL, data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    e = Enterprise.objects.get(pk=body["id"])
    assert (e.credit_code, e.principal_phone, e.is_key_sector) == (data["credit_code"], "13912345678", True)
    change = e.changes.get()
    assert (change.kind, change.to_township, change.to_status) == ("registered", world.hutang, "producing")
    assert (change.by, str(change.effective_date), change.reason) == (world.inspector, "2026-07-01", "新设立")


def test_create_with_a_wrong_check_digit(world):
    client = _client(world.bureau)
    good = credit_code()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    before = roster_snapshot()
    response = client.post(URL, _new(world, credit_code=wrong), format="json")
    assert response.status_code == 400
    assert fields(response)["credit_code"] == [zh("Wrong check digit: it should be %(expected)s.", expected=good[17])]
    assert roster_snapshot() == before
    # English for a client that picked it: the message is translatable, not hard-coded
    client.cookies["django_language"] = "en"
    english = client.post(URL, _new(world, credit_code=wrong), format="json")
    assert fields(english)["credit_code"] == [f"Wrong check digit: it should be {good[17]}."]


def test_create_duplicate_is_refused(world):
    client = _client(world.bureau)
    before = roster_snapshot()
    for code in (world.e_hutang.credit_code, world.e_hutang.credit_code.lower()):
        response = client.post(URL, _new(world, credit_code=code), format="json")
        assert response.status_code == 400
        assert "credit_code" in fields(response)
    assert roster_snapshot() == before
    # the same body posted twice: one enterprise
    data = _new(world)
    assert client.post(URL, data, format="json").status_code == 201
    assert client.post(URL, data, format="json").status_code == 400
    assert Enterprise.objects.filter(credit_code=data["credit_code"]).count() == 1


@pytest.mark.parametrize("field, value", [
    ("principal_phone", "12345"),
    ("township", 999999),
    ("township", "abc"),
    ("industry", None),
    ("key_domains", ["no_such_domain"]),
])
def test_create_bad_input(world, field, value):
    client = _client(world.bureau)
    before = roster_snapshot()
    response = client.post(URL, _new(world, **{field: value}), format="json")
    assert response.status_code == 400
    assert field in fields(response)
    assert roster_snapshot() == before


# -- status changes -----------------------------------------------------------------------------------------------
def test_patch_status_needs_effective_date_and_reason(world):
    client = _client(world.inspector)
    e = world.e_hutang2
    before = roster_snapshot()
    response = client.patch(f"{URL}{e.pk}/", {"status": "suspended"}, format="json")
    assert response.status_code == 400
    assert fields(response) == {"effective_date": [zh("Give the date the change takes effect.")],
                               "reason": [zh("Give the reason for the change.")]}
    assert roster_snapshot() == before

    response = client.patch(f"{URL}{e.pk}/", {"status": "suspended", "effective_date": "2026-08-01",
                                              "reason": "设备检修停产"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    change = EnterpriseChange.objects.filter(enterprise=e).latest("id")
    assert (change.kind, change.from_status, change.to_status, change.by, str(change.effective_date),
            change.reason) == ("status", "producing", "suspended", world.inspector, "2026-08-01", "设备检修停产")


def test_patch_without_a_roster_change_records_none(world):
    client = _client(world.inspector)
    response = client.patch(f"{URL}{world.e_hutang.pk}/", {"address": "湖塘镇 8 号", "key_domains": ["dust"]},
                            format="json")
    assert response.status_code == 200
    assert world.e_hutang.changes.count() == 1  # the address and the same key domains: no roster change
    # new key domains are a roster change (seed 000 item 1), as on the page
    response = client.patch(f"{URL}{world.e_hutang.pk}/", {"key_domains": ["dust", "spraying"]}, format="json")
    assert sorted(response.json()["key_domains"]) == ["dust", "spraying"]
    assert list(world.e_hutang.changes.exclude(kind="registered").values_list("kind", "detail")) == [
        ("key_domains", "涉爆粉尘 → 涉爆粉尘、喷涂作业")]
    # the credit code identifies the enterprise: not changed through the API
    code = world.e_hutang.credit_code
    assert client.patch(f"{URL}{world.e_hutang.pk}/", {"credit_code": credit_code()}, format="json").status_code == 200
    world.e_hutang.refresh_from_db()
    assert world.e_hutang.credit_code == code


# -- authentication ---------------------------------------------------------------------------------------------
def test_token_authentication(world):
    token = Token.objects.create(user=world.inspector)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = client.get(URL).json()
    assert body["count"] == 2  # 湖塘's inspector: e_hutang, e_hutang2
    patched = client.patch(f"{URL}{world.e_hutang.pk}/", {"address": "令牌写入"}, format="json")
    assert patched.status_code == 200  # no CSRF for token clients
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(URL).status_code in (401, 403)


def test_unauthenticated_is_refused(world):
    client = APIClient()
    before = roster_snapshot()
    assert client.get(URL).status_code in (401, 403)
    assert client.get(f"{URL}{world.e_hutang.pk}/").status_code in (401, 403)
    assert client.post(URL, _new(world), format="json").status_code in (401, 403)
    assert client.patch(f"{URL}{world.e_hutang.pk}/", {"address": "x"}, format="json").status_code in (401, 403)
    assert client.get("/api/v1/regions/").status_code in (401, 403)
    assert roster_snapshot() == before


def test_session_writes_need_the_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.inspector)
    assert client.patch(f"{URL}{world.e_hutang.pk}/", {"address": "x"}, format="json").status_code == 403
    world.e_hutang.refresh_from_db()
    assert world.e_hutang.address == ""


# -- regions --------------------------------------------------------------------------------------------------------
def test_regions_are_scoped(world):
    body = _client(world.inspector).get("/api/v1/regions/").json()
    # 湖塘镇 and its village 湖塘村, by path: nothing above, nothing beside
    assert [(r["name"], r["level"]) for r in body["results"]] == [("湖塘镇", "township"), ("湖塘村", "village")]
    bureau = _client(world.bureau)
    townships = bureau.get("/api/v1/regions/?level=township").json()
    assert townships["count"] == 13  # Wujin's townships
    assert bureau.get(f"/api/v1/regions/?parent={world.hutang.pk}").json()["results"][0]["name"] == "湖塘村"
    assert bureau.get(f"/api/v1/regions/{world.tianning.pk}/").status_code == 404  # another district
    assert bureau.get(f"/api/v1/regions/{world.wujin.pk}/").json()["code"] == "320412"


# -- schema and docs --------------------------------------------------------------------------------------------
def test_schema_names_the_enterprise_endpoints(world):
    client = _client(world.bureau)
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/enterprises/", "/api/v1/enterprises/{id}/", "/api/v1/regions/"} <= set(schema["paths"])
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/enterprises/"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    yaml_doc = client.get("/api/v1/schema/")
    assert yaml_doc["Content-Type"].startswith("application/vnd.oai.openapi")
    assert "/api/v1/enterprises/:" in yaml_doc.content.decode()


def _external_and_local_assets(html):
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    urls += re.findall(r"""@import\s+(?:url\()?["']?([^"')\s]+)""", html)
    external = [u for u in urls if re.match(r"(?:https?:)?//", u)]
    local = [u for u in urls if u.startswith("/static/")]
    return external, local


def test_docs_page_uses_only_local_static_files(world):
    response = _client(world.bureau).get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    external, local = _external_and_local_assets(html)
    assert external == []
    assert not re.search(r"https?://", html)
    # the Swagger UI script and stylesheet, served from the sidecar's static files, which exist
    assert any(u.endswith("swagger-ui-bundle.js") for u in local)
    assert any(u.endswith("swagger-ui.css") for u in local)
    for url in local:
        assert finders.find(url.removeprefix("/static/")), url


def test_no_redoc_page(world):
    # drf-spectacular's ReDoc template links Google Fonts: the portal serves Swagger UI only
    assert _client(world.bureau).get("/api/v1/redoc/").status_code == 404
