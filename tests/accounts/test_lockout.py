"""Lockout after repeated failed sign-ins (django-axes), the access log of sign-ins, and its retention."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import AccessLog
from portal.accounts.services import access_log_write
from portal.accounts.tasks import access_log_purge

from tests.factories import PASSWORD

WRONG = "Wrong-pass-2026!"


@pytest.fixture(autouse=True)
def _fast_hashers(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client, username, password, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def signed_in(client):
    return "_auth_user_id" in client.session


def test_lockout_settings():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=30)
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


def test_five_failures_lock_the_account_for_thirty_minutes(world):
    client = Client()
    for attempt in range(1, 5):
        response = sign_in(client, "hutang", WRONG)
        assert response.status_code == 200, attempt  # the form again, with the warning
    response = sign_in(client, "hutang", WRONG)  # the fifth failure locks
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]

    # the right password no longer gets in, from this or any other address
    response = sign_in(Client(), "hutang", PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429 and response.context["minutes"] == 30
    assert not signed_in(client)

    # another account from the same (shared, NAT'd) address still works
    other = Client()
    assert sign_in(other, "luoyang", PASSWORD).status_code == 302 and signed_in(other)

    # 29 minutes on it is still locked; past 30 it opens again
    AccessAttempt.objects.filter(username="hutang").update(attempt_time=timezone.now() - timedelta(minutes=29))
    assert sign_in(Client(), "hutang", PASSWORD).status_code == 429
    AccessAttempt.objects.filter(username="hutang").update(attempt_time=timezone.now() - timedelta(minutes=31))
    fresh = Client()
    assert sign_in(fresh, "hutang", PASSWORD).status_code == 302 and signed_in(fresh)


def test_four_failures_then_success_resets_the_count(world):
    for _ in range(4):
        sign_in(Client(), "hutang", WRONG)
    assert sign_in(Client(), "hutang", PASSWORD).status_code == 302
    for _ in range(4):
        assert sign_in(Client(), "hutang", WRONG).status_code == 200


def test_failed_sign_in_message_names_the_limit(world):
    english = Client()
    english.cookies["django_language"] = "en"  # picked with the language switch
    response = sign_in(english, "hutang", WRONG)
    assert response.context["form"].non_field_errors() == [
        "Wrong username or password. After 5 failed attempts the account is locked for 30 minutes."]


def test_password_reset_by_the_administrator_lifts_the_lockout(world):
    for _ in range(5):
        sign_in(Client(), "hutang", WRONG)
    assert sign_in(Client(), "hutang", PASSWORD).status_code == 429
    admin = Client()
    admin.force_login(world.admin)
    password = admin.post(reverse("manage:user_reset_password", args=[world.inspector.pk])).context["password"]
    assert sign_in(Client(), "hutang", password).status_code == 302


# -- access log -----------------------------------------------------------------------------------
def test_sign_ins_and_failures_are_logged_with_the_address(world):
    sign_in(Client(), "hutang", WRONG, REMOTE_ADDR="10.1.1.7")
    sign_in(Client(), "hutang", PASSWORD, REMOTE_ADDR="10.1.1.7")
    failed = AccessLog.objects.get(kind=AccessLog.Kind.LOGIN_FAILED)
    assert (failed.username, failed.user, failed.ip) == ("hutang", None, "10.1.1.7")
    login = AccessLog.objects.get(kind=AccessLog.Kind.LOGIN)
    assert (login.user, login.username, login.ip) == (world.inspector, "hutang", "10.1.1.7")


def test_sign_out_is_logged(world):
    client = Client()
    sign_in(client, "hutang", PASSWORD)
    client.post(reverse("accounts:logout"))
    assert AccessLog.objects.filter(kind=AccessLog.Kind.LOGOUT, user=world.inspector).count() == 1


def test_retention_is_never_under_six_months():
    assert settings.ACCESS_LOG_RETENTION_DAYS >= 183


def test_purge_keeps_five_months_and_drops_seven(world, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 183
    now = timezone.now()
    recent = access_log_write(kind=AccessLog.Kind.LOGIN, user=world.bureau)
    five_months = access_log_write(kind=AccessLog.Kind.EXPORT, user=world.bureau, detail="roster")
    seven_months = access_log_write(kind=AccessLog.Kind.LOGIN, user=world.bureau)
    AccessLog.objects.filter(pk=five_months.pk).update(at=now - timedelta(days=152))
    AccessLog.objects.filter(pk=seven_months.pk).update(at=now - timedelta(days=213))

    assert access_log_purge.delay().get() == 1
    assert set(AccessLog.objects.values_list("pk", flat=True)) == {recent.pk, five_months.pk}
    assert access_log_purge() == 0  # idempotent
    # the task takes its moment: a year on, the five-month-old row is past the retention too
    assert access_log_purge.delay((now + timedelta(days=365)).isoformat()).get() == 2
