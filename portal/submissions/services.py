"""``submit_once``: the one helper every submit endpoint, page or API, goes through.

The first request with a key inserts its row before running the handler, inside one transaction: a
concurrent request with the same key blocks on the unique index until the first commits (then it
reads the stored result) or rolls back (then it runs the handler itself). The handler runs in the
same transaction, so a handler that raises leaves neither its writes nor the key behind, and the
client may retry with the same key.
"""
import hashlib
import json
import re
import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import Submission

KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class KeyReused(Exception):
    """The key was already used with another payload, or by another user. Never carries the first
    result: another user's key must not reveal what they submitted."""

    def __init__(self, message=None):
        self.message = message or _(
            "This submission key was already used for a different submission. Reload the page and submit again.")
        super().__init__(self.message)


def new_client_key():
    """A fresh key for a form's hidden ``client_key`` field (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def valid_key(key):
    return isinstance(key, str) and bool(KEY_RE.match(key))


def canonical_json(payload):
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)


def payload_hash(payload):
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def _replay(row, user, digest):
    if row.user_id != user.pk or row.payload_hash != digest:
        raise KeyReused()
    return row.response_status, row.response_body, True


def submit_once(*, kind, client_key, user, payload, handler):
    """Run ``handler()`` -> ``(status, body)`` once per ``(kind, client_key)``.

    Returns ``(status, body, replayed)``; ``body`` is what a JSON round trip gives back, the same on
    the first call and on every replay. Raises ``KeyReused`` for a key used with another payload or
    by another user, ``ValueError`` for a malformed key."""
    if not valid_key(client_key):
        raise ValueError("client_key must be 8-64 characters of A-Z, a-z, 0-9, _ and -")
    digest = payload_hash(payload)
    with transaction.atomic():
        row = Submission.objects.select_for_update().filter(kind=kind, client_key=client_key).first()
        if row is not None:
            return _replay(row, user, digest)
        try:
            with transaction.atomic():  # a savepoint: a lost race leaves the outer transaction usable
                row = Submission.objects.create(kind=kind, client_key=client_key, user=user, payload_hash=digest)
        except IntegrityError:
            # Another request inserted the key and committed while we waited on the unique index.
            row = Submission.objects.select_for_update().get(kind=kind, client_key=client_key)
            return _replay(row, user, digest)
        status, body = handler()
        body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
        row.response_status, row.response_body = status, body
        row.save(update_fields=["response_status", "response_body"])
    return status, body, False
