"""Who sees and changes what, tested from the outside: every role against every roster page and
API endpoint (the role matrix), then the scope module itself on each scoped model.

RULES: out of scope is 404 for reading and for changing (never 403, never data); in scope but
read-only is 403 on writes; a refused write leaves the database as it was."""
import pytest
from django.http import Http404
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from enterprises.models import ChemicalStorageSite, Enterprise, EnterpriseChange
from grid.models import GridCell, Region
from portal.accounts import scope

from tests.enterprises.factories import credit_code
from tests.factories import UserFactory
from tests.enterprises.test_roster import enterprise_form_data, roster_snapshot

# The users of the ``world`` fixture, by the attribute that holds them.
ROLES = ["bureau", "city_staff", "inspector", "luoyang_inspector", "grid_member", "principal", "staff",
         "auditor", "admin", "superuser"]

# Expected status per action (rows) and role (columns, in the order of ROLES):
#   bureau = Wujin bureau staff, city = city bureau staff, hutang / luoyang = township inspectors,
#   grid = grid member of world.cell (湖塘村, holds e_hutang only), principal / staff = users of e_hutang,
#   root = superuser.
# e_hutang lies in 湖塘镇 (village 湖塘村, cell world.cell); e_luoyang in 洛阳镇.
MATRIX = """
action              bureau city hutang luoyang grid principal staff auditor admin root
list                200    200  200    200     200  302       302   404     404   200
detail_hutang       200    200  200    404     200  200       200   404     404   200
detail_luoyang      200    200  404    200     404  404       404   404     404   200
edit_get_hutang     200    200  200    404     403  200       403   404     404   200
edit_post_hutang    302    302  302    404     403  302       403   404     404   302
edit_get_luoyang    200    200  404    200     404  404       404   404     404   200
edit_post_luoyang   302    302  404    302     404  404       404   404     404   302
site_add_hutang     302    302  302    404     403  302       403   404     404   302
site_delete_luoyang 302    302  404    302     404  404       404   404     404   302
api_list            200    200  200    200     200  200       200   200     200   200
api_get_hutang      200    200  200    404     200  200       200   404     404   200
api_get_luoyang     200    200  404    200     404  404       404   404     404   200
api_patch_hutang    200    200  200    404     403  200       403   404     404   200
api_patch_luoyang   200    200  404    200     404  404       404   404     404   200
create_get          200    200  200    200     403  403       403   403     403   200
create_post_hutang  302    302  302    200     403  403       403   403     403   302
api_create_hutang   201    201  201    400     403  403       403   403     403   201
overview            200    200  200    200     404  404       404   404     404   200
changes_hutang      200    200  200    404     404  404       404   404     404   200
api_regions         200    200  200    200     200  200       200   200     200   200
"""


def _parse(table):
    lines = [line.split() for line in table.strip().splitlines()]
    header = lines[0][1:]
    assert len(header) == len(ROLES)
    return {row[0]: dict(zip(ROLES, map(int, row[1:]))) for row in lines[1:]}


EXPECTED = _parse(MATRIX)
CASES = [(action, role) for action in EXPECTED for role in ROLES]

# How many rows each role gets from the list endpoints (hand-counted from the world fixture):
# Wujin holds 湖塘镇 (e_hutang, e_hutang2) and 洛阳镇 (e_luoyang): 3 enterprises.
# Regions: the city 1 + 7 districts + Wujin's 13 townships + 湖塘村 = 22; Wujin: itself + 13 + 1 = 15;
# 湖塘镇: itself + 湖塘村 = 2; 洛阳镇: 1; the grid member: the cell's village 湖塘村 = 1.
COUNTS = """
role               enterprises regions
bureau             3           15
city_staff         3           22
inspector          2           2
luoyang_inspector  1           1
grid_member        1           1
principal          1           0
staff              1           0
auditor            0           0
admin              0           0
superuser          3           22
"""
EXPECTED_COUNTS = {row[0]: (int(row[1]), int(row[2])) for row in
                   (line.split() for line in COUNTS.strip().splitlines()[1:])}


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def _new_enterprise_data(world):
    data = enterprise_form_data(world.e_hutang2)
    data.update(credit_code=credit_code(), name="常州湖塘新建有限公司", effective_date="2026-07-01",
                reason="新设立")
    return data


def _api_new_enterprise(world):
    return {"credit_code": credit_code(), "name": "常州湖塘接口新建有限公司", "township": world.hutang.pk,
            "industry": world.e_hutang2.industry_id, "effective_date": "2026-07-01", "reason": "新设立"}


def _do(action, world, client):
    h, lu = world.e_hutang, world.e_luoyang
    if action == "list":
        return client.get("/enterprises/")
    if action.startswith("detail_"):
        return client.get(f"/enterprises/{h.pk if action.endswith('hutang') else lu.pk}/")
    if action.startswith("edit_get_"):
        return client.get(f"/enterprises/{h.pk if action.endswith('hutang') else lu.pk}/edit/")
    if action.startswith("edit_post_"):
        e = h if action.endswith("hutang") else lu
        return client.post(f"/enterprises/{e.pk}/edit/", {**enterprise_form_data(e), "address": "新地址 1 号"})
    if action == "site_add_hutang":
        return client.post(f"/enterprises/{h.pk}/chemical-sites/new/",
                           {"kind": "warehouse", "name": "新仓库", "chemicals": "丙酮", "capacity": "2 t"})
    if action == "site_delete_luoyang":
        site = lu.chemical_sites.get()
        return client.post(f"/enterprises/{lu.pk}/chemical-sites/{site.pk}/delete/")
    if action == "api_list":
        return client.get("/api/v1/enterprises/")
    if action.startswith("api_get_"):
        return client.get(f"/api/v1/enterprises/{h.pk if action.endswith('hutang') else lu.pk}/")
    if action.startswith("api_patch_"):
        e = h if action.endswith("hutang") else lu
        return client.patch(f"/api/v1/enterprises/{e.pk}/", {"address": "新地址 1 号"}, format="json")
    if action == "create_get":
        return client.get("/enterprises/new/")
    if action == "create_post_hutang":
        return client.post("/enterprises/new/", _new_enterprise_data(world))
    if action == "api_create_hutang":
        return client.post("/api/v1/enterprises/", _api_new_enterprise(world), format="json")
    if action == "overview":
        return client.get("/enterprises/overview/")
    if action == "changes_hutang":
        return client.get(f"/enterprises/changes/?township={world.hutang.pk}&quarter=2026Q3")
    if action == "api_regions":
        return client.get("/api/v1/regions/")
    raise AssertionError(action)


def _is_write(action):
    return action.startswith(("edit_post", "site_", "api_patch", "create_post", "api_create"))


@pytest.mark.parametrize("action, role", CASES, ids=[f"{a}-{r}" for a, r in CASES])
def test_role_matrix(world, action, role):
    ChemicalStorageSite.objects.create(enterprise=world.e_luoyang, kind="tank", name="1 号储罐")
    user = getattr(world, role)
    client = _client(user)
    before = roster_snapshot()
    response = _do(action, world, client)
    expected = EXPECTED[action][role]
    assert response.status_code == expected, (action, role, response.status_code)

    if response.status_code == 404 and action.startswith(("detail", "api_get", "edit_get")):
        # out of scope looks exactly like "does not exist": no name leaks
        target = world.e_hutang if action.endswith("hutang") else world.e_luoyang
        assert target.name not in response.content.decode()
        assert target.credit_code not in response.content.decode()
    if _is_write(action):
        accepted = expected in (201, 302) or (expected == 200 and action.startswith("api_patch"))
        if accepted:
            assert roster_snapshot() != before, "an accepted write changed nothing"
        else:  # 403, 404, or a form / serializer error
            assert roster_snapshot() == before, "a refused write changed the database"


@pytest.mark.parametrize("role", ROLES)
def test_list_counts(world, role):
    client = _client(getattr(world, role))
    n_enterprises, n_regions = EXPECTED_COUNTS[role]
    assert client.get("/api/v1/enterprises/").json()["count"] == n_enterprises
    assert client.get("/api/v1/regions/").json()["count"] == n_regions
    page = client.get("/enterprises/")
    if page.status_code == 200:
        assert page.context["page"].paginator.count == n_enterprises


def test_grid_member_sees_only_the_enterprises_of_their_cells(world):
    client = _client(world.grid_member)
    page = client.get("/enterprises/")
    # world.cell (湖塘村) holds e_hutang only; e_hutang2 is in 湖塘镇 but in no cell
    assert [e.name for e in page.context["page"].object_list] == ["常州湖塘机械有限公司"]
    api = client.get("/api/v1/enterprises/").json()
    assert [row["name"] for row in api["results"]] == ["常州湖塘机械有限公司"]
    assert client.get(f"/enterprises/{world.e_hutang2.pk}/").status_code == 404


# -- outsiders reading and changing: pages and API ---------------------------------------------------
@pytest.mark.parametrize("role", ["inspector", "principal"])
def test_outsider_reads_and_writes_get_404_and_change_nothing(world, role):
    """湖塘's inspector and e_hutang's principal against 洛阳's enterprise and its storage site."""
    site = ChemicalStorageSite.objects.create(enterprise=world.e_luoyang, kind="tank", name="1 号储罐")
    target = world.e_luoyang
    client = _client(getattr(world, role))
    before = roster_snapshot()
    sites_before = list(ChemicalStorageSite.objects.values())

    for response in [
        client.get(f"/enterprises/{target.pk}/"),
        client.get(f"/enterprises/{target.pk}/edit/"),
        client.post(f"/enterprises/{target.pk}/edit/", {**enterprise_form_data(target), "name": "改名"}),
        client.post(f"/enterprises/{target.pk}/edit/", {"address": "改地址", "principal_name": "某人"}),
        client.get(f"/enterprises/{target.pk}/chemical-sites/new/"),
        client.post(f"/enterprises/{target.pk}/chemical-sites/new/", {"kind": "tank", "name": "x"}),
        client.post(f"/enterprises/{target.pk}/chemical-sites/{site.pk}/delete/"),
        # the site addressed through an enterprise the user *can* see
        client.post(f"/enterprises/{world.e_hutang.pk}/chemical-sites/{site.pk}/delete/"),
        client.get(f"/api/v1/enterprises/{target.pk}/"),
        client.patch(f"/api/v1/enterprises/{target.pk}/", {"address": "改地址"}, format="json"),
        client.patch(f"/api/v1/enterprises/{target.pk}/", {"status": "deregistered", "effective_date": "2026-07-01",
                                                           "reason": "x"}, format="json"),
        client.put(f"/api/v1/enterprises/{target.pk}/", {"name": "改名"}, format="json"),
        client.delete(f"/api/v1/enterprises/{target.pk}/"),
    ]:
        assert response.status_code in (404, 405), (response.request["PATH_INFO"], response.status_code)
        assert target.name not in response.content.decode()
    assert roster_snapshot() == before
    assert list(ChemicalStorageSite.objects.values()) == sites_before


def test_unknown_ids_look_like_out_of_scope(world):
    client = _client(world.inspector)
    for path in ["/enterprises/999999/", "/enterprises/999999/edit/", "/api/v1/enterprises/999999/",
                 "/api/v1/regions/999999/", f"/api/v1/regions/{world.luoyang.pk}/"]:
        assert client.get(path).status_code == 404, path
    assert client.get(f"/api/v1/regions/{world.village.pk}/").status_code == 200


# -- a township inspector stays in their township --------------------------------------------------
def test_inspector_cannot_move_an_enterprise_to_another_township(world):
    client = _client(world.inspector)
    edit = client.get(f"/enterprises/{world.e_hutang2.pk}/edit/")
    # the form offers the inspector's township only
    assert list(edit.context["form"].fields["township"].queryset) == [world.hutang]
    before = roster_snapshot()

    data = {**enterprise_form_data(world.e_hutang2), "township": world.luoyang.pk,
            "effective_date": "2026-07-01", "reason": "迁址"}
    response = client.post(f"/enterprises/{world.e_hutang2.pk}/edit/", data)
    assert response.status_code == 200
    assert "township" in response.context["form"].errors
    assert roster_snapshot() == before

    api = client.patch(f"/api/v1/enterprises/{world.e_hutang2.pk}/",
                       {"township": world.luoyang.pk, "effective_date": "2026-07-01", "reason": "迁址"}, format="json")
    assert api.status_code == 400
    assert "township" in api.json()["fields"]
    assert roster_snapshot() == before


def test_inspector_cannot_create_in_another_township(world):
    client = _client(world.luoyang_inspector)
    before = roster_snapshot()
    response = client.post("/enterprises/new/", _new_enterprise_data(world))  # township 湖塘镇
    assert response.status_code == 200
    assert "township" in response.context["form"].errors
    api = client.post("/api/v1/enterprises/", _api_new_enterprise(world), format="json")
    assert api.status_code == 400 and "township" in api.json()["fields"]
    assert roster_snapshot() == before


# -- enterprise users --------------------------------------------------------------------------------
def test_enterprise_staff_reads_but_cannot_edit(world):
    client = _client(world.staff)
    page = client.get(f"/enterprises/{world.e_hutang.pk}/")
    assert page.status_code == 200 and page.context["can_change"] is False
    assert f"/enterprises/{world.e_hutang.pk}/edit/" not in page.content.decode()
    before = roster_snapshot()
    assert client.get(f"/enterprises/{world.e_hutang.pk}/edit/").status_code == 403
    assert client.post(f"/enterprises/{world.e_hutang.pk}/edit/", {"address": "改地址"}).status_code == 403
    assert client.patch(f"/api/v1/enterprises/{world.e_hutang.pk}/", {"address": "改地址"},
                        format="json").status_code == 403
    # read-only comes before validation: an invalid write is still a 403, not a 400
    assert client.patch(f"/api/v1/enterprises/{world.e_hutang.pk}/", {"principal_phone": "12345"},
                        format="json").status_code == 403
    assert roster_snapshot() == before


def test_principal_edits_only_the_self_filed_fields(world):
    client = _client(world.principal)
    e = world.e_hutang
    form = client.get(f"/enterprises/{e.pk}/edit/").context["form"]
    assert sorted(form.fields) == sorted(["address", "principal_name", "principal_phone", "dust_workers_per_shift",
                                          "safety_section_established"])
    changes = EnterpriseChange.objects.count()
    response = client.post(f"/enterprises/{e.pk}/edit/", {
        **enterprise_form_data(e),  # jurisdiction, status, name ... posted too: ignored
        "name": "改名有限公司", "status": "deregistered", "township": world.luoyang.pk, "above_scale": "on",
        "effective_date": "2026-07-01", "reason": "x",
        "address": "湖塘镇新地址 8 号", "principal_name": "王五", "principal_phone": "１３９１２３４５６７８",
        "dust_workers_per_shift": "15", "safety_section_established": "on",
    })
    assert response.status_code == 302
    e.refresh_from_db()
    assert (e.address, e.principal_name, e.principal_phone, e.dust_workers_per_shift,
            e.safety_section_established) == ("湖塘镇新地址 8 号", "王五", "13912345678", 15, True)
    assert (e.name, e.status, e.township, e.above_scale) == ("常州湖塘机械有限公司", "producing", world.hutang, False)
    # no status or township change; the dust workers and the safety section are a targeting change for the
    # township (tests/test_roster_targeting.py)
    assert list(EnterpriseChange.objects.filter(pk__gt=0).order_by("-pk").values_list("kind", flat=True)[:1]) == [
        "targeting"]
    assert EnterpriseChange.objects.count() == changes + 1

    before = roster_snapshot()
    for body in [{"status": "deregistered", "effective_date": "2026-07-01", "reason": "x"}, {"name": "改名"},
                 {"township": world.hutang.pk}, {"above_scale": True}, {"key_domains": ["smelting"]}]:
        assert client.patch(f"/api/v1/enterprises/{e.pk}/", body, format="json").status_code == 403, body
    assert roster_snapshot() == before
    ok = client.patch(f"/api/v1/enterprises/{e.pk}/", {"principal_name": "赵六"}, format="json")
    assert ok.status_code == 200
    e.refresh_from_db()
    assert e.principal_name == "赵六"


def test_enterprise_user_without_membership_sees_nothing(world):
    loner = UserFactory(role="enterprise")
    client = _client(loner)
    assert client.get("/enterprises/").status_code == 404
    assert client.get(f"/enterprises/{world.e_hutang.pk}/").status_code == 404
    assert client.get("/api/v1/enterprises/").json()["count"] == 0


def test_auditor_and_admin_see_no_business_data(world):
    for user in (world.auditor, world.admin):
        client = _client(user)
        for path in ["/enterprises/", f"/enterprises/{world.e_hutang.pk}/",
                     "/enterprises/overview/", f"/enterprises/changes/?township={world.hutang.pk}"]:
            assert client.get(path).status_code == 404, (user, path)
        # entering an enterprise is a step the role never takes: 403, as in the API
        assert client.get("/enterprises/new/").status_code == 403
        assert client.get("/api/v1/enterprises/").json() == {"count": 0, "next": None, "previous": None,
                                                             "results": []}
        assert client.get("/api/v1/regions/").json()["count"] == 0


def test_inactive_user_is_signed_out(world):
    world.bureau.is_active = False
    world.bureau.save(update_fields=["is_active"])
    client = APIClient()
    client.force_login(world.bureau)
    assert client.get("/enterprises/").status_code == 302  # to the sign-in page
    assert client.get("/api/v1/enterprises/").status_code in (401, 403)


# -- scope itself, per role and model ------------------------------------------------------------------
# Expected visible rows by role (hand-counted from the world fixture plus one storage site per
# enterprise of the hutang/luoyang pair): H = e_hutang, H2 = e_hutang2, L = e_luoyang.
@pytest.fixture
def sites(world):
    return {
        "H": ChemicalStorageSite.objects.create(enterprise=world.e_hutang, kind="warehouse", name="仓库"),
        "L": ChemicalStorageSite.objects.create(enterprise=world.e_luoyang, kind="tank", name="储罐"),
    }


ALL_REGIONS = 22  # 1 city + 7 districts + 13 townships + 湖塘村

SCOPE_TABLE = {
    #                    enterprises        regions                 cells              may change H
    "bureau":            ({"H", "H2", "L"}, 15,                     {"cell", "other"}, True),
    "city_staff":        ({"H", "H2", "L"}, ALL_REGIONS,            {"cell", "other"}, True),
    "inspector":         ({"H", "H2"},      {"湖塘镇", "湖塘村"},     {"cell"},          True),
    "luoyang_inspector": ({"L"},            {"洛阳镇"},              {"other"},         None),
    "grid_member":       ({"H"},            {"湖塘村"},              {"cell"},          False),
    "principal":         ({"H"},            set(),                  set(),             True),
    "staff":             ({"H"},            set(),                  set(),             False),
    "auditor":           (set(),            set(),                  set(),             None),
    "admin":             (set(),            set(),                  set(),             None),
    "superuser":         ({"H", "H2", "L"}, ALL_REGIONS,            {"cell", "other"}, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_scope_visible_and_get(world, sites, role):
    user = getattr(world, role)
    names = {"H": world.e_hutang, "H2": world.e_hutang2, "L": world.e_luoyang}
    cells = {"cell": world.cell, "other": world.other_cell}
    want_enterprises, want_regions, want_cells, may_change_h = SCOPE_TABLE[role]

    assert set(scope.visible(user, Enterprise.objects.all())) == {names[k] for k in want_enterprises}
    regions = scope.visible(user, Region.objects.all())
    if isinstance(want_regions, int):
        assert regions.count() == want_regions
    else:
        assert {r.name for r in regions} == want_regions
    assert set(scope.visible(user, GridCell.objects.all())) == {cells[k] for k in want_cells}
    # one registered change per enterprise, reached through the township it went to
    assert set(scope.visible(user, EnterpriseChange.objects.all())) == {
        c for k in want_enterprises for c in names[k].changes.all()}
    assert set(scope.visible(user, ChemicalStorageSite.objects.all())) == {
        sites[k] for k in want_enterprises if k in sites}

    for key, enterprise in names.items():
        if key in want_enterprises:
            obj, can_change = scope.get(user, Enterprise.objects.all(), pk=enterprise.pk)
            assert obj == enterprise
            if key == "H":
                assert can_change is may_change_h
        else:
            with pytest.raises(Http404):
                scope.get(user, Enterprise.objects.all(), pk=enterprise.pk)
            with pytest.raises(Http404):  # a write to an invisible object is a 404 too, not a 403
                scope.get_for_change(user, Enterprise.objects.all(), pk=enterprise.pk)
    # get() answers exactly for the rows visible() holds, on every scoped model
    for model, objs in [(Region, [world.city, world.wujin, world.hutang, world.luoyang, world.village]),
                        (GridCell, [world.cell, world.other_cell]),
                        (EnterpriseChange, list(EnterpriseChange.objects.all()))]:
        seen = set(scope.visible(user, model.objects.all()))
        for obj in objs:
            if obj in seen:
                assert scope.get(user, model.objects.all(), pk=obj.pk)[0] == obj
            else:
                with pytest.raises(Http404):
                    scope.get(user, model.objects.all(), pk=obj.pk)
    for key, site in sites.items():
        if key in want_enterprises:
            assert scope.get(user, ChemicalStorageSite.objects.all(), pk=site.pk)[0] == site
        else:
            with pytest.raises(Http404):
                scope.get(user, ChemicalStorageSite.objects.all(), pk=site.pk)


def test_read_only_in_scope_is_403_on_writes(world):
    with pytest.raises(PermissionDenied):
        scope.get_for_change(world.staff, Enterprise.objects.all(), pk=world.e_hutang.pk)
    with pytest.raises(PermissionDenied):
        scope.get_for_change(world.grid_member, Enterprise.objects.all(), pk=world.e_hutang.pk)
    # roster changes are history: nobody but the region roles changes them, not even the principal
    change = world.e_hutang.changes.get()
    with pytest.raises(PermissionDenied):
        scope.get_for_change(world.principal, EnterpriseChange.objects.all(), pk=change.pk)
    assert scope.get_for_change(world.inspector, EnterpriseChange.objects.all(), pk=change.pk) == change


def test_malformed_ids_are_404(world):
    for bad in ["abc", None, "1; drop table"]:
        with pytest.raises(Http404):
            scope.get(world.bureau, Enterprise.objects.all(), pk=bad)


def test_anonymous_and_inactive_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser
    assert not scope.visible(AnonymousUser(), Enterprise.objects.all()).exists()
    world.superuser.is_active = False
    assert not scope.visible(world.superuser, Enterprise.objects.all()).exists()


def test_region_role_without_region_sees_nothing(world):
    stray = UserFactory(role="township_inspector", region=None)
    assert not scope.visible(stray, Enterprise.objects.all()).exists()
    assert not scope.regions(stray).exists()
