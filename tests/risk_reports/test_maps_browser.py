"""An enterprise's principal uploads a floor plan and places a risk point on it by clicking on the
plan in Chromium, under the enforced CSP (the ``browser`` fixture fails the test on any violation);
then moves it with "Pick on the plan"."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from risk_reports.models import PointPlacement, SitePlan
from tests.risk_reports.factories import make_point
from tests.risk_reports.maps_factories import plan_image

from tests.test_browser import _login, browser  # noqa: F401  (the watched Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_place_a_point_by_clicking_on_the_plan(browser, live_server, world, tmp_path):  # noqa: F811
    point = make_point(world.e_hutang, level="red", name="抛光工位", area="抛光车间")
    drawing = tmp_path / "plan.png"
    drawing.write_bytes(plan_image(800, 500).read())
    page = browser.new_page(locale="zh-CN")
    _login(page, live_server, "principal")
    page.goto(f"{live_server.url}/risk/maps/")
    page.fill("#plan-site", "一号厂房")
    page.set_input_files("#plan-image", str(drawing))
    page.click("#plan-upload button")
    plan = SitePlan.objects.get()
    svg = page.locator(f"#plan-{plan.pk} svg.plan-svg")
    expect(svg).to_be_visible()
    box = svg.bounding_box()
    svg.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.5})
    x = Decimal(page.input_value(f"#place-x-{plan.pk}"))
    y = Decimal(page.input_value(f"#place-y-{plan.pk}"))
    assert abs(x - Decimal("0.25")) < Decimal("0.01") and abs(y - Decimal("0.5")) < Decimal("0.01")
    page.select_option(f"#place-point-{plan.pk}", str(point.pk))
    page.click(f"#place-{plan.pk} button")
    placement = PointPlacement.objects.get()
    expect(page.locator(f"#mark-{placement.pk}")).to_have_count(1)
    assert placement.point == point and placement.x == x and placement.y == y

    # move it: pick on the plan, click near the right edge, move
    row = page.locator(f"#placement-{placement.pk}")
    row.locator("button.pick").click()
    svg.click(position={"x": box["width"] * 0.9, "y": box["height"] * 0.2})
    row.locator("form.move-form button:not(.pick)").click()
    expect(page.locator(f"#placement-{placement.pk} td.small")).not_to_have_text(f"{placement.x}, {placement.y}")
    placement.refresh_from_db()
    assert abs(placement.x - Decimal("0.9")) < Decimal("0.01") and abs(placement.y - Decimal("0.2")) < Decimal("0.01")
    page.close()
