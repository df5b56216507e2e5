"""Who may send and fill a self-check list, for every role, through the page and the API alike: done,
403 (in scope but not theirs) or 404 (out of scope), and a refusal leaves the database as it was.
The list is 湖塘机械's (world.e_hutang, in the grid cell), of a campaign of 武进区."""
import pytest
from rest_framework.test import APIClient

from inspections.models import Hazard, SelfCheckAnswer, SelfCheckList
from portal.accounts.models import Role
from portal.submissions.services import new_client_key

from tests.factories import UserFactory
from tests.inspections.self_check_factories import answers_for, general, make_campaign, send

pytestmark = pytest.mark.django_db

MATRIX = {
    #                  bureau   inspector luoyang grid   principal staff  auditor admin  agency expert training
    "submit_page": ("403", "403", "404", "403", "done", "403", "404", "404", "404", "404", "404"),
    "submit_api": ("403", "403", "404", "403", "done", "403", "404", "404", "404", "404", "404"),
    "send_page": ("done", "403", "403", "404", "404", "404", "404", "404", "404", "404", "404"),
}
ROLES = ["bureau", "inspector", "luoyang", "grid", "principal", "staff", "auditor", "admin", "agency", "expert",
         "training"]


def cast(world):
    return {"bureau": world.bureau, "inspector": world.inspector, "luoyang": world.luoyang_inspector,
            "grid": world.grid_member, "principal": world.principal, "staff": world.staff,
            "auditor": world.auditor, "admin": world.admin, "agency": UserFactory(role=Role.AGENCY),
            "expert": UserFactory(role=Role.EXPERT), "training": UserFactory(role=Role.TRAINING)}


def state():
    return (list(SelfCheckList.objects.order_by("pk").values()), SelfCheckAnswer.objects.count(), Hazard.objects.count())


def outcome(response):
    code = response.status_code
    return str(code) if code in (403, 404) else {302: "done", 200: "done", 400: "invalid"}.get(code, str(code))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_every_role_gets_the_same_answer_from_page_and_api(world, action, role):
    campaign = make_campaign(world)
    if action != "send_page":
        send(campaign, world.bureau)
    mine = SelfCheckList.objects.filter(enterprise=world.e_hutang).first()
    user = cast(world)[role]
    client = APIClient()
    client.force_login(user)
    before = state()
    if action == "submit_page":
        data = {"client_key": new_client_key()}
        for a in answers_for(mine):
            data[f"result_{a['item']}"] = a["result"]
        response = client.post(f"/inspections/self-checks/{mine.pk}/fill/", data)
    elif action == "submit_api":
        response = client.post(f"/api/v1/self-checks/{mine.pk}/submit/", {"answers": answers_for(mine)},
                               format="json", HTTP_IDEMPOTENCY_KEY=new_client_key())
    else:
        response = client.post(f"/inspections/campaigns/{campaign.pk}/self-checks/send/",
                               {"checklist": general().pk, "due_date": "2026-11-30"})
    expected = MATRIX[action][ROLES.index(role)]
    assert outcome(response) == expected
    if expected != "done":
        assert state() == before
