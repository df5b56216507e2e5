"""/api/v1/changan-codes/ and the code list page: scoped lists (a token only for those who see its
point), revoke and reissue through the same services (404 out of scope and nothing changed, 403
read-only, 400 with the service's Chinese message)."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from risk_reports.models import ChanganCode
from risk_reports.services.codes import code_reissue
from tests.api_errors import fields, refusal
from tests.enterprises.factories import make_enterprise_user
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def point(world):
    return make_point(world.e_hutang, by=world.principal, category="dust_collector", name="布袋除尘器", area="抛光车间")


@pytest.fixture
def foreign(world):
    return make_point(world.e_luoyang, category="dust_collector", name="中频熔炼炉", area="熔炼车间")


def live(point):
    return ChanganCode.objects.get(point=point, revoked_at__isnull=True)


def state():
    return sorted(ChanganCode.objects.values_list("token", "revoked_at", "revoke_reason"))


def url(code=None, action=None):
    if code is None:
        return reverse("changan-code-list")
    return reverse(f"changan-code-{action}" if action else "changan-code-detail", args=[code.pk])


def test_list_holds_the_codes_the_user_sees(api, world, point, foreign):
    api.force_authenticate(world.principal)
    body = api.get(url()).json()
    assert [(c["point_name"], c["token"], c["live"]) for c in body["results"]] == [("布袋除尘器", live(point).token, True)]
    row = body["results"][0]
    assert row["scan_url"] == f"http://testserver/c/{live(point).token}/"
    assert row["qr_url"] == "http://testserver" + reverse("risk_reports:code_qr", args=[live(point).token])
    assert (row["short_id"], row["level"], row["area"]) == (live(point).token[:6], "yellow", "抛光车间")
    api.force_authenticate(world.bureau)  # 武进区 sees both townships
    assert {c["point_name"] for c in api.get(url()).json()["results"]} == {"布袋除尘器", "中频熔炼炉"}
    assert [c["point_name"] for c in api.get(url() + "?q=熔炼").json()["results"]] == ["中频熔炼炉"]


@pytest.mark.parametrize("who", ["luoyang_inspector", "other_principal", "auditor"])
def test_a_code_out_of_scope_is_404_and_its_token_never_shown(api, world, point, who):
    world.other_principal = make_enterprise_user(world.e_luoyang, "principal", username="luoyang_boss")
    api.force_authenticate(getattr(world, who))
    assert live(point).token not in api.get(url()).content.decode()
    refusal(api.get(url(live(point))), 404)


def test_reissue_answers_the_new_code_and_revokes_the_old(api, world, point):
    old = live(point)
    api.force_authenticate(world.principal)
    response = api.post(url(old, "reissue"), {"reason": "标签丢失"}, format="json")
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["live"] and new["token"] != old.token and len(new["token"]) == 32
    old.refresh_from_db()
    assert (old.live, old.revoke_reason, old.revoked_by) == (False, "标签丢失", world.principal)
    assert api.get(url(old)).json()["qr_url"] is None  # a revoked code has no QR


def test_revoke_needs_a_reason(api, world, point):
    before = state()
    api.force_authenticate(world.principal)
    assert fields(api.post(url(live(point), "revoke"), {}, format="json")) == {
        "reason": ["请说明作废的原因（例如标签丢失或损坏）。"]}
    assert state() == before
    response = api.post(url(live(point), "revoke"), {"reason": "设备拆除"}, format="json")
    assert response.status_code == 200 and response.json()["live"] is False
    assert refusal(api.post(url(ChanganCode.objects.get(point=point), "revoke"), {"reason": "再次"},
                            format="json"))["detail"] == "该常安码已经作废。"


@pytest.mark.parametrize("who, status", [
    ("staff", 403), ("inspector", 403), ("bureau", 403),  # in scope, read-only
    ("luoyang_inspector", 404), ("other_principal", 404), ("admin", 404),  # out of scope
])
@pytest.mark.parametrize("action", ["revoke", "reissue"])
def test_writes_are_scoped(api, world, point, who, status, action):
    world.other_principal = make_enterprise_user(world.e_luoyang, "principal", username="luoyang_boss")
    before = state()
    api.force_authenticate(getattr(world, who))
    # no reason: the scope answers before the body is read
    refusal(api.post(url(live(point), action), {}, format="json"), status)
    assert state() == before


def test_schema_documents_the_endpoints(api, world):
    api.force_authenticate(world.principal)
    schema = api.get(reverse("api-schema") + "?format=json").json()
    paths = schema["paths"]
    assert {"/api/v1/changan-codes/", "/api/v1/changan-codes/{id}/", "/api/v1/changan-codes/{id}/revoke/",
            "/api/v1/changan-codes/{id}/reissue/"} <= set(paths)
    assert "201" in paths["/api/v1/changan-codes/{id}/reissue/"]["post"]["responses"]
    assert "CodeReason" in schema["components"]["schemas"]
    # a revoked code answers qr_url null: the schema says so (schemathesis checks answers against it)
    assert schema["components"]["schemas"]["ChanganCode"]["properties"]["qr_url"].get("nullable") is True


# -- the code list page -------------------------------------------------------------------------------------
def page(client, user, query=""):
    client.force_login(user)
    return client.get(reverse("risk_reports:code_list") + query)


def test_code_list_of_an_enterprise_with_live_and_revoked(client, world, point, foreign):
    second = make_point(world.e_hutang, by=world.principal, category="dust_collector", name="喷漆房", area="涂装车间")
    old = live(point)
    code_reissue(point=point, by=world.principal, reason="标签丢失")
    html = page(client, world.principal).content.decode()
    assert "布袋除尘器" in html and "喷漆房" in html and "中频熔炼炉" not in html
    assert html.count("data-code=") == 3  # two live, one revoked
    assert reverse("risk_reports:code_qr", args=[live(point).token]) in html
    assert reverse("risk_reports:code_qr", args=[old.token]) not in html  # revoked: no QR link
    assert reverse("risk_reports:code_reissue", args=[point.pk]) in html
    assert 'id="label-sheet-link"' in html
    html = page(client, world.principal, "?state=revoked").content.decode()
    assert html.count("data-code=") == 1 and "标签丢失" in html
    html = page(client, world.principal, "?area=涂装车间").content.decode()
    assert html.count("data-code=") == 1 and "喷漆房" in html and 'id="label-sheet-area-link"' in html
    assert reverse("risk_reports:code_reissue", args=[second.pk]) in html


def test_code_list_for_supervisors_and_read_only(client, world, point, foreign):
    html = page(client, world.inspector).content.decode()  # 湖塘镇: its enterprises only
    assert "布袋除尘器" in html and "中频熔炼炉" not in html
    assert "label-sheet-link" not in html  # no enterprise picked yet
    html = page(client, world.inspector, f"?enterprise={world.e_hutang.pk}").content.decode()
    assert 'id="label-sheet-link"' in html and reverse("risk_reports:code_reissue", args=[point.pk]) not in html
    html = page(client, world.inspector, f"?enterprise={world.e_luoyang.pk}").content.decode()
    assert "中频熔炼炉" not in html
    assert reverse("risk_reports:code_reissue", args=[point.pk]) not in page(client, world.staff).content.decode()
    assert page(client, world.auditor).status_code == 404


# -- the page and the API agree, role by role -----------------------------------------------------------------
# hand-written from the capability table: only the enterprise's principal (or safety manager) replaces
# its codes; whoever sees the point but may not is refused (403), anyone else sees nothing (404)
REISSUE = {"bureau": 403, "inspector": 403, "luoyang_inspector": 404, "grid_member": 403, "principal": "done",
           "staff": 403, "auditor": 404, "admin": 404}


@pytest.mark.parametrize("who", list(REISSUE))
def test_reissue_page_and_api_give_the_same_answer(client, api, world, point, who):
    user = getattr(world, who)
    client.force_login(user)
    api.force_authenticate(user)
    before = state()
    page_response = client.post(reverse("risk_reports:code_reissue", args=[point.pk]), {"reason": "标签丢失"})
    page_done = page_response.status_code == 302
    assert (state() != before) == page_done
    before = state()
    api_response = api.post(url(live(point), "reissue"), {"reason": "标签丢失"}, format="json")
    api_done = api_response.status_code == 201
    assert (state() != before) == api_done
    expected = REISSUE[who]
    if expected == "done":
        assert page_done and api_done
    else:
        assert (page_response.status_code, api_response.status_code) == (expected, expected)
        if expected == 403:
            assert api_response.json()["detail"] == "只有本企业的主要负责人或安全管理人员可以作废和重新生成常安码。"
