"""Dust cleaning's pages and API from the outside: the site's code opens the upload page, the API
takes the outbox's upload, and every page and endpoint is scoped (404 out of scope, nothing changed)."""
import datetime

import pytest

from risk_reports.models import DustEscalation, DustSite, DustUpload
from risk_reports.services.dust import dust_escalate
from portal.ui import todos_for

from .dust_factories import make_site, make_upload, photo

TODAY = datetime.date(2026, 11, 16)


@pytest.fixture
def site(world):
    return make_site(world.e_hutang, "抛光车间", created_on=TODAY - datetime.timedelta(days=10))


def test_the_sites_code_opens_the_days_upload_form(client, world, site):
    client.force_login(world.staff)
    page = client.get(f"/c/{site.token}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="dust-form"' in body and "抛光车间" in body and 'data-outbox="dust"' in body


def test_the_cached_page_asks_for_the_days_status_as_it_opens(client, world, site, clock):
    client.force_login(world.staff)
    page = client.get(f"/c/{site.token}/")
    assert "max-age=43200" in page["Cache-Control"]  # kept on the phone for the shop floor
    assert f'hx-get="/c/{site.token}/?status=1" hx-trigger="load"' in page.content.decode()
    status = client.get(f"/c/{site.token}/?status=1")
    assert status["Cache-Control"] == "private, no-store"
    body = status.content.decode()
    assert "2026-11-16" in body and 'id="dust-current"' not in body and "hx-trigger" not in body
    make_upload(site, world.staff, TODAY)
    assert 'id="dust-current"' in client.get(f"/c/{site.token}/?status=1").content.decode()
    # the next morning the page cached yesterday (with its "already uploaded") gets today's status,
    # or, the session having expired overnight, a fragment asking to sign in (not the sign-in page)
    clock.move_to(datetime.datetime(2026, 11, 17, 8, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    expired = client.get(f"/c/{site.token}/?status=1")
    assert expired.status_code == 200 and 'id="dust-signed-out"' in expired.content.decode()
    assert 'id="dust-signed-out"' in client.get("/c/forged-token-123/?status=1").content.decode()  # the same for any
    client.force_login(world.staff)
    body = client.get(f"/c/{site.token}/?status=1").content.decode()
    assert "2026-11-17" in body and 'id="dust-current"' not in body
    # someone else's: nothing of it
    client.force_login(world.luoyang_inspector)
    assert client.get(f"/c/{site.token}/?status=1").status_code in (403, 404)


def test_the_no_script_form_uploads(client, world, site):
    client.force_login(world.staff)
    response = client.post(f"/c/{site.token}/", {"client_key": "page-key-0001", "opened_at": "2026-11-16T09:00:00+08:00",
                                                  "photo": photo(1, taken=datetime.datetime(2026, 11, 16, 8))})
    assert response.status_code == 302
    assert DustUpload.objects.get().day == TODAY


def test_the_api_takes_the_outboxs_upload_once(client, world, site):
    client.force_login(world.staff)
    data = {"code": site.token, "uploaded_at": "2026-11-16T09:00:00+08:00", "photo_time": "2026-11-16T08:55:00"}
    first = client.post("/api/v1/dust-uploads/", {**data, "photo": photo(2)}, HTTP_IDEMPOTENCY_KEY="api-key-0001")
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/dust-uploads/", {**data, "photo": photo(2)}, HTTP_IDEMPOTENCY_KEY="api-key-0001")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert DustUpload.objects.count() == 1


def test_the_api_refuses_a_non_image_in_chinese(client, world, site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.staff)
    response = client.post("/api/v1/dust-uploads/", {
        "code": site.token, "uploaded_at": "2026-11-16T09:00:00+08:00",
        "photo": SimpleUploadedFile("a.jpg", b"not an image" * 30)}, HTTP_IDEMPOTENCY_KEY="api-key-0002")
    assert response.status_code == 400
    assert "a.jpg" in response.content.decode() and DustUpload.objects.count() == 0


def test_another_enterprises_user_gets_404_page_and_api(client, world, site):
    from tests.enterprises.factories import make_enterprise_user

    outsider = make_enterprise_user(world.e_luoyang, "principal", username="outsider")
    client.force_login(outsider)
    assert client.get(f"/c/{site.token}/").status_code == 404
    response = client.post("/api/v1/dust-uploads/", {"code": site.token, "uploaded_at": "2026-11-16T09:00:00+08:00",
                                                     "photo": photo(3)}, HTTP_IDEMPOTENCY_KEY="api-key-0003")
    assert response.status_code == 404
    assert client.get(f"/api/v1/dust-sites/{site.pk}/").status_code == 404
    assert client.get("/api/v1/dust-sites/").json()["count"] == 0
    assert DustUpload.objects.count() == 0


def test_the_township_sees_its_own_and_sends_back(client, world, site):
    upload = make_upload(site, world.staff, TODAY)
    client.force_login(world.luoyang_inspector)
    assert client.get(f"/api/v1/dust-uploads/{upload.pk}/").status_code == 404
    response = client.post("/risk/dust/review/", {"action": "send_back", "upload": upload.pk, "reason": "假照片"})
    assert response.status_code == 404
    upload.refresh_from_db()
    assert upload.sent_back_at is None
    client.force_login(world.inspector)
    assert client.get("/risk/dust/review/").status_code == 200
    assert client.post("/risk/dust/review/", {"action": "draw", "n": "1"}).status_code == 302
    response = client.post("/risk/dust/review/", {"action": "send_back", "upload": upload.pk, "reason": "假照片"})
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.sent_back_reason == "假照片"


def test_pages_render(client, world, site):
    client.force_login(world.principal)
    page = client.get("/risk/dust/")
    assert page.status_code == 200 and "抛光车间" in page.content.decode()
    assert client.post("/risk/dust/", {"name": "喷粉房"}).status_code == 302
    assert DustSite.objects.filter(name="喷粉房").exists()
    codes = client.get("/risk/dust/codes/")
    assert codes.status_code == 200 and "data:image/png" in codes.content.decode()
    assert client.post("/risk/dust/duty/", {"starts_on": "2026-10-01", "ends_on": "2026-10-07", "person": "王值班",
                                            "phone": "13800000000"}).status_code == 302
    assert client.get("/risk/dust/duty/").status_code == 200
    page = client.get(f"/enterprises/{world.e_hutang.pk}/")
    assert page.status_code == 200 and 'id="dust-today"' in page.content.decode()


def test_staff_cannot_register_sites(client, world):
    client.force_login(world.staff)
    client.post("/risk/dust/", {"name": "喷粉房"})
    assert not DustSite.objects.exists()


def test_todos(world, site):
    from django.utils.translation import gettext as _

    labels = {str(t.label): t.count for t in todos_for(world.staff)}
    assert labels[_("Dust sites without today's cleaning photo")] == 1
    dust_escalate(day=TODAY - datetime.timedelta(days=1))
    assert DustEscalation.objects.filter(step=7).exists()
    labels = {str(t.label): t.count for t in todos_for(world.inspector)}
    assert labels[_("Dust sites to verify on site (7 days without a photo)")] == 1


def test_verifications_page_closes_with_a_finding(client, world, site):
    dust_escalate(day=TODAY - datetime.timedelta(days=1))
    verify = DustEscalation.objects.get(step=7)
    client.force_login(world.inspector)
    assert client.get("/risk/dust/verifications/").status_code == 200
    assert client.post("/risk/dust/verifications/", {"escalation": verify.pk, "finding": "现场已整改"}).status_code == 302
    verify.refresh_from_db()
    assert verify.finding == "现场已整改"
