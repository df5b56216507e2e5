"""Revoking and reissuing a Changan code: the services, and the reissue page from the outside (the
enterprise's principal may, its staff and the township's inspector read only, anyone else sees nothing)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from enterprises.models import Enterprise, Status
from risk_reports.models import ChanganCode, RiskPoint
from risk_reports.services.codes import code_reissue, code_revoke
from tests.enterprises.factories import make_enterprise_user
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def point(world):
    return make_point(world.e_hutang, by=world.principal, category="dust_collector", name="布袋除尘器", area="抛光车间")


def live(point):
    return ChanganCode.objects.get(point=point, revoked_at__isnull=True)


def codes_state(point):
    return sorted(ChanganCode.objects.filter(point=point).values_list("token", "revoked_at", "revoke_reason"))


def test_reissue_revokes_the_old_code_and_issues_a_new_one(world, point):
    old = live(point)
    new = code_reissue(point=point, by=world.principal, reason=" 标签丢失 ")
    old.refresh_from_db()
    assert (old.live, old.revoked_by, old.revoke_reason) == (False, world.principal, "标签丢失")
    assert not ChanganCode.objects.filter(token=old.token, revoked_at__isnull=True).exists()
    assert new.token != old.token and len(new.token) == 32
    assert (new.issued_by, live(point)) == (world.principal, new)
    assert point.codes.count() == 2  # the revoked one stays, with its reason


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reason_is_required_and_nothing_changes_without_one(world, point, reason):
    before = codes_state(point)
    with pytest.raises(ValidationError) as exc:
        code_reissue(point=point, by=world.principal, reason=reason)
    assert exc.value.message_dict == {"reason": ["请说明作废的原因（例如标签丢失或损坏）。"]}
    with pytest.raises(ValidationError):
        code_revoke(code=live(point), by=world.principal, reason=reason)
    assert codes_state(point) == before


def test_revoke_without_reissue_and_not_twice(world, point):
    code = code_revoke(code=live(point), by=world.principal, reason="设备拆除")
    assert not code.live and not point.codes.filter(revoked_at__isnull=True).exists()
    with pytest.raises(ValidationError, match="已经作废"):
        code_revoke(code=code, by=world.principal, reason="再次作废")
    # a point without a live code gets one by a reissue
    assert code_reissue(point=point, by=world.principal, reason="重新张贴").live


def test_a_retired_point_or_a_deregistered_enterprise_gets_no_new_code(world, point):
    before = codes_state(point)
    RiskPoint.objects.filter(pk=point.pk).update(retired_on=datetime.date(2026, 11, 16))
    with pytest.raises(ValidationError, match="已停用"):
        code_reissue(point=point, by=world.principal, reason="标签丢失")
    RiskPoint.objects.filter(pk=point.pk).update(retired_on=None)
    Enterprise.objects.filter(pk=world.e_hutang.pk).update(status=Status.DEREGISTERED)
    with pytest.raises(ValidationError, match="已注销"):
        code_reissue(point=point, by=world.principal, reason="标签丢失")
    assert codes_state(point) == before


@pytest.mark.parametrize("who", ["staff", "inspector", "bureau", "luoyang_inspector", "grid_member"])
def test_only_the_enterprise_manages_its_codes(world, point, who):
    before = codes_state(point)
    with pytest.raises(PermissionDenied):
        code_reissue(point=point, by=getattr(world, who), reason="标签丢失")
    with pytest.raises(PermissionDenied):
        code_revoke(code=live(point), by=getattr(world, who), reason="标签丢失")
    assert codes_state(point) == before


# -- the reissue page -------------------------------------------------------------------------------------------
def page(point):
    return reverse("risk_reports:code_reissue", args=[point.pk])


def test_reissue_page_shows_the_current_code_and_replaces_it(client, world, point):
    old = live(point)
    client.force_login(world.principal)
    response = client.get(page(point))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="current-short-id">{old.token[:6]}<' in html
    assert reverse("risk_reports:code_qr", args=[old.token]) in html
    response = client.post(page(point), {"reason": "标签被油污覆盖"})
    assert response.status_code == 302 and response.url == page(point)
    new = live(point)
    assert new.token != old.token
    html = client.get(page(point)).content.decode()
    assert f'id="current-short-id">{new.token[:6]}<' in html and "标签被油污覆盖" in html  # the revoked one, listed


def test_reissue_page_without_a_reason_says_why_and_changes_nothing(client, world, point):
    before = codes_state(point)
    client.force_login(world.principal)
    response = client.post(page(point), {"reason": "  "})
    assert response.status_code == 400
    assert "请说明作废的原因" in response.content.decode()
    assert codes_state(point) == before


@pytest.mark.parametrize("who, status", [
    ("staff", 403), ("inspector", 403),            # in scope, read-only
    ("luoyang_inspector", 404), ("other_principal", 404), ("auditor", 404),  # out of scope
])
def test_reissue_page_scope(client, world, point, who, status):
    world.other_principal = make_enterprise_user(world.e_luoyang, "principal", username="luoyang_boss")
    before = codes_state(point)
    client.force_login(getattr(world, who))
    assert client.get(page(point)).status_code == status
    assert client.post(page(point), {"reason": "标签丢失"}).status_code == status
    assert codes_state(point) == before
