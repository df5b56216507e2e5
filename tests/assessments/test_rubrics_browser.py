"""Issue 12 item 1 in real headless Chromium, on a phone, on the real clock: the township inspector
opens the monthly enterprise scoring from the menu, scores an enterprise item by item — one item
above its points is refused with the Chinese message and nothing is saved, one item under its points
with a photo as evidence — submits, sees the total, and a total under the pass mark (60) shows the
enterprise flagged to start its rectification over, on the score and on the month's list.
Debian's /usr/bin/chromium through Playwright; it never skips."""
import io
import os
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from portal.assessments.models import Score, ScoreItem
from portal.attachments.models import Attachment
from portal.figures.periods import MONTH, Period
from tests.test_browser import _login, browser  # noqa: F401  (the Chromium fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True, "has_touch": True}

# the shipped enterprise form (migration 0005): items 1-12 worth 10 5 10 5 5 5 15 15 5 5 5 15 = 100;
# the points given add up to 3 + 5 + 8 + 5 + 5 + 5 + 6.5 + 5 + 5 + 5 + 3 + 0 = 55.5, under 60
GIVEN = {1: "3", 2: "5", 3: "8", 4: "5", 5: "5", 6: "5", 7: "6.5", 8: "5", 9: "5", 10: "5", 11: "3", 12: "0"}


def _jpeg(tmp_path):
    path = tmp_path / "plan.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (160, 120), (40, 90, 160)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _fill(page, points):
    for number, value in points.items():
        page.fill(f'input[name="points-{number}"]', value)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_township_scores_an_enterprise_on_its_phone(browser, live_server, world, tmp_path):  # noqa: F811
    month = Period.containing(timezone.localdate(), MONTH)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    _login(page, live_server, "hutang")

    # the menu, folded on a phone: 两评估 → 企业评估
    page.click(".navbar-toggler")
    page.click("#nav-rubrics")
    page.locator("#mainnav").get_by_role("link", name="企业评估").click()
    expect(page).to_have_url(re.compile(r"/assessments/scoring/enterprises/$"))
    expect(page.locator("h1")).to_contain_text(month.label)
    listing = page.locator("#enterprise-scoring")
    expect(listing).to_contain_text("常州湖塘纺织有限公司")
    expect(listing).not_to_contain_text("常州洛阳冶金有限公司")  # another township's
    expect(page.locator("#flagged-enterprises")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 391

    listing.locator("a", has_text="常州湖塘机械有限公司").click()
    expect(page).to_have_url(re.compile(rf"/assessments/scoring/enterprises/{world.e_hutang.pk}/\?period={month}$"))
    expect(page.locator("#score-form .card")).to_have_count(12)
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    # the month picker: last month's score and back again (no inline handler under the CSP)
    page.select_option("#score-period select", str(month.previous()))
    page.locator("#score-period button").click()
    expect(page).to_have_url(re.compile(rf"period={month.previous()}$"))
    expect(page.locator("h1")).to_contain_text(month.previous().label)
    page.select_option("#score-period select", str(month))
    page.locator("#score-period button").click()
    expect(page.locator("h1")).to_contain_text(month.label)

    # item 1 is worth 10 points: 12 is refused with the reason, on its card, and nothing is saved
    _fill(page, {**GIVEN, 1: "12"})
    page.set_input_files('input[name="evidence-1"]', _jpeg(tmp_path))
    page.get_by_role("button", name="保存评分").click()
    card = page.locator("#score-form .card.border-danger")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("第1项：得分12超过该项分值10.0分")
    expect(page.locator('input[name="points-1"]')).to_have_value("12")  # what was typed stays
    expect(page.locator('input[name="points-7"]')).to_have_value("6.5")
    assert not Score.objects.exists() and not Attachment.objects.exists()

    # under its points, with the photo of the plan as evidence: scored, 55.5 in all
    _fill(page, {1: GIVEN[1]})
    page.set_input_files('input[name="evidence-1"]', _jpeg(tmp_path))
    page.get_by_role("button", name="保存评分").click()
    score = Score.objects.get()
    expect(page).to_have_url(re.compile(rf"/assessments/scores/{score.pk}/$"))
    expect(page.locator(".alert-success")).to_contain_text("已评分：55.5分")
    total = page.locator("#score-total")
    expect(total).to_contain_text("55.5")
    expect(total).to_contain_text("低于及格分：专项整治推倒重来")
    expect(page.get_by_role("link", name="plan.jpg")).to_have_count(1)
    expect(page.locator("main table")).not_to_contain_text("风险点")  # an item's points, not a risk's
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    assert (score.kind, score.enterprise_id, score.period, score.total, score.flagged) == (
        "enterprise", world.e_hutang.pk, str(month), Decimal("55.5"), True)
    assert score.scored_by_id == world.inspector.pk
    assert ScoreItem.objects.get(score=score, item__number=1).points == 3
    assert Attachment.objects.count() == 1

    # the month's list: the enterprise flagged at the top, its badge red with the total
    page.goto(f"{live_server.url}/assessments/scoring/enterprises/")
    expect(page.locator("#flagged-enterprises")).to_contain_text("常州湖塘机械有限公司")
    badge = listing.locator("a", has_text="常州湖塘机械有限公司").locator(".badge")
    expect(badge).to_have_text("55.5")
    expect(badge).to_have_class(re.compile("text-bg-danger"))
    expect(listing.locator("a", has_text="常州湖塘纺织有限公司").locator(".badge")).to_have_text("待评分")
    context.close()
