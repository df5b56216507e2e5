"""The risk map pages and API (issue 11 item 3): the enterprise uploads a plan, places, moves and
removes points, downloads the four PDFs; townships and the bureau read the map of an enterprise in
scope; an outsider gets a 404 and a reader a 403, the database unchanged; bad input shows the
service's message and changes nothing."""
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
import pytest
from rest_framework.test import APIClient

from risk_reports.models import PointPlacement, SitePlan
from tests.enterprises.factories import make_enterprise_user
from tests.risk_reports.factories import make_point
from tests.risk_reports.maps_factories import make_plan, place, plan_image

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def state():
    return (sorted(SitePlan.objects.values_list("pk", "site", "image_id", "retired_on")),
            sorted(PointPlacement.objects.values_list("pk", "plan_id", "point_id", "x", "y")))


@pytest.fixture
def firm(world):
    world.red = make_point(world.e_hutang, level="red", name="抛光工位", area="抛光车间")
    world.blue = make_point(world.e_hutang, level="blue", name="配电箱", area="办公楼")
    return world


def test_the_enterprise_uploads_places_moves_removes(client, firm):
    w = firm
    login(client, w.principal)
    # the menu entry takes an enterprise user to its own map
    assert client.get("/risk/maps/")["Location"] == f"/risk/maps/{w.e_hutang.pk}/"
    page = client.get(f"/risk/maps/{w.e_hutang.pk}/").content.decode()
    assert 'id="plan-upload"' in page and 'id="no-plans"' in page
    assert "risk_reports/maps.js" in page and "<script>" not in page  # no inline script (CSP)
    response = client.post(f"/risk/maps/{w.e_hutang.pk}/plans/new/", {"site": "一号厂房", "image": plan_image()})
    assert response.status_code == 302
    plan = SitePlan.objects.get()
    page = client.get(f"/risk/maps/{w.e_hutang.pk}/").content.decode()
    assert f'id="plan-{plan.pk}"' in page and f"/attachments/{plan.image_id}/" in page
    assert client.get(f"/attachments/{plan.image_id}/")["Content-Type"] == "image/jpeg"
    client.post(f"/risk/maps/plans/{plan.pk}/place/", {"point": w.red.pk, "x": "0.3", "y": "0.4"})
    placement = PointPlacement.objects.get()
    assert (placement.point, placement.x, placement.y) == (w.red, Decimal("0.3000"), Decimal("0.4000"))
    page = client.get(f"/risk/maps/{w.e_hutang.pk}/").content.decode()
    assert f'id="mark-{placement.pk}"' in page and 'class="mark mark-red"' in page
    # the dot sits at 0.3 of 800 px, 0.4 of 500 px
    assert 'cx="240.0" cy="200.0"' in page
    client.post(f"/risk/maps/placements/{placement.pk}/move/", {"x": "0.5", "y": "0.5"})
    placement.refresh_from_db()
    assert placement.x == Decimal("0.5000")
    client.post(f"/risk/maps/plans/{plan.pk}/replace/", {"image": plan_image(600, 600)})
    plan.refresh_from_db()
    assert (plan.width, plan.height) == (600, 600) and PointPlacement.objects.count() == 1
    client.post(f"/risk/maps/placements/{placement.pk}/remove/")
    assert PointPlacement.objects.count() == 0
    client.post(f"/risk/maps/plans/{plan.pk}/retire/")
    plan.refresh_from_db()
    assert plan.retired_on is not None


def test_bad_input_on_the_page_shows_why_and_changes_nothing(client, firm):
    w = firm
    login(client, w.principal)
    plan = make_plan(w.e_hutang)
    before = state()
    fake = SimpleUploadedFile("平面图.png", b"not an image at all" * 50, content_type="image/png")
    response = client.post(f"/risk/maps/{w.e_hutang.pk}/plans/new/", {"site": "二号厂房", "image": fake}, follow=True)
    assert "平面图.png" in response.content.decode()
    response = client.post(f"/risk/maps/plans/{plan.pk}/place/", {"point": w.red.pk, "x": "1.5", "y": "0.5"},
                           follow=True)
    assert "1.5" in response.content.decode()
    theirs = make_point(w.e_hutang2, name="染缸")
    client.post(f"/risk/maps/plans/{plan.pk}/place/", {"point": theirs.pk, "x": "0.5", "y": "0.5"})
    assert state() == before


def test_townships_and_the_bureau_read_the_map(client, firm):
    w = firm
    plan = make_plan(w.e_hutang)
    place(plan, w.red)
    for user in (w.inspector, w.bureau):
        login(client, user)
        listing = client.get("/risk/maps/", {"has": "plans"}).content.decode()
        assert "常州湖塘机械有限公司" in listing and "常州湖塘纺织有限公司" not in listing
        page = client.get(f"/risk/maps/{w.e_hutang.pk}/").content.decode()
        assert "抛光工位" in page and 'id="plan-upload"' not in page and "maps.js" not in page
        assert client.get(f"/risk/maps/{w.e_hutang.pk}/map.pdf")["Content-Type"] == "application/pdf"
    # a reader's write is refused, the database unchanged
    before = state()
    login(client, w.inspector)
    assert client.post(f"/risk/maps/plans/{plan.pk}/retire/").status_code == 403
    new = client.post(f"/risk/maps/{w.e_hutang.pk}/plans/new/", {"site": "x", "image": plan_image()})
    assert new.status_code == 403
    assert state() == before


def test_out_of_scope_is_a_404_and_nothing_changes(client, firm):
    w = firm
    plan = make_plan(w.e_hutang)
    placement = place(plan, w.red)
    other = make_enterprise_user(w.e_hutang2, "principal", username="other")
    before = state()
    for user in (w.luoyang_inspector, other):
        login(client, user)
        assert client.get(f"/risk/maps/{w.e_hutang.pk}/").status_code == 404
        assert client.get(f"/risk/maps/{w.e_hutang.pk}/lists.pdf").status_code == 404
        assert client.post(f"/risk/maps/plans/{plan.pk}/retire/").status_code == 404
        assert client.post(f"/risk/maps/placements/{placement.pk}/remove/").status_code == 404
        new = client.post(f"/risk/maps/{w.e_hutang.pk}/plans/new/", {"site": "x", "image": plan_image()})
        assert new.status_code == 404
        assert api(user).get(f"/api/v1/site-plans/{plan.pk}/").status_code == 404
        assert api(user).delete(f"/api/v1/point-placements/{placement.pk}/").status_code == 404
        assert api(user).post("/api/v1/point-placements/", {"plan": plan.pk, "point": w.blue.pk, "x": "0.1",
                                                            "y": "0.1"}, format="json").status_code == 404
    assert state() == before
    login(client, w.luoyang_inspector)
    assert "常州湖塘机械有限公司" not in client.get("/risk/maps/").content.decode()


def test_the_four_pdfs_download(client, firm):
    w = firm
    place(make_plan(w.e_hutang), w.red)
    login(client, w.principal)
    for kind in ("map", "notice", "emergency", "lists"):
        response = client.get(f"/risk/maps/{w.e_hutang.pk}/{kind}.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF-"), kind
        assert "常州湖塘机械有限公司" in response["Content-Disposition"] or "filename*" in response["Content-Disposition"]
    assert client.get(f"/risk/maps/{w.e_hutang.pk}/other.pdf").status_code == 404


def test_the_enterprise_page_links_the_map(client, firm):
    w = firm
    place(make_plan(w.e_hutang, site="一号厂房"), w.red)
    login(client, w.inspector)
    page = client.get(f"/enterprises/{w.e_hutang.pk}/").content.decode()
    assert 'id="dossier-maps"' in page and "一号厂房" in page and f"/risk/maps/{w.e_hutang.pk}/" in page


def test_the_api(firm):
    w = firm
    boss = api(w.principal)
    response = boss.post("/api/v1/site-plans/", {"site": "一号厂房", "image": plan_image()}, format="multipart")
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["site"] == "一号厂房" and plan["width"] == 800 and plan["image"]["mime_type"] == "image/jpeg"
    response = boss.post("/api/v1/point-placements/", {"plan": plan["id"], "point": w.red.pk, "x": "0.25", "y": "0.5"},
                         format="json")
    assert response.status_code == 201, response.content
    placement = response.json()
    assert (placement["point_name"], placement["level"], placement["x"]) == ("抛光工位", "red", "0.2500")
    assert boss.patch(f"/api/v1/point-placements/{placement['id']}/", {"x": "0.75", "y": "0.5"},
                      format="json").json()["x"] == "0.7500"
    # bad input: a 400 with the message, nothing changed
    before = state()
    response = boss.post("/api/v1/point-placements/", {"plan": plan["id"], "point": w.blue.pk, "x": "2", "y": "0.5"},
                         format="json")
    assert response.status_code == 400 and "x" in response.json()["fields"]
    fake = SimpleUploadedFile("平面图.jpg", b"%PDF-1.4 not a plan", content_type="image/jpeg")
    response = boss.post(f"/api/v1/site-plans/{plan['id']}/replace/", {"image": fake}, format="multipart")
    assert response.status_code == 400 and "平面图.jpg" in response.json()["detail"] + str(response.json()["fields"])
    assert state() == before
    # a township reads, may not write
    township = api(w.inspector)
    listed = township.get("/api/v1/site-plans/", {"retired": "false"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [p["site"] for p in rows] == ["一号厂房"] and rows[0]["placements"][0]["point_name"] == "抛光工位"
    assert township.post(f"/api/v1/site-plans/{plan['id']}/retire/").status_code == 403
    assert township.delete(f"/api/v1/point-placements/{placement['id']}/").status_code == 403
    assert state() == before
    assert boss.delete(f"/api/v1/point-placements/{placement['id']}/").status_code == 204
    assert boss.post(f"/api/v1/site-plans/{plan['id']}/retire/").json()["retired_on"] is not None


def test_the_map_page_and_the_map_pdf_ask_a_fixed_number_of_queries(client, firm):
    """One plan with one point or three plans with four points: the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from risk_reports.documents_maps import map_context

    w = firm
    login(client, w.principal)

    def count():
        with CaptureQueriesContext(connection) as page:
            assert client.get(f"/risk/maps/{w.e_hutang.pk}/").status_code == 200
        with CaptureQueriesContext(connection) as pdf:
            map_context(w.principal, w.e_hutang, timezone.localdate())
        return len(page.captured_queries), len(pdf.captured_queries)

    place(make_plan(w.e_hutang, site="一号厂房"), w.red)
    small = count()
    second = make_plan(w.e_hutang, site="二号厂房")
    place(second, w.blue)
    place(make_plan(w.e_hutang, site="三号厂房"), make_point(w.e_hutang, name="行车", level="yellow"))
    place(second, make_point(w.e_hutang, name="叉车", level="orange"))
    assert count() == small
    # the map's context: the plans with their placements (2: plans, placements) and the scope's own lookups
    assert small[1] <= 6
