"""scan_submit: what a scan writes, its key (replay and conflict), its refusals (nothing written) and the
hazard a failed item raises."""
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from enterprises.models import Enterprise
from inspections.models import Hazard, HazardEvent, HazardSource
from inspections.services.hazards import hazard_report
from portal.attachments.models import Attachment
from portal.rules.services import threshold_create
from portal.submissions.services import KeyReused
from risk_reports.models import ChanganCode, PointHazard, RiskPoint, Scan, ScanCycle
from risk_reports.services.scans import CodeRefused, scan_submit
from tests.enterprises.factories import make_enterprise_user
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db
ITEMS = ["防护装置完好", "警示标志清晰", "作业记录完整"]


def token_of(point):
    return point.codes.get(revoked_at__isnull=True).token


def all_ok(point):
    return [{"item": i, "ok": True, "note": ""} for i in point.check_items]


def counts():
    return (Scan.objects.count(), ScanCycle.objects.count(), Hazard.objects.count(), PointHazard.objects.count(),
            Attachment.objects.count())


def jpeg(name="p.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def new_point(enterprise, **fields):
    return make_point(enterprise, category="dust_collector", check_items=ITEMS, **fields)


@pytest.fixture
def point(world):
    return new_point(world.e_hutang)


def submit(point, by, key="key-0000001", **kwargs):
    kwargs.setdefault("results", all_ok(point))
    kwargs.setdefault("done_at", timezone.now() - datetime.timedelta(minutes=3))
    return scan_submit(code_token=kwargs.pop("token", None) or token_of(point), by=by, client_key=key, **kwargs)


def test_a_scan_with_every_item_passed_is_recorded_with_its_cycle(world, point):
    done = submit(point, world.principal, results=list(reversed(all_ok(point))))  # any order is taken
    scan = Scan.objects.get(pk=done.scan_id)
    assert (done.point_id, done.failed, done.hazards, done.replayed) == (point.pk, 0, [], False)
    assert [r["item"] for r in scan.results] == ITEMS  # stored in the point's order
    assert scan.by_principal and scan.enterprise_id == world.e_hutang.pk and scan.township_id == world.hutang.pk
    assert scan.done_on == datetime.date(2026, 11, 16) and scan.cycle_start == datetime.date(2026, 11, 16)
    assert ScanCycle.objects.filter(point=point).count() == 1
    # scans are records in their own right, not audit trail entries
    from auditlog.models import LogEntry
    assert not LogEntry.objects.filter(content_type__model="scan").exists()


def test_a_failed_item_raises_a_scan_hazard_linked_to_the_point_even_for_staff(world, point):
    results = all_ok(point)
    results[1] = {"item": ITEMS[1], "ok": False, "note": "  标志褪色  "}
    done = submit(point, world.staff, results=results)  # staff scan but do not hold report_hazard
    hazard = Hazard.objects.get()
    assert done.hazards == [hazard.pk] and done.failed == 1
    assert hazard.source == HazardSource.SCAN and hazard.enterprise_id == world.e_hutang.pk
    assert "警示标志清晰" in hazard.description and "标志褪色" in hazard.description
    assert hazard.found_on == datetime.date(2026, 11, 16) and hazard.deadline == datetime.date(2026, 11, 23)
    link = PointHazard.objects.get()
    assert (link.point_id, link.hazard_id, link.scan_id, link.item) == (point.pk, hazard.pk, done.scan_id, ITEMS[1])
    assert Scan.objects.get().results[1] == {"item": ITEMS[1], "ok": False, "note": "标志褪色"}
    assert not Scan.objects.get().by_principal
    assert HazardEvent.objects.filter(hazard=hazard, action="report").count() == 1


def test_the_scan_hazards_deadline_is_the_townships_threshold(world, point):
    # the bureau gives 湖塘镇 three days from 1 November: found 16 November -> due 19 November
    threshold_create(name="risk.scan_hazard_deadline_days", region=world.hutang, value=3,
                     effective_from=datetime.date(2026, 11, 1), by=world.bureau)
    results = all_ok(point)
    results[0] = {"item": ITEMS[0], "ok": False, "note": "护罩缺失"}
    submit(point, world.staff, results=results)
    assert Hazard.objects.get().deadline == datetime.date(2026, 11, 19)

def test_hazard_report_scan_source_needs_scan_and_other_sources_still_need_report_hazard(world):
    args = dict(enterprise=world.e_hutang, description="x", found_on=datetime.date(2026, 11, 16),
                deadline=datetime.date(2026, 11, 20))
    assert hazard_report(by=world.staff, source=HazardSource.SCAN, **args).source == "scan"
    with pytest.raises(PermissionDenied):
        hazard_report(by=world.staff, source=HazardSource.SELF_CHECK, **args)
    with pytest.raises(PermissionDenied):  # inspectors do not scan an enterprise's points
        hazard_report(by=world.inspector, source=HazardSource.SCAN, **args)
    assert hazard_report(by=world.principal, source=HazardSource.SELF_CHECK, **args).source == "self_check"


def test_the_same_key_and_payload_returns_the_first_result_and_writes_nothing(world, point):
    results = all_ok(point)
    results[0]["ok"], results[0]["note"] = False, "护栏缺失"
    done_at = timezone.now() - datetime.timedelta(hours=2)
    first = submit(point, world.staff, results=results, done_at=done_at)
    before = counts()
    again = submit(point, world.staff, results=results, done_at=done_at)
    assert counts() == before
    assert again.replayed and again.body() == first.body() and again.hazards == first.hazards


@pytest.mark.parametrize("change", ["payload", "user"])
def test_the_key_with_another_payload_or_user_is_a_conflict(world, point, change):
    submit(point, world.staff)
    before = counts()
    with pytest.raises(KeyReused) as refused:
        if change == "payload":
            submit(point, world.staff, done_at=timezone.now() - datetime.timedelta(minutes=1))
        else:
            submit(point, world.principal)
    assert "已" in refused.value.message  # Chinese
    assert counts() == before


def _refusals(world, point):
    other = new_point(world.e_luoyang)
    retired = new_point(world.e_hutang, name="已撤销的点")
    RiskPoint.objects.filter(pk=retired.pk).update(retired_on=datetime.date(2026, 11, 16))  # retired today
    revoked = new_point(world.e_hutang, name="换码的点")
    revoked_token = token_of(revoked)
    ChanganCode.objects.filter(token=revoked_token).update(revoked_at=timezone.now())
    gone = new_point(world.e_hutang2, name="注销企业的点")
    Enterprise.objects.filter(pk=world.e_hutang2.pk).update(status="deregistered")
    return {"forged": "x" * 32, "revoked": revoked_token, "foreign": token_of(other), "retired": token_of(retired),
            "deregistered": token_of(gone)}


def test_every_refused_code_gets_the_same_message_and_writes_nothing(world, point):
    # a principal of the deregistered enterprise: their own point still opens nothing
    gone_principal = make_enterprise_user(world.e_hutang2, "principal")
    messages = set()
    for case, token in _refusals(world, point).items():
        user = gone_principal if case == "deregistered" else world.staff
        before = counts()
        with pytest.raises(CodeRefused) as refused:
            submit(point, user, token=token, key=f"key-{case}-1", results=[])
        messages.add(refused.value.message)
        assert counts() == before, case
    assert len(messages) == 1 and "此码" in messages.pop()


def test_an_inspector_does_not_scan(world, point):
    with pytest.raises(PermissionDenied):
        submit(point, world.inspector)
    assert Scan.objects.count() == 0


@pytest.mark.parametrize("results, expected", [
    (lambda p: all_ok(p)[:2], "未作答"),                                          # an item missing
    (lambda p: all_ok(p) + [{"item": ITEMS[0], "ok": True}], "重复"),            # answered twice
    (lambda p: all_ok(p)[:2] + [{"item": "别的项", "ok": True}], "别的项"),       # not an item of the point
    (lambda p: [{**r, "ok": "yes"} for r in all_ok(p)], "合格"),                 # ok not true/false
    (lambda p: [{**r, "ok": False} for r in all_ok(p)], "说明"),                 # failed without a note
    (lambda p: [{**r, "ok": False, "note": "长" * 201} for r in all_ok(p)], "200"),  # note too long
])
def test_results_must_match_the_points_items(world, point, results, expected):
    with pytest.raises(ValidationError) as refused:
        submit(point, world.staff, results=results(point))
    assert expected in " ".join(refused.value.message_dict["results"])
    assert counts() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("done_at, expected", [
    (datetime.timedelta(minutes=6), "未来"),     # 6 min ahead: past the 5 min slack
    (-datetime.timedelta(days=31), "30"),       # older than 30 days
])
def test_the_check_time_is_neither_future_nor_stale(world, point, done_at, expected):
    with pytest.raises(ValidationError) as refused:
        submit(point, world.staff, done_at=timezone.now() + done_at)
    assert expected in refused.value.message_dict["done_at"][0]
    submit(point, world.staff, key="key-slack-ok", done_at=timezone.now() + datetime.timedelta(minutes=4))


def test_photos_are_kept_with_the_time_the_browser_read(world, point):
    done = submit(point, world.staff, photos=[jpeg("a.jpg"), jpeg("b.jpg")],
                  photo_times=["2026-11-16T09:55:12", ""])
    a, b = Attachment.objects.order_by("original_name")
    assert a.object_id == done.scan_id and Scan.objects.get().photos == 2
    # EXIF wall time is Shanghai's: 09:55:12 +08:00
    assert a.taken_at == datetime.datetime(2026, 11, 16, 1, 55, 12, tzinfo=datetime.timezone.utc)
    assert b.taken_at is None


@pytest.mark.parametrize("photo, expected", [
    (lambda: SimpleUploadedFile("scan.jpg", b"MZ\x90\x00 not a photo" * 10, content_type="image/jpeg"), "照片"),
    (lambda: SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (10 * 1024 * 1024 + 1)), "MB"),
])
def test_a_renamed_non_image_or_a_photo_over_the_limit_writes_nothing(world, point, photo, expected):
    results = all_ok(point)
    results[0]["ok"], results[0]["note"] = False, "护栏缺失"  # the hazard would be raised too: rolled back
    with pytest.raises(ValidationError) as refused:
        submit(point, world.staff, results=results, photos=[jpeg(), photo()])
    assert expected in " ".join(refused.value.messages)
    assert counts() == (0, 0, 0, 0, 0)
