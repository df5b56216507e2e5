"""The API's one error shape, checked wherever a test reads a refusal (portal/api_common.py)."""


def refusal(response, status=400):
    """The body of a refusal, after checking its status and its shape ``{detail, code, fields}``."""
    assert response.status_code == status, response.content
    body = response.json() if hasattr(response, "json") else response.data
    assert set(body) == {"detail", "code", "fields"}, body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert all(isinstance(m, str) for messages in body["fields"].values() for m in messages), body
    return body


def fields(response, status=400):
    """The messages of each bad field of a refusal."""
    return refusal(response, status)["fields"]


def general(detail, code="invalid"):
    """A refusal of the request as a whole (no field named), as the API answers it."""
    return {"detail": detail, "code": code, "fields": {}}
