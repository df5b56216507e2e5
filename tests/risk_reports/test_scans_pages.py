"""The scan page (/c/<token>/), the scan list and a scan's page: signed out, refused codes (one neutral
404, nothing shown, nothing written), the no-script form through the same service, scope."""
import datetime

import pytest
from django.utils import timezone

from enterprises.models import Enterprise
from inspections.models import Hazard
from risk_reports.models import ChanganCode, Scan
from tests.risk_reports.factories import make_point, make_scan

pytestmark = pytest.mark.django_db
ITEMS = ["护栏完好", "泄爆口朝向安全"]


@pytest.fixture
def point(world):
    return make_point(world.e_hutang, category="dust_collector", name="布袋除尘器", check_items=ITEMS)


def page_of(point):
    return f"/c/{point.codes.get(revoked_at__isnull=True).token}/"


def test_signed_out_goes_to_sign_in_and_back(client, point):
    response = client.get(page_of(point))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/c/")


def test_the_page_shows_the_items_and_wires_the_outbox(client, world, point):
    client.force_login(world.staff)
    response = client.get(page_of(point))
    html = response.content.decode()
    assert response.status_code == 200 and "布袋除尘器" in html and all(i in html for i in ITEMS)
    assert 'data-outbox="scans"' in html and "js/outbox.js" in html and "js/photo.js" in html
    assert "/api/v1/scans/" in html and "合格" in html and "不合格" in html
    assert "private" in response["Cache-Control"]  # opened again from the phone's cache when offline


def test_refused_codes_get_one_neutral_404_page(client, world, point):
    client.force_login(world.staff)
    foreign = make_point(world.e_luoyang, category="dust_collector", name="洛阳的点")
    gone = make_point(world.e_hutang2, category="dust_collector", name="注销的点")
    Enterprise.objects.filter(pk=world.e_hutang2.pk).update(status="deregistered")
    revoked_url = page_of(point)
    ChanganCode.objects.filter(point=point).update(revoked_at=timezone.now())
    pages = set()
    for url in ["/c/" + "z" * 32 + "/", revoked_url, page_of(foreign), page_of(gone)]:
        response = client.get(url)
        assert response.status_code == 404, url
        html = response.content.decode()
        assert "布袋除尘器" not in html and "洛阳" not in html and "注销的点" not in html and "此码" in html
        pages.add(html.split('id="scan-refused"')[1].split("</div>")[0])
        assert client.post(url, {"client_key": "k" * 20, "ok_0": "true", "ok_1": "true"}).status_code == 404
    assert len(pages) == 1 and Scan.objects.count() == 0


def test_an_inspector_may_not_scan(client, world, point):
    client.force_login(world.inspector)
    assert client.get(page_of(point)).status_code == 403


def test_the_form_without_script_records_through_the_same_service(client, world, point):
    client.force_login(world.principal)
    form = {"client_key": "nojs-key-0001", "ok_0": "true", "ok_1": "false", "note_1": "泄爆口朝向通道",
            "opened_at": (timezone.now() - datetime.timedelta(minutes=1)).isoformat()}
    response = client.post(page_of(point), form)
    assert response.status_code == 302
    scan = Scan.objects.get()
    assert scan.by_principal and scan.failed == 1 and Hazard.objects.get().source == "scan"
    assert client.post(page_of(point), form).status_code == 302 and Scan.objects.count() == 1  # the replay
    again = client.post(page_of(point), dict(form, note_1="另一说明"))
    assert again.status_code == 409 and Scan.objects.count() == 1
    missing = client.post(page_of(point), {"client_key": "nojs-key-0002", "ok_0": "true"})
    assert missing.status_code == 200 and "泄爆口朝向安全" in missing.content.decode() and Scan.objects.count() == 1


def test_the_list_and_a_scan_page_are_scoped(client, world, point):
    make_scan(point, world.staff, timezone.now() - datetime.timedelta(hours=1), failed=(1,))
    ok = make_scan(point, world.principal, timezone.now() - datetime.timedelta(hours=2))
    failed = Scan.objects.exclude(pk=ok.pk).get()
    client.force_login(world.staff)
    response = client.get("/risk/scans/")
    assert response.status_code == 200 and "扫码自查记录" in response.content.decode()
    assert response.context["page"].paginator.count == 2
    assert client.get("/risk/scans/", {"failed": "true"}).context["page"].paginator.count == 1
    assert client.get("/risk/scans/", {"by_principal": "true"}).context["page"].paginator.count == 1
    assert client.get("/risk/scans/", {"area": "二车间"}).context["page"].paginator.count == 0
    detail = client.get(f"/risk/scans/{failed.pk}/")
    assert detail.status_code == 200 and "泄爆口朝向安全" in detail.content.decode()
    client.force_login(world.luoyang_inspector)
    assert client.get("/risk/scans/").context["page"].paginator.count == 0
    assert client.get(f"/risk/scans/{failed.pk}/").status_code == 404
    client.force_login(world.inspector)
    assert client.get("/risk/scans/", {"q": "湖塘机械"}).context["page"].paginator.count == 2
    client.force_login(world.auditor)
    assert client.get("/risk/scans/").status_code == 403


def test_the_menu_has_the_scan_list_for_view_risk(client, world):
    client.force_login(world.staff)
    assert "/risk/scans/" in client.get("/").content.decode()
