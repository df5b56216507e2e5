"""The DRF side of ``submit_once``: the key comes from the ``Idempotency-Key`` header (or a
``client_key`` field), a malformed or missing key is a 400, a reused key a 409."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import status as http
from rest_framework.response import Response

from portal.api_common import django_errors, error_response, validation_body

from .services import KeyReused, submit_once, valid_key

HEADER = "Idempotency-Key"


def _payload(data):
    """The request's data without the key, as plain JSON-ready values (lists for repeated form fields)."""
    if hasattr(data, "lists"):
        # several files under one field (photos of a finding) become their names, like a single one
        named = {k: [getattr(x, "name", x) if hasattr(x, "read") else x for x in v] for k, v in data.lists()}
        items = {k: (v[0] if len(v) == 1 else v) for k, v in named.items()}
    else:
        items = dict(data) if isinstance(data, dict) else {"_": data}
    items.pop("client_key", None)
    return {k: (getattr(v, "name", v) if hasattr(v, "read") else v) for k, v in items.items()}


def client_key_of(request):
    key = request.headers.get(HEADER)
    if key is None and hasattr(request.data, "get"):
        key = request.data.get("client_key")
    return key


def api_submit_once(request, kind, handler):
    """A DRF ``Response`` for ``handler()`` -> ``(status, body)``, run once per key.

    A handler raising ``ValidationError`` stores nothing and answers 400; a replay carries the
    header ``Idempotent-Replayed: true``."""
    key = client_key_of(request)
    if not valid_key(key):
        return error_response(_("An Idempotency-Key header (8–64 letters, digits, _ or -) is required."),
                              code="invalid", status_code=http.HTTP_400_BAD_REQUEST)
    try:
        status, body, replayed = submit_once(kind=kind, client_key=key, user=request.user,
                                             payload=_payload(request.data), handler=handler)
    except KeyReused as exc:
        return error_response(exc.message, code="conflict", status_code=http.HTTP_409_CONFLICT)
    except ValidationError as exc:
        return Response(validation_body(django_errors(exc).detail), status=http.HTTP_400_BAD_REQUEST)
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return Response(body, status=status, headers=headers)


class IdempotentSubmitMixin:
    """For a view or viewset: ``return self.submit_once(request, "inspections.submit", handler)``."""

    def submit_once(self, request, kind, handler):
        return api_submit_once(request, kind, handler)
