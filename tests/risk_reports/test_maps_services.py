"""The risk map's writes (issue 11 item 3): an enterprise uploads a floor plan per site, replaces and
retires it, places its points, moves and removes them. Bad input — a renamed non-image, a PDF, a file
over the threshold, a point outside the plan, another enterprise's point, someone out of scope —
raises a Chinese message and changes nothing."""
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
import pytest

from portal.attachments.models import Attachment
from portal.rules.services import threshold, threshold_create
from risk_reports.models import PointPlacement, SitePlan
from risk_reports.services.maps import (placement_create, placement_move, placement_remove, plan_limit,
                                        site_plan_replace, site_plan_retire, site_plan_upload, unplaced_points)
from tests.risk_reports.factories import make_point
from tests.risk_reports.maps_factories import make_plan, place, plan_image

pytestmark = pytest.mark.django_db


def cjk(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def state():
    return (sorted(SitePlan.objects.values_list("pk", "site", "image_id", "retired_on")),
            sorted(PointPlacement.objects.values_list("pk", "plan_id", "point_id", "x", "y")),
            Attachment.objects.count())


def test_upload_place_move_remove_replace_retire(world):
    point = make_point(world.e_hutang, level="red", name="抛光机", area="抛光车间")
    plan = site_plan_upload(enterprise=world.e_hutang, by=world.principal, site=" 一号厂房 ",
                            image=plan_image(800, 500))
    assert plan.site == "一号厂房" and (plan.width, plan.height) == (800, 500)
    assert plan.image.is_image and plan.image.mime_type == "image/jpeg"  # re-encoded
    assert plan.uploaded_by == world.principal
    placement = placement_create(plan=plan, point=point, x="0.25", y=0.75, by=world.principal)
    assert (placement.x, placement.y) == (Decimal("0.2500"), Decimal("0.7500"))
    assert list(unplaced_points(plan)) == []
    placement_move(placement=placement, x="0.1", y="0.2", by=world.principal)
    placement.refresh_from_db()
    assert (placement.x, placement.y) == (Decimal("0.1000"), Decimal("0.2000"))
    # a redrawn plan of the same site keeps the points where they were
    first_image = plan.image_id
    site_plan_replace(plan=plan, by=world.principal, image=plan_image(1000, 400, name="新平面图.jpg", fmt="JPEG"))
    plan.refresh_from_db()
    assert plan.image_id != first_image and (plan.width, plan.height) == (1000, 400)
    assert PointPlacement.objects.get().x == Decimal("0.1000")
    placement_remove(placement=placement, by=world.principal)
    assert PointPlacement.objects.count() == 0 and list(unplaced_points(plan)) == [point]
    site_plan_retire(plan=plan, by=world.principal)
    plan.refresh_from_db()
    assert plan.retired_on is not None
    # the site may have a new plan once the old one is retired
    assert make_plan(world.e_hutang, world.principal).site == "一号厂房"


def test_the_size_limit_is_a_threshold(world):
    # shipped by the data migration: 5 MB
    assert threshold("risk.floor_plan_max_mb", region=world.hutang) == Decimal("5")
    assert plan_limit(world.e_hutang) == 5 * 1024 * 1024


def test_a_point_stands_on_one_live_plan(world):
    point = make_point(world.e_hutang, name="空压机")
    first = make_plan(world.e_hutang, site="一号厂房")
    second = make_plan(world.e_hutang, site="二号厂房")
    place(first, point)
    before = state()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        place(second, point)
    assert "空压机" in exc.value.messages[0] and "一号厂房" in exc.value.messages[0]
    assert state() == before
    site_plan_retire(plan=first, by=None)
    assert place(second, point).plan == second


# -- bad input: a clear Chinese message, nothing changed -------------------------------------------------------------
def _refused(call, *needles):
    before = state()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        call()
    text = " ".join(exc.value.messages)
    for needle in needles:
        assert needle in text
    assert cjk(text.replace("平面图", "").replace("厂房", ""))
    assert state() == before
    return text


def test_a_renamed_non_image_is_refused(world):
    fake = SimpleUploadedFile("平面图.png", b"MZ\x90\x00 this is a program" * 30, content_type="image/png")
    _refused(lambda: site_plan_upload(enterprise=world.e_hutang, by=world.principal, site="一号厂房", image=fake),
             "平面图.png", "JPEG")


def test_a_pdf_is_no_floor_plan(world):
    pdf = SimpleUploadedFile("平面图.jpg", b"%PDF-1.7\n" + b"0" * 200, content_type="image/jpeg")
    _refused(lambda: site_plan_upload(enterprise=world.e_hutang, by=world.principal, site="一号厂房", image=pdf),
             "平面图.jpg", "PDF")


def test_a_plan_over_the_limit_is_refused(world):
    threshold_create(name="risk.floor_plan_max_mb", region=None, value=Decimal("0.01"),
                     effective_from=datetime.date(2026, 1, 1), source="test")
    big = plan_image(100, 100, noise=True)  # a PNG of ~30 KB > 0.01 MB (10.24 KB)
    assert big.size > 0.01 * 1024 * 1024
    _refused(lambda: site_plan_upload(enterprise=world.e_hutang, by=world.principal, site="一号厂房", image=big),
             "0.01 MB")
    plan = make_plan(world.e_hutang, world.principal, width=60, height=40)
    _refused(lambda: site_plan_replace(plan=plan, by=world.principal, image=plan_image(100, 100, noise=True)),
             "0.01 MB")


@pytest.mark.parametrize("x, y", [("1.2", "0.5"), ("0.5", "-0.1"), ("abc", "0.5"), ("NaN", "0.5"), ("", "")])
def test_a_point_outside_the_plan(world, x, y):
    point = make_point(world.e_hutang, name="行车")
    plan = make_plan(world.e_hutang)
    _refused(lambda: place(plan, point, x=x, y=y, by=world.principal))
    placement = place(plan, point)
    _refused(lambda: placement_move(placement=placement, x=x, y=y, by=world.principal))


def test_another_enterprises_point(world):
    theirs = make_point(world.e_hutang2, name="染缸")
    plan = make_plan(world.e_hutang)
    _refused(lambda: place(plan, theirs, by=world.principal))


def test_a_site_with_a_plan_and_a_nameless_site(world):
    make_plan(world.e_hutang, site="一号厂房")
    _refused(lambda: make_plan(world.e_hutang, world.principal, site="一号厂房"), "一号厂房")
    _refused(lambda: make_plan(world.e_hutang, world.principal, site="  "))


def test_a_retired_plan_no_longer_changes(world):
    point = make_point(world.e_hutang, name="行车")
    plan = make_plan(world.e_hutang)
    placement = place(plan, point)
    site_plan_retire(plan=plan, by=world.principal)
    _refused(lambda: placement_move(placement=placement, x="0.1", y="0.1", by=world.principal))
    _refused(lambda: placement_remove(placement=placement, by=world.principal))
    _refused(lambda: site_plan_replace(plan=plan, by=world.principal, image=plan_image()))
    _refused(lambda: site_plan_retire(plan=plan, by=world.principal))


@pytest.mark.parametrize("who", ["inspector", "luoyang_inspector", "staff", "bureau", "grid_member"])
def test_only_the_enterprises_managers_change_its_map(world, who):
    point = make_point(world.e_hutang, name="行车")
    plan = make_plan(world.e_hutang)
    placement = place(plan, point)
    user = getattr(world, who)
    before = state()
    for call in (lambda: site_plan_upload(enterprise=world.e_hutang, by=user, site="二号厂房",
                                          image=plan_image()),
                 lambda: site_plan_replace(plan=plan, by=user, image=plan_image()),
                 lambda: site_plan_retire(plan=plan, by=user),
                 lambda: placement_move(placement=placement, x="0.1", y="0.1", by=user),
                 lambda: placement_remove(placement=placement, by=user)):
        with pytest.raises(PermissionDenied):
            call()
    assert state() == before


def test_another_enterprises_manager_is_refused(world):
    from tests.enterprises.factories import make_enterprise_user

    other = make_enterprise_user(world.e_hutang2, "principal", username="other")
    plan = make_plan(world.e_hutang)
    before = state()
    with pytest.raises(PermissionDenied):
        site_plan_upload(enterprise=world.e_hutang, by=other, site="二号厂房", image=plan_image())
    with pytest.raises(PermissionDenied):
        place(plan, make_point(world.e_hutang, name="行车"), by=other)
    assert state()[0] == before[0] and PointPlacement.objects.count() == 0


def test_a_pdf_is_no_dust_photo_either(world):
    """The shared image check (services.images) refuses a PDF for a dust site's photo too: it used to
    be stored and then fail at the photo's hash."""
    from risk_reports.models import DustUpload
    from tests.risk_reports.dust_factories import make_site
    from tests.risk_reports.test_dust_upload import submit

    site = make_site(world.e_hutang, "抛光间")
    pdf = SimpleUploadedFile("清扫.jpg", b"%PDF-1.7\n" + b"0" * 300, content_type="image/jpeg")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        submit(site, world.staff, pdf)
    assert "清扫.jpg" in " ".join(exc.value.messages) and "PDF" in " ".join(exc.value.messages)
    assert DustUpload.objects.count() == 0 and Attachment.objects.count() == 0
