"""POST /api/v1/scans/: the scan submit over the API (token and session auth), its key, its refusals
(404 with one message and an unchanged database, 409, 400 in the API's error shape) and its query
budget; the scoped list and detail."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inspections.models import Hazard
from portal.attachments.models import Attachment
from risk_reports.models import ChanganCode, PointHazard, Scan, ScanCycle
from tests.api_errors import refusal
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db
URL = "/api/v1/scans/"
EIGHT = [f"检查项{i}" for i in range(1, 9)]


def client_for(user, token=False):
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    else:
        client.force_authenticate(user)
    return client


def body(point, *, failed=None, minutes_ago=2):
    results = [{"item": i, "ok": i != failed, "note": "损坏" if i == failed else ""} for i in point.check_items]
    done_at = (timezone.now() - datetime.timedelta(minutes=minutes_ago)).isoformat()
    return {"code": point.codes.get(revoked_at__isnull=True).token, "done_at": done_at, "results": results}


def counts():
    return (Scan.objects.count(), ScanCycle.objects.count(), Hazard.objects.count(), PointHazard.objects.count(),
            Attachment.objects.count())


@pytest.fixture
def point(world):
    return make_point(world.e_hutang, category="dust_collector", check_items=EIGHT)


def test_a_submit_and_its_replay(world, point):
    client = client_for(world.staff, token=True)
    sent = body(point, failed="检查项3")
    first = client.post(URL, sent, format="json", HTTP_IDEMPOTENCY_KEY="scan-key-0001")
    assert first.status_code == 201, first.content
    hazard = Hazard.objects.get()
    assert first.json() == {"id": Scan.objects.get().pk, "point": point.pk, "failed": 1, "hazards": [hazard.pk]}
    assert hazard.source == "scan" and "Idempotent-Replayed" not in first.headers
    before = counts()
    again = client.post(URL, sent, format="json", HTTP_IDEMPOTENCY_KEY="scan-key-0001")
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true" and counts() == before


def test_the_key_with_another_payload_or_by_another_user_is_a_409(world, point):
    sent = body(point)
    assert client_for(world.staff).post(URL, sent, format="json", HTTP_IDEMPOTENCY_KEY="scan-key-0002").status_code == 201
    before = counts()
    other = dict(sent, done_at=(timezone.now() - datetime.timedelta(minutes=9)).isoformat())
    conflict = refusal(client_for(world.staff).post(URL, other, format="json", HTTP_IDEMPOTENCY_KEY="scan-key-0002"), 409)
    assert conflict["code"] == "conflict" and "提交" in conflict["detail"]
    stolen = refusal(client_for(world.principal).post(URL, sent, format="json", HTTP_IDEMPOTENCY_KEY="scan-key-0002"),
                     409)
    assert "id" not in stolen and counts() == before


def test_refused_codes_are_one_404_and_change_nothing(world, point):
    from enterprises.models import Enterprise
    foreign = make_point(world.e_luoyang, category="dust_collector")
    gone = make_point(world.e_hutang2, category="dust_collector")
    Enterprise.objects.filter(pk=world.e_hutang2.pk).update(status="deregistered")
    revoked = body(point)
    ChanganCode.objects.filter(point=point).update(revoked_at=timezone.now())
    cases = {"forged": dict(body(foreign), code="f" * 32), "revoked": revoked, "foreign": body(foreign),
             "deregistered": body(gone)}
    details = set()
    for n, (case, sent) in enumerate(cases.items()):
        before = counts()
        answer = refusal(client_for(world.staff).post(URL, sent, format="json", HTTP_IDEMPOTENCY_KEY=f"refused-{n:04}"),
                         404)
        assert answer["code"] == "not_found" and counts() == before, case
        assert "检查项" not in answer["detail"] and "车间" not in answer["detail"]  # nothing of the point
        details.add(answer["detail"])
    assert len(details) == 1


def test_bad_input_is_a_400_in_the_error_shape(world, point):
    client = client_for(world.staff)
    sent = body(point)
    sent["results"] = sent["results"][:7]
    answer = refusal(client.post(URL, sent, format="json", HTTP_IDEMPOTENCY_KEY="bad-00001"), 400)
    assert "检查项8" in " ".join(answer["fields"]["results"])
    answer = refusal(client.post(URL, body(point), format="json"), 400)  # no key
    assert "client_key" in answer["fields"]
    answer = refusal(client.post(URL, dict(body(point), done_at="yesterday"), format="json",
                                 HTTP_IDEMPOTENCY_KEY="bad-00002"), 400)
    assert "done_at" in answer["fields"]
    assert counts() == (0, 0, 0, 0, 0)


def test_not_signed_in_and_not_allowed(world, point):
    answer = refusal(APIClient().post(URL, body(point), format="json", HTTP_IDEMPOTENCY_KEY="anon-0001"), 403)
    assert answer["code"] == "not_authenticated"  # the outbox asks the user to sign in on this code
    answer = refusal(client_for(world.inspector).post(URL, body(point), format="json",
                                                      HTTP_IDEMPOTENCY_KEY="insp-0001"), 403)
    assert answer["code"] == "permission_denied"
    assert counts() == (0, 0, 0, 0, 0)


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_multipart_with_photos_and_their_times(world, point):
    import json
    sent = body(point)
    form = {"code": sent["code"], "done_at": sent["done_at"], "results": json.dumps(sent["results"]),
            "photos[]": [_jpeg(), _jpeg()], "photo_times[]": ["2026-11-16T09:50:00", "2026:11:16 09:51:00"]}
    answer = client_for(world.staff).post(URL, form, format="multipart", HTTP_IDEMPOTENCY_KEY="multi-0001")
    assert answer.status_code == 201, answer.content
    first, second = Attachment.objects.order_by("pk")
    assert first.taken_at == datetime.datetime(2026, 11, 16, 1, 50, tzinfo=datetime.timezone.utc)
    assert second.taken_at is None  # not an ISO time: dropped, the photo kept
    assert Scan.objects.get().photos == 2


def test_a_renamed_non_image_is_refused_in_chinese_and_writes_nothing(world, point):
    import json
    sent = body(point, failed="检查项1")
    form = {"code": sent["code"], "done_at": sent["done_at"], "results": json.dumps(sent["results"]),
            "photos": [SimpleUploadedFile("photo.jpg", b"%!PS-Adobe not a photo" * 20)]}
    answer = refusal(client_for(world.staff).post(URL, form, format="multipart", HTTP_IDEMPOTENCY_KEY="multi-0002"))
    assert "照片" in answer["detail"] + " ".join(sum(answer["fields"].values(), []))
    assert counts() == (0, 0, 0, 0, 0)


def test_a_submit_of_eight_items_costs_at_most_eight_queries(world, point, django_assert_max_num_queries):
    """The issue's budget (issue 9 "Speed"): token auth, 8 items, no failure, no photo, a fresh key."""
    client = client_for(world.staff, token=True)
    sent = body(point)
    world.staff.refresh_from_db()
    with CaptureQueriesContext(connection) as seen, django_assert_max_num_queries(8):
        answer = client.post(URL, sent, format="json", HTTP_IDEMPOTENCY_KEY="budget-0001")
        # 1. the token with its user (DRF's TokenAuthentication)
        # 2. the key's first use? (Scan by client_key: a replay answers from here)
        # 3. SAVEPOINT (the test's transaction; BEGIN in production is not a query)
        # 4. the user's membership (scope: the enterprise, the position, principal or not)
        # 5. the live code with its point and enterprise, within the user's scope
        # 6. INSERT the scan
        # 7. WITH: INSERT its cycle, ignoring a conflict, and add a new one to its month's roll-up
        # 8. RELEASE SAVEPOINT (COMMIT in production)
    assert answer.status_code == 201, answer.content
    sql = [q["sql"].split(" ", 2)[:2] for q in seen.captured_queries]
    assert [s[0] for s in sql] == ["SELECT", "SELECT", "SAVEPOINT", "SELECT", "SELECT", "INSERT", "WITH", "RELEASE"]


def test_lists_and_details_are_scoped(world, point):
    client_for(world.staff).post(URL, body(point, failed="检查项2"), format="json", HTTP_IDEMPOTENCY_KEY="list-0001")
    scan = Scan.objects.get()
    for user, expected in [(world.staff, 1), (world.inspector, 1), (world.luoyang_inspector, 0), (world.bureau, 1)]:
        listed = client_for(user).get(URL).json()
        assert listed["count"] == expected, user.username
    detail = client_for(world.principal).get(f"{URL}{scan.pk}/").json()
    assert detail["failed"] == 1 and detail["hazards"] == [Hazard.objects.get().pk]
    assert [r["item"] for r in detail["results"]] == EIGHT
    refusal(client_for(world.luoyang_inspector).get(f"{URL}{scan.pk}/"), 404)
    assert client_for(world.staff).get(URL, {"failed": "true"}).json()["count"] == 1
    assert client_for(world.staff).get(URL, {"failed": "false"}).json()["count"] == 0
