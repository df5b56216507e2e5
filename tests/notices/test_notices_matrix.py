"""Who may draft and publish a quarterly notice (issue 10; ``issue_notices``: the bureau), through the
page and the API, for every role of tests/accounts/test_capability_matrix.py, on 武进区's current
2026 Q3 snapshot: done, invalid, 403 or 404 — and a refusal leaves the notices as they were.

The page and the API answer alike: a role that reads no notices gets 404, a reader who issues none
403. A draft is its issuer's until published: the readers below do not see it (404)."""
import pytest
from rest_framework.test import APIClient

from portal.accounts.models import Role
from portal.assessments import services as snapshots
from portal.figures.periods import Period
from portal.notices import services
from portal.notices.models import Notice
from tests.factories import UserFactory
from tests.notices.conftest import NEXT_STEP

pytestmark = pytest.mark.django_db
ROLES = ["bureau", "inspector", "luoyang", "grid", "principal", "staff", "auditor", "admin", "agency", "expert",
         "training"]
MATRIX = """
action          bureau inspector   luoyang     grid        principal staff   auditor admin   agency  expert  training
notice_draft    done   403         403         403         404       404     404     404     404     404     404
notice_publish  done   404         404         404         404       404     404     404     404     404     404
"""
EXPECTED = {}
for _line in MATRIX.strip().splitlines()[1:]:
    _cells = _line.split()
    EXPECTED[_cells[0]] = {role: c.split("/") if "/" in c else [c, c] for role, c in zip(ROLES, _cells[1:])}
Q3 = Period.quarter(2026, 3)


@pytest.fixture
def cast(world):
    return {
        "bureau": world.bureau, "inspector": world.inspector, "luoyang": world.luoyang_inspector,
        "grid": world.grid_member, "principal": world.principal, "staff": world.staff, "auditor": world.auditor,
        "admin": world.admin, "agency": UserFactory(role=Role.AGENCY), "expert": UserFactory(role=Role.EXPERT),
        "training": UserFactory(role=Role.TRAINING),
    }


@pytest.fixture
def frozen(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = snapshots.snapshot_request(region=world.wujin, period=Q3, by=None)
    snapshot.refresh_from_db()
    return snapshot


def state():
    return list(Notice.objects.order_by("pk").values_list("pk", "state", "number"))


def outcome(response, changed):
    if response.status_code in (403, 404):
        return str(response.status_code)
    assert response.status_code in (200, 201, 302, 400, 409), response.status_code
    return "done" if changed else "invalid"


def _request(action, world, frozen, client, side):
    page = side == "page"
    if action == "notice_draft":
        if page:
            return lambda: client.post("/notices/draft/", {"snapshot": frozen.pk, "number_prefix": "武应急函"})
        return lambda: client.post("/api/v1/notices/", {"snapshot": frozen.pk, "number_prefix": "武应急函"},
                                   format="json")
    notice = services.notice_draft(snapshot=frozen, by=world.bureau, number_prefix="武应急函")
    services.notice_update(notice=notice, by=world.bureau, next_steps=[NEXT_STEP])
    if page:
        return lambda: client.post(f"/notices/{notice.pk}/publish/")
    return lambda: client.post(f"/api/v1/notices/{notice.pk}/publish/")


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_page_and_api_give_the_answer_of_the_table_and_a_refusal_changes_nothing(world, cast, frozen, action, role,
                                                                                  django_capture_on_commit_callbacks):
    want_page, want_api = EXPECTED[action][role]
    got = []
    for side, want in (("page", want_page), ("api", want_api)):
        client = APIClient()
        client.force_login(cast[role])
        send = _request(action, world, frozen, client, side)
        before = state()
        with django_capture_on_commit_callbacks(execute=False):
            response = send()
        changed = state() != before
        got.append(outcome(response, changed))
        if want != "done":
            assert not changed, (action, role, side)
    assert got == [want_page, want_api], (action, role)
