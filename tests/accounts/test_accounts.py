"""The administrator's pages (users, bindings, enterprise accounts), first sign-in, password policy
and session timeout."""
import base64
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from openpyxl import load_workbook

from enterprises.models import EnterpriseMembership, Status
from portal.accounts.models import AccessLog, Role, User

from tests.enterprises.factories import make_enterprise, make_enterprise_user
from tests.factories import PASSWORD, UserFactory

OTHER_ROLES = ["bureau", "city_staff", "inspector", "luoyang_inspector", "grid_member", "principal", "staff", "auditor"]
NEW_PASSWORD = "Brand-new-pass-77"


@pytest.fixture(autouse=True)
def _fast_hashers(settings):
    """PBKDF2 at full strength costs 0.4 s a user; MD5 first keeps the world quick, PBKDF2 stays
    known so the temporary hashes of the bulk creation still verify (and get re-hashed)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def client_for(user, language="en"):
    """A signed-in client; English so that messages can be compared with their msgids."""
    client = Client()
    client.cookies["django_language"] = language  # picked with the language switch
    client.force_login(user)
    return client


def sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


# -- who may open the administrator's pages -------------------------------------------------------
def _admin_gets(world):
    return [reverse("manage:users"), reverse("manage:user_create"),
            reverse("manage:user_edit", args=[world.inspector.pk]), reverse("enterprises:accounts"),
            reverse("enterprises:account_create"), reverse("enterprises:accounts_bulk"),
            reverse("enterprises:account_enterprise_suggest") + "?enterprise=湖塘"]


@pytest.mark.parametrize("who", OTHER_ROLES)
def test_other_roles_get_404_on_the_admin_pages_and_change_nothing(world, who):
    client = client_for(getattr(world, who))
    if who != "auditor":  # the auditor's /manage/ is the audit trail
        assert client.get(reverse("manage:index")).status_code == 404
    for url in _admin_gets(world):
        assert client.get(url).status_code == 404, url
    before = User.objects.get(pk=world.inspector.pk).password
    for name in ("manage:user_reset_password", "manage:user_deactivate"):
        assert client.post(reverse(name, args=[world.inspector.pk])).status_code == 404
    assert client.post(reverse("enterprises:accounts_bulk"), {"township": world.hutang.pk}).status_code == 404
    inspector = User.objects.get(pk=world.inspector.pk)
    assert inspector.password == before and inspector.is_active and not inspector.must_change_password
    assert not EnterpriseMembership.objects.filter(enterprise=world.e_hutang2).exists()


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_admin_and_superuser_open_the_admin_pages(world, who):
    client = client_for(getattr(world, who))
    assert client.get(reverse("manage:index"))["Location"] == reverse("manage:users")
    for url in _admin_gets(world):
        assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_sign_in(world):
    response = Client().get(reverse("manage:users"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_admin_opens_no_business_page(world):
    client = client_for(world.admin)
    assert client.get(reverse("enterprises:detail", args=[world.e_hutang.pk])).status_code == 404


def _nav_urls(user):
    """The menu's links, drop-down entries included."""
    items = client_for(user).get(reverse("home")).context["nav_items"]
    return [c["url"] for i in items for c in i.get("children", [i])]


def test_nav_shows_the_admin_pages_to_the_admin_only(world):
    admin_nav = _nav_urls(world.admin)
    assert reverse("manage:users") in admin_nav and reverse("enterprises:accounts") in admin_nav
    assert reverse("manage:audit") not in admin_nav
    bureau_nav = _nav_urls(world.bureau)
    assert reverse("manage:users") not in bureau_nav


def test_plain_admin_leaves_privileged_accounts_to_the_superuser(world):
    admin = client_for(world.admin)
    for account in (world.auditor, world.superuser):
        assert admin.get(reverse("manage:user_edit", args=[account.pk])).status_code == 404
        assert admin.post(reverse("manage:user_reset_password", args=[account.pk])).status_code == 404
    listed = {u.username for u in admin.get(reverse("manage:users")).context["page"].object_list}
    assert "auditor" not in listed and "root" not in listed and "hutang" in listed
    response = admin.post(reverse("manage:user_create"), {"username": "auditor2", "role": Role.AUDITOR})
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(username="auditor2").exists()
    root = client_for(world.superuser)
    assert root.get(reverse("manage:user_edit", args=[world.auditor.pk])).status_code == 200
    response = root.post(reverse("manage:user_create"), {"username": "auditor2", "role": Role.AUDITOR})
    assert response.status_code == 200 and User.objects.get(username="auditor2").role == Role.AUDITOR


# -- user list ------------------------------------------------------------------------------------
def _listed(client, **params):
    response = client.get(reverse("manage:users"), params)
    assert response.status_code == 200
    return {u.username for u in response.context["page"].object_list}


def test_user_list_filters(world):
    client = client_for(world.admin)
    assert _listed(client, q="luoy") == {"luoyang"}
    assert _listed(client, role=Role.TOWNSHIP_INSPECTOR) == {"hutang", "luoyang"}
    # 湖塘镇: its inspector, the grid member of a cell in its village, both users of 湖塘机械
    assert _listed(client, region=world.hutang.pk) == {"hutang", "grid", "principal", "staff"}
    # 武进区 adds the district's bureau staff and the 洛阳镇 inspector
    assert _listed(client, region=world.wujin.pk) == {"hutang", "grid", "principal", "staff", "bureau", "luoyang"}
    world.staff.is_active = False
    world.staff.save(update_fields=["is_active"])
    assert _listed(client, active="0") == {"staff"}
    assert "staff" not in _listed(client, active="1")


def test_user_list_pages(world):
    client = client_for(world.admin)
    # 7 accounts the plain admin manages (the world's 10 less auditor, admin, root): 3 + 3 + 1
    page = client.get(reverse("manage:users"), {"per_page": 3}).context["page"]
    assert page.paginator.count == 7 and page.paginator.num_pages == 3
    assert len(client.get(reverse("manage:users"), {"per_page": 3, "page": 3}).context["page"].object_list) == 1


def test_region_select_groups_townships_by_district(world):
    html = client_for(world.admin).get(reverse("manage:user_create")).content.decode()
    assert '<optgroup label="武进区">' in html and "湖塘镇" in html


# -- creating users -------------------------------------------------------------------------------
def _create(client, **data):
    return client.post(reverse("manage:user_create"), data)


@pytest.mark.parametrize("role, region, message", [
    (Role.TOWNSHIP_INSPECTOR, "wujin", "This role must be bound to a Township."),
    (Role.TOWNSHIP_INSPECTOR, None, "This role must be bound to a region."),
    (Role.BUREAU_STAFF, "hutang", "This role must be bound to a City / District."),
])
def test_region_bound_roles_need_the_right_level(world, role, region, message):
    data = {"username": "newbie", "full_name": "新人", "role": role}
    if region:
        data["region"] = getattr(world, region).pk
    response = _create(client_for(world.admin), **data)
    assert response.status_code == 200
    assert response.context["form"].errors["region"] == [message]
    assert not User.objects.filter(username="newbie").exists()


def test_region_message_is_chinese_for_a_chinese_reader(world):
    response = _create(client_for(world.admin, language="zh-hans"), username="newbie", role=Role.TOWNSHIP_INSPECTOR,
                       region=world.wujin.pk)
    assert response.context["form"].errors["region"] == ["该角色必须绑定到板块。"]


def test_grid_member_needs_a_cell_and_only_grid_members_get_cells(world):
    client = client_for(world.admin)
    response = _create(client, username="newgrid", role=Role.GRID_MEMBER)
    assert response.context["form"].errors["grid_cells"] == ["A grid member must be bound to at least one grid cell."]
    response = _create(client, username="newgrid", role=Role.BUREAU_STAFF, region=world.wujin.pk,
                       grid_cells=[world.cell.pk])
    assert response.context["form"].errors["grid_cells"] == [
        "Only grid members are bound to grid cells: clear the selection."]
    assert not User.objects.filter(username="newgrid").exists()


def test_duplicate_username_is_refused(world):
    response = _create(client_for(world.admin), username="hutang", role=Role.TOWNSHIP_INSPECTOR,
                       region=world.hutang.pk)
    assert "username" in response.context["form"].errors
    assert User.objects.filter(username="hutang").count() == 1


def test_enterprise_role_is_not_given_on_the_user_page(world):
    response = _create(client_for(world.admin), username="ent", role=Role.ENTERPRISE)
    assert "role" in response.context["form"].errors


def test_created_user_signs_in_once_with_the_temporary_password_then_must_change_it(world):
    response = _create(client_for(world.admin), username="newgrid", full_name="王网格", phone="13800000000",
                       role=Role.GRID_MEMBER, grid_cells=[world.cell.pk, world.other_cell.pk])
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert escape(password) in response.content.decode()  # "&" in a password is "&amp;" in the page
    user = User.objects.get(username="newgrid")
    assert user.must_change_password and user.full_name == "王网格"
    assert set(user.grid_cells.all()) == {world.cell, world.other_cell}
    # the creation is in the audit trail, by the administrator, without the password
    entry = LogEntry.objects.get_for_object(user).get(action=LogEntry.Action.CREATE)
    assert entry.actor == world.admin and "password" not in entry.changes_dict

    client = Client()
    assert sign_in(client, "newgrid", password).status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("accounts:password_change")


# -- editing bindings, deactivating, resetting ----------------------------------------------------
def test_admin_rebinds_an_inspector_and_the_change_is_audited(world):
    client = client_for(world.admin)
    response = client.post(reverse("manage:user_edit", args=[world.inspector.pk]), {
        "full_name": "湖塘安监", "phone": "", "role": Role.TOWNSHIP_INSPECTOR, "region": world.luoyang.pk})
    assert response.status_code == 302
    world.inspector.refresh_from_db()
    assert world.inspector.region == world.luoyang
    entry = LogEntry.objects.get_for_object(world.inspector).filter(action=LogEntry.Action.UPDATE).latest()
    assert entry.actor == world.admin
    assert entry.changes_dict["region"] == [str(world.hutang.pk), str(world.luoyang.pk)]


def test_rebinding_to_a_wrong_level_changes_nothing(world):
    response = client_for(world.admin).post(reverse("manage:user_edit", args=[world.inspector.pk]), {
        "full_name": "", "phone": "", "role": Role.TOWNSHIP_INSPECTOR, "region": world.wujin.pk})
    assert response.status_code == 200 and "region" in response.context["form"].errors
    world.inspector.refresh_from_db()
    assert world.inspector.region == world.hutang


def test_grid_member_cells_are_rebound(world):
    client = client_for(world.admin)
    url = reverse("manage:user_edit", args=[world.grid_member.pk])
    response = client.post(url, {"role": Role.GRID_MEMBER, "grid_cells": [world.other_cell.pk]})
    assert response.status_code == 302
    assert list(world.grid_member.grid_cells.all()) == [world.other_cell]
    response = client.post(url, {"role": Role.GRID_MEMBER})
    assert "grid_cells" in response.context["form"].errors
    assert list(world.grid_member.grid_cells.all()) == [world.other_cell]


def test_enterprise_user_edit_keeps_role_and_enterprise(world):
    client = client_for(world.admin)
    url = reverse("manage:user_edit", args=[world.principal.pk])
    form = client.get(url).context["form"]
    assert set(form.fields) == {"full_name", "phone"}
    response = client.post(url, {"full_name": "张厂长", "phone": "13900000000", "role": Role.BUREAU_STAFF})
    assert response.status_code == 302
    world.principal.refresh_from_db()
    assert world.principal.full_name == "张厂长" and world.principal.role == Role.ENTERPRISE


def test_deactivated_user_cannot_sign_in_until_reactivated(world):
    client = client_for(world.admin)
    assert client.post(reverse("manage:user_deactivate", args=[world.bureau.pk])).status_code == 302
    world.bureau.refresh_from_db()
    assert not world.bureau.is_active
    assert sign_in(Client(), "bureau", PASSWORD).status_code == 200  # the form again, not signed in
    assert client.post(reverse("manage:user_reactivate", args=[world.bureau.pk])).status_code == 302
    assert sign_in(Client(), "bureau", PASSWORD).status_code == 302


def test_deactivation_ends_an_open_session(world):
    bureau = client_for(world.bureau)
    assert bureau.get(reverse("enterprises:list")).status_code == 200
    client_for(world.admin).post(reverse("manage:user_deactivate", args=[world.bureau.pk]))
    assert bureau.get(reverse("enterprises:list")).status_code == 302


def test_admin_cannot_deactivate_themselves(world):
    client_for(world.superuser).post(reverse("manage:user_deactivate", args=[world.superuser.pk]))
    world.superuser.refresh_from_db()
    assert world.superuser.is_active


def test_state_changes_are_post_only(world):
    client = client_for(world.admin)
    assert client.get(reverse("manage:user_deactivate", args=[world.bureau.pk])).status_code == 405
    assert client.get(reverse("manage:user_reset_password", args=[world.bureau.pk])).status_code == 405


def test_reset_password_shows_it_once_and_forces_a_change_at_next_sign_in(world):
    response = client_for(world.admin).post(reverse("manage:user_reset_password", args=[world.bureau.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["password"]
    world.bureau.refresh_from_db()
    assert world.bureau.must_change_password
    assert not world.bureau.check_password(PASSWORD) and world.bureau.check_password(password)
    assert sign_in(Client(), "bureau", PASSWORD).status_code == 200

    client = Client()
    assert sign_in(client, "bureau", password).status_code == 302
    assert client.get(reverse("enterprises:list"))["Location"] == reverse("accounts:password_change")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    world.bureau.refresh_from_db()
    assert not world.bureau.must_change_password
    assert client.get(reverse("enterprises:list")).status_code == 200


# -- first sign-in, password policy, session -------------------------------------------------------
def test_first_sign_in_redirects_everything_to_the_password_change(world):
    world.inspector.must_change_password = True
    world.inspector.save(update_fields=["must_change_password"])
    client = Client()
    sign_in(client, "hutang", PASSWORD)
    for url in (reverse("home"), reverse("enterprises:list"), reverse("enterprises:detail", args=[world.e_hutang.pk])):
        assert client.get(url)["Location"] == reverse("accounts:password_change"), url
    api = client.get("/api/v1/enterprises/")
    assert api.status_code == 403
    assert client.get(reverse("accounts:password_change")).status_code == 200


@pytest.mark.parametrize("password, code", [
    ("Ab1!xyz", "password_too_short"),          # 7 characters, 10 needed
    ("abcdefghijkmnp", "password_too_simple"),  # one class
    ("abcdefgh12345", "password_too_simple"),   # two classes
])
def test_password_policy_refuses_short_or_simple_passwords(password, code):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert code in [e.code for e in exc.value.error_list]


@pytest.mark.parametrize("password", ["Kx7mPq2vL9w", "kx7#mpq2vl9w", "KX7#MPQ2VL9W"])
def test_password_policy_accepts_three_classes_and_ten_characters(password):
    assert validate_password(password) is None


def test_password_policy_messages_are_translated(world):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            validate_password("abcdefghijkmnp")
    assert exc.value.messages == ["密码须至少包含小写字母、大写字母、数字、符号中的3类字符。"]
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            validate_password("abcdefghijkmnp")
    assert exc.value.messages == [
        "Your password must mix at least 3 kinds of characters: lower case, upper case, digits, symbols."]


def test_password_change_page_refuses_a_weak_password(world):
    client = client_for(world.bureau, language="zh-hans")
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "abcdefghijkmnp", "new_password2": "abcdefghijkmnp"})
    assert response.status_code == 200
    assert "密码须至少包含小写字母、大写字母、数字、符号中的3类字符。" in response.context["form"].errors["new_password2"]
    world.bureau.refresh_from_db()
    assert world.bureau.check_password(PASSWORD)


def test_idle_session_ends_after_the_configured_minutes(world):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client = Client()
    sign_in(client, "bureau", PASSWORD)
    assert client.session.get_expiry_age() == 30 * 60
    session = Session.objects.get(session_key=client.session.session_key)
    assert abs((session.expire_date - timezone.now()).total_seconds() - 30 * 60) < 60
    # each request pushes the end back: 25 idle minutes, then a click gives 30 more
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timezone.timedelta(minutes=5))
    assert client.get(reverse("home")).status_code == 200
    session.refresh_from_db()
    assert (session.expire_date - timezone.now()).total_seconds() > 29 * 60
    # past the end the session is gone
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:login"))


# -- enterprise accounts --------------------------------------------------------------------------
def _create_account(client, **data):
    data.setdefault("position", EnterpriseMembership.Position.PRINCIPAL)
    return client.post(reverse("enterprises:account_create"), data)


def test_enterprise_account_by_credit_code_takes_it_as_username(world):
    code = world.e_hutang2.credit_code
    response = _create_account(client_for(world.admin), enterprise=f" {code.lower()} ", full_name="李四")
    assert response.status_code == 200, response.context["form"].errors
    user = User.objects.get(username=code)
    assert user.role == Role.ENTERPRISE and user.must_change_password and user.full_name == "李四"
    assert user.check_password(response.context["password"])
    assert user.enterprise_membership.enterprise == world.e_hutang2
    assert user.enterprise_membership.position == EnterpriseMembership.Position.PRINCIPAL


def test_enterprise_account_by_name_with_a_position(world):
    response = _create_account(client_for(world.admin), enterprise="常州湖塘纺织有限公司", username="hutang2-safety",
                               position=EnterpriseMembership.Position.SAFETY_MANAGER)
    assert response.status_code == 200
    membership = EnterpriseMembership.objects.get(user__username="hutang2-safety")
    assert membership.enterprise == world.e_hutang2 and membership.position == "safety_manager"


def test_non_principal_account_needs_a_username(world):
    response = _create_account(client_for(world.admin), enterprise=world.e_hutang2.credit_code,
                               position=EnterpriseMembership.Position.STAFF)
    assert "username" in response.context["form"].errors
    assert not EnterpriseMembership.objects.filter(enterprise=world.e_hutang2).exists()


def test_second_principal_is_refused_and_changes_nothing(world):
    users, memberships = User.objects.count(), EnterpriseMembership.objects.count()
    response = _create_account(client_for(world.admin), enterprise=world.e_hutang.credit_code, username="second")
    assert response.status_code == 200
    assert response.context["form"].errors["position"] == [
        "常州湖塘机械有限公司 already has a principal account (principal); an enterprise has one. "
        "Give this user another position, or reset that account's password instead."]
    assert (User.objects.count(), EnterpriseMembership.objects.count()) == (users, memberships)


def test_unknown_or_deregistered_enterprise_is_not_found(world):
    gone = make_enterprise(township=world.hutang, name="常州已销号有限公司", status=Status.DEREGISTERED)
    client = client_for(world.admin)
    for text in ("常州不存在有限公司", gone.name, gone.credit_code):
        response = _create_account(client, enterprise=text, username="x1")
        assert "enterprise" in response.context["form"].errors, text
    assert not User.objects.filter(username="x1").exists()


def test_enterprise_suggestions(world):
    make_enterprise(township=world.hutang, name="常州湖塘已销号有限公司", status=Status.DEREGISTERED)
    client = client_for(world.admin)
    url = reverse("enterprises:account_enterprise_suggest")
    found = client.get(url, {"enterprise": "湖塘"}).context["enterprises"]
    assert {e.name for e in found} == {"常州湖塘机械有限公司", "常州湖塘纺织有限公司"}
    by_code = client.get(url, {"enterprise": world.e_luoyang.credit_code[:12]}).context["enterprises"]
    assert world.e_luoyang in by_code
    assert client.get(url, {"enterprise": "湖"}).context["enterprises"] == []


def test_enterprise_account_list_filters(world):
    client = client_for(world.admin)
    page = client.get(reverse("enterprises:accounts"), {"township": world.hutang.pk}).context["page"]
    assert {m.user.username for m in page.object_list} == {"principal", "staff"}
    page = client.get(reverse("enterprises:accounts"), {"position": "staff"}).context["page"]
    assert {m.user.username for m in page.object_list} == {"staff"}
    page = client.get(reverse("enterprises:accounts"), {"township": world.luoyang.pk}).context["page"]
    assert page.paginator.count == 0


# -- principal accounts for a township, from the roster -------------------------------------------
@pytest.fixture
def hutang_roster(world):
    """湖塘镇 after this fixture: 湖塘机械 (has a principal), 湖塘纺织, 湖塘三 (producing, no account),
    湖塘四 (suspended, a staff account only), 湖塘公式 (a principal name that looks like a formula),
    湖塘占用 (its credit code is already someone's username), 湖塘销号 (deregistered)."""
    r = world
    r.e3 = make_enterprise(township=world.hutang, name="常州湖塘三有限公司", principal_name="王三")
    r.e4 = make_enterprise(township=world.hutang, name="常州湖塘四有限公司", status=Status.SUSPENDED, principal_name="赵四")
    make_enterprise_user(r.e4, "staff", username="e4-staff")
    r.e_formula = make_enterprise(township=world.hutang, name="=常州湖塘公式有限公司", principal_name="=1+2")
    r.e_taken = make_enterprise(township=world.hutang, name="常州湖塘占用有限公司")
    UserFactory(username=r.e_taken.credit_code, role=Role.BUREAU_STAFF, region=world.wujin)
    r.e_gone = make_enterprise(township=world.hutang, name="常州湖塘销号有限公司", status=Status.DEREGISTERED)
    return r


def test_bulk_preview_counts_the_enterprises_without_a_principal(hutang_roster):
    w = hutang_roster
    response = client_for(w.admin).get(reverse("enterprises:accounts_bulk"), {"township": w.hutang.pk})
    # 湖塘纺织, 三, 四, 公式, 占用: five without a principal (机械 has one, 销号 is deregistered)
    assert response.context["candidate_count"] == 5


def test_bulk_creates_a_principal_per_enterprise_once(hutang_roster):
    w = hutang_roster
    client = client_for(w.admin)
    users_before = User.objects.count()
    response = client.post(reverse("enterprises:accounts_bulk"), {"township": w.hutang.pk})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    result = response.context["result"]
    # 湖塘纺织, 三, 四, 公式 -> 4 accounts; 占用 skipped (username taken); 机械 and 销号 left alone
    expected = {w.e_hutang2, w.e3, w.e4, w.e_formula}
    assert {e for e, _, _ in result.created} == expected
    assert [e for e, _ in result.skipped] == [w.e_taken]
    assert User.objects.count() == users_before + 4
    for enterprise in expected:
        user = User.objects.get(username=enterprise.credit_code)
        assert user.role == Role.ENTERPRISE and user.must_change_password
        assert user.full_name == enterprise.principal_name
        assert user.enterprise_membership.enterprise == enterprise
        assert user.enterprise_membership.position == EnterpriseMembership.Position.PRINCIPAL
    assert not EnterpriseMembership.objects.filter(enterprise__in=[w.e_taken, w.e_gone]).exists()

    # the credentials file: a header and 4 rows whose passwords work; formula-like text neutralised
    book = load_workbook(BytesIO(base64.b64decode(response.context["xlsx_b64"])))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 5
    by_username = {row[4]: row for row in rows[1:]}
    assert set(by_username) == {e.credit_code for e in expected}
    for username, row in by_username.items():
        assert User.objects.get(username=username).check_password(row[5])
    formula_row = by_username[w.e_formula.credit_code]
    assert formula_row[0] == "'=常州湖塘公式有限公司" and formula_row[3] == "'=1+2"
    assert AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT, user=w.admin).count() == 1

    again = client.post(reverse("enterprises:accounts_bulk"), {"township": w.hutang.pk})
    assert again.context["result"].created == [] and "xlsx_b64" not in again.context
    assert User.objects.count() == users_before + 4


def test_bulk_created_principal_signs_in_and_must_change_the_password(hutang_roster):
    w = hutang_roster
    response = client_for(w.admin).post(reverse("enterprises:accounts_bulk"), {"township": w.hutang.pk})
    enterprise, user, password = next(c for c in response.context["result"].created if c[0] == w.e3)
    client = Client()
    assert sign_in(client, user.username, password).status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("accounts:password_change")
    # the light temporary hash is replaced by the preferred hasher's at the first sign-in
    user.refresh_from_db()
    assert user.password.startswith("md5$")


def test_bulk_in_another_township_leaves_hutang_alone(hutang_roster):
    w = hutang_roster
    response = client_for(w.superuser).post(reverse("enterprises:accounts_bulk"), {"township": w.luoyang.pk})
    assert [e for e, _, _ in response.context["result"].created] == [w.e_luoyang]
    assert not EnterpriseMembership.objects.filter(enterprise=w.e3).exists()
