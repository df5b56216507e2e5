"""Idempotent submission: a retried submission returns the first result and does the work once; a
key reused with another payload, or by another user, is refused and reveals nothing."""
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from rest_framework.decorators import api_view
from rest_framework.test import APIRequestFactory, force_authenticate

from portal.submissions.api import api_submit_once
from portal.submissions.models import Submission
from portal.submissions.services import KeyReused, new_client_key, payload_hash, submit_once

from tests.api_errors import fields
from tests.factories import UserFactory

KIND = "test.submit"


class Handler:
    """Counts its calls; answers 201 with the call number."""

    def __init__(self, delay=0):
        self.calls = 0
        self.delay = delay
        self.lock = threading.Lock()

    def __call__(self):
        with self.lock:
            self.calls += 1
            n = self.calls
        time.sleep(self.delay)
        return 201, {"id": n, "status": "submitted"}


@pytest.fixture
def users(db):
    return UserFactory(username="alice"), UserFactory(username="bob")


def test_same_key_same_payload_runs_once(users):
    alice, _ = users
    handler = Handler()
    key = new_client_key()
    first = submit_once(kind=KIND, client_key=key, user=alice, payload={"a": 1, "b": [1, 2]}, handler=handler)
    # The same payload with its keys in another order is the same payload (canonical JSON).
    again = submit_once(kind=KIND, client_key=key, user=alice, payload={"b": [1, 2], "a": 1}, handler=handler)
    assert first == (201, {"id": 1, "status": "submitted"}, False)
    assert again == (201, {"id": 1, "status": "submitted"}, True)
    assert handler.calls == 1
    row = Submission.objects.get()
    assert (row.kind, row.client_key, row.user, row.response_status) == (KIND, key, alice, 201)
    assert row.payload_hash == payload_hash({"a": 1, "b": [1, 2]}) and len(row.payload_hash) == 64
    # The same key under another kind is another submission.
    assert submit_once(kind="test.other", client_key=key, user=alice, payload={}, handler=handler)[2] is False


def test_different_payload_under_a_used_key_is_refused(users):
    alice, _ = users
    handler = Handler()
    key = new_client_key()
    submit_once(kind=KIND, client_key=key, user=alice, payload={"a": 1}, handler=handler)
    with pytest.raises(KeyReused) as info:
        submit_once(kind=KIND, client_key=key, user=alice, payload={"a": 2}, handler=handler)
    assert info.value.message
    assert handler.calls == 1
    assert Submission.objects.get().payload_hash == payload_hash({"a": 1})


def test_another_users_key_is_refused_without_their_result(users):
    alice, bob = users
    handler = Handler()
    key = new_client_key()
    submit_once(kind=KIND, client_key=key, user=alice, payload={"a": 1}, handler=handler)
    with pytest.raises(KeyReused) as info:
        submit_once(kind=KIND, client_key=key, user=bob, payload={"a": 1}, handler=handler)
    assert "submitted" not in str(info.value)
    assert handler.calls == 1 and Submission.objects.count() == 1


def test_a_failing_handler_stores_nothing(users):
    alice, _ = users
    key = new_client_key()

    def failing():
        UserFactory(username="written-then-rolled-back")
        raise ValidationError("bad")

    with pytest.raises(ValidationError):
        submit_once(kind=KIND, client_key=key, user=alice, payload={"a": 1}, handler=failing)
    assert not Submission.objects.exists()
    assert not alice.__class__.objects.filter(username="written-then-rolled-back").exists()
    # The client retries with the same key: this time the work is done.
    assert submit_once(kind=KIND, client_key=key, user=alice, payload={"a": 1}, handler=Handler())[2] is False


@pytest.mark.parametrize("key", [None, "", "short", "x" * 65, "has space1", "中文中文中文中文"])
def test_malformed_key_is_refused(users, key):
    with pytest.raises(ValueError):
        submit_once(kind=KIND, client_key=key, user=users[0], payload={}, handler=Handler())
    assert not Submission.objects.exists()


# -- the API helper ---------------------------------------------------------------------------------
api_handler = Handler()


@api_view(["POST"])
def submit_view(request):
    def handler():
        if request.data.get("bad"):
            raise ValidationError({"bad": ["不对"]})
        return api_handler()
    return api_submit_once(request, KIND, handler)


def post(user, data, key=None, fmt="json"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    request = APIRequestFactory().post("/submit/", data, format=fmt, **headers)
    force_authenticate(request, user=user)
    return submit_view(request)


def test_api_replays_and_refuses(users):
    alice, bob = users
    api_handler.calls = 0
    key = new_client_key()
    first = post(alice, {"a": 1}, key)
    again = post(alice, {"a": 1}, key)
    assert (first.status_code, first.data) == (201, {"id": 1, "status": "submitted"})
    assert (again.status_code, again.data) == (201, {"id": 1, "status": "submitted"})
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert api_handler.calls == 1
    changed = post(alice, {"a": 2}, key)
    assert changed.status_code == 409 and "id" not in changed.data
    other = post(bob, {"a": 1}, key)
    assert other.status_code == 409 and "id" not in other.data
    assert api_handler.calls == 1 and Submission.objects.count() == 1


def test_api_key_from_the_form_field_and_bad_keys(users):
    alice, _ = users
    api_handler.calls = 0
    key = new_client_key()
    first = post(alice, {"a": "1", "client_key": key}, fmt="multipart")
    again = post(alice, {"a": "1", "client_key": key}, fmt="multipart")
    assert first.status_code == again.status_code == 201 and api_handler.calls == 1
    assert post(alice, {"a": 1}).status_code == 400  # no key
    assert post(alice, {"a": 1}, "bad key!").status_code == 400
    assert post(alice, {"a": 1}, "abc").status_code == 400  # too short
    assert api_handler.calls == 1


def test_api_validation_error_is_400_and_not_stored(users):
    alice, _ = users
    key = new_client_key()
    response = post(alice, {"bad": True}, key)
    assert fields(response) == {"bad": ["不对"]}
    assert not Submission.objects.exists()


# -- concurrency: two requests with one key at the same time, on PostgreSQL ------------------------
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_requests_run_the_handler_once():
    # the suite runs on PostgreSQL (row locks and unique-index waits under test); never skipped
    assert connection.vendor == "postgresql", "run the suite on PostgreSQL (make test)"
    alice = UserFactory(username="alice")
    handler = Handler(delay=0.5)  # the first holds its transaction open while the second arrives
    key = new_client_key()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        from django.db import connection as thread_connection
        try:
            barrier.wait()
            results.append(submit_once(kind=KIND, client_key=key, user=alice, payload={"a": 1}, handler=handler))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert handler.calls == 1
    assert sorted(r[2] for r in results) == [False, True]  # one ran, one got the stored result
    assert {(r[0], r[1]["id"]) for r in results} == {(201, 1)}
    assert Submission.objects.filter(client_key=key).count() == 1


def test_api_payload_names_several_files_under_one_field():
    """Two photos under one multipart field become their names (a list of files is no JSON)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.datastructures import MultiValueDict

    from portal.submissions.api import _payload
    from portal.submissions.services import canonical_json

    data = MultiValueDict({"photos": [SimpleUploadedFile("a.jpg", b"1"), SimpleUploadedFile("b.jpg", b"2")],
                           "note": ["x"], "client_key": ["k" * 10]})
    payload = _payload(data)
    assert payload == {"photos": ["a.jpg", "b.jpg"], "note": "x"}
    canonical_json(payload)
