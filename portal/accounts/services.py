"""Writes on users and the access log."""
import secrets
import string

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import AccessLog

_ALPHABET = string.ascii_letters + string.digits


def client_ip(request):
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def access_log_write(*, kind, request=None, user=None, username="", detail=""):
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AccessLog.objects.create(
        kind=kind, user=user, username=(user.username if user else username)[:150],
        ip=client_ip(request), detail=detail[:500],
    )


def temporary_password(length=12):
    """A random password meeting the policy (upper, lower, digit, symbol); it must be changed at first login."""
    while True:
        body = "".join(secrets.choice(_ALPHABET) for _ in range(length - 2))
        candidate = body + secrets.choice("!@#%&*") + secrets.choice(string.digits)
        if any(c.islower() for c in candidate) and any(c.isupper() for c in candidate):
            return candidate


@transaction.atomic
def user_reset_password(*, user):
    """The admin resets a password: a temporary one, to be changed at the next sign-in."""
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password


@transaction.atomic
def user_create(*, username, role, password=None, region=None, grid_cells=(), full_name="", phone="", by=None):
    User = get_user_model()
    password = password or temporary_password()
    user = User(username=username, role=role, region=region, full_name=full_name, phone=phone,
                must_change_password=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    if grid_cells:
        user.grid_cells.set(grid_cells)
    return user, password
