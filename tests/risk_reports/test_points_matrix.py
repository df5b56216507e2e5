"""Who may write risk points (``manage_risk_points``: the principal and the safety manager of the
point's enterprise): every write action through the page *and* the API, for every role, gives the
same answer — done, 403 (in scope but not allowed) or 404 (out of scope, or no ``view_risk``) —
and a refusal leaves the database as it was. The roles and the world are those of
tests/accounts/test_capability_matrix.py."""
import pytest
from rest_framework.test import APIClient

from portal.accounts.models import Role
from risk_reports.models import ChanganCode, RiskCategory, RiskPoint, ShiftSchedule
from tests.factories import UserFactory
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db
ROLES = ["bureau", "inspector", "luoyang", "grid", "principal", "staff", "auditor", "admin", "agency", "expert",
         "training"]
# bureau and the 湖塘镇 inspector see 湖塘机械's points but do not manage them (403); 洛阳镇's inspector
# does not see them (404); the grid member sees them through the cell (403); the roles without
# view_risk find no risk point page or record at all (404).
MATRIX = """
action       bureau inspector luoyang grid principal staff auditor admin agency expert training
point_edit   403    403       404     403  done      403   404     404   404    404    404
point_grade  403    403       404     403  done      403   404     404   404    404    404
point_retire 403    403       404     403  done      403   404     404   404    404    404
point_bulk   403    403       404     403  done      403   404     404   404    404    404
point_copy   403    403       404     403  done      403   404     404   404    404    404
shifts_set   403    403       404     403  done      403   404     404   404    404    404
"""
EXPECTED = {r[0]: dict(zip(ROLES, r[1:])) for r in (line.split() for line in MATRIX.strip().splitlines()[1:])}


@pytest.fixture
def cast(world):
    return {
        "bureau": world.bureau, "inspector": world.inspector, "luoyang": world.luoyang_inspector,
        "grid": world.grid_member, "principal": world.principal, "staff": world.staff, "auditor": world.auditor,
        "admin": world.admin, "agency": UserFactory(role=Role.AGENCY), "expert": UserFactory(role=Role.EXPERT),
        "training": UserFactory(role=Role.TRAINING),
    }


def snapshot():
    return (list(RiskPoint.objects.order_by("pk").values()),
            ChanganCode.objects.filter(revoked_at__isnull=True).count(),
            list(ShiftSchedule.objects.values_list("starts", flat=True)))


def outcome(response, *, page):
    code = response.status_code
    if code in (403, 404):
        return str(code)
    return {302: "done"}.get(code, f"unexpected {code}") if page else \
        {200: "done", 201: "done"}.get(code, f"unexpected {code}")


def _points(world):
    """The point each side acts on: 冲床 in 一车间 (the page), 剪板机 in 二车间 (the API)."""
    return (make_point(world.e_hutang, by=world.principal, name="冲床", area="一车间"),
            make_point(world.e_hutang, by=world.principal, name="剪板机", area="二车间"))


def _request(action, world, user, point, *, page):
    category = RiskCategory.objects.get(code="dust_duct")
    client = APIClient()
    client.force_login(user)
    e = world.e_hutang.pk
    if action == "point_edit":
        data = {"name": point.name + "改", "area": point.area, "responsible_person": "王安全", "cycle": "day",
                "check_items": "防护罩完好"}
        if page:
            return client.post(f"/risk/points/{point.pk}/edit/", data)
        return client.patch(f"/api/v1/risk-points/{point.pk}/", dict(data, check_items=["防护罩完好"]), format="json")
    if action == "point_grade":
        if page:
            return client.post(f"/risk/points/{point.pk}/grade/", {"basis": "lec", "lec_L": "3", "lec_E": "6",
                                                                   "lec_C": "7"})
        return client.post(f"/api/v1/risk-points/{point.pk}/grade/",
                           {"basis": "lec", "values": {"L": 3, "E": 6, "C": 7}}, format="json")
    if action == "point_retire":
        if page:
            return client.post(f"/risk/points/{point.pk}/retire/")
        return client.post(f"/api/v1/risk-points/{point.pk}/retire/", {}, format="json")
    if action == "point_bulk":
        data = {"area": "三车间" if page else "四车间", "categories": [category.pk], "responsible_person": "王安全"}
        if page:
            return client.post(f"/risk/points/bulk/?enterprise={e}", data)
        return client.post("/api/v1/risk-points/bulk/", dict(data, enterprise=e), format="json")
    if action == "point_copy":
        if page:
            return client.post(f"/risk/points/copy/?enterprise={e}", {"from_area": "一车间", "to_area": "五车间"})
        return client.post("/api/v1/risk-points/copy/", {"enterprise": e, "from_area": "二车间", "to_area": "六车间"},
                           format="json")
    if action == "shifts_set":
        if page:
            return client.post(f"/risk/shifts/?enterprise={e}", {"shift_1": "08:00"})
        return client.post("/api/v1/shift-schedules/", {"enterprise": e, "starts": ["20:00"]}, format="json")
    raise AssertionError(action)


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_page_and_api_give_the_same_answer_and_a_refusal_changes_nothing(world, cast, action, role):
    expected = EXPECTED[action][role]
    page_point, api_point = _points(world)
    got = []
    for page, point in ((True, page_point), (False, api_point)):
        before = snapshot()
        response = _request(action, world, cast[role], point, page=page)
        got.append(outcome(response, page=page))
        if expected == "done":
            assert snapshot() != before, (action, role, page)
        else:
            assert snapshot() == before, (action, role, page)
    assert got == [expected, expected], (action, role)
