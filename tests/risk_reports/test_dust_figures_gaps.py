"""The dust figures on a hand-counted fortnight with a long gap (issue 11 item 5, beside the week of
test_dust_figures.py, where no gap reaches day 7): every escalation step counted in the period it was
sent, and a period not yet over counted up to today (the pinned clock: 16 November 2026).

湖塘机械's 抛光车间, registered 1 November, uploads the 1st–3rd, nothing the 4th–11th (a gap of 8 days:
reminder the 4th, urge the 6th, verification the 10th), then the 12th–15th; nothing yet on the 16th."""
import datetime

import pytest

from portal.figures import registry
from portal.figures.periods import Period
from risk_reports.services.dust import dust_escalate

from .dust_factories import make_site, make_upload


def d(n):
    return datetime.date(2026, 11, n)


@pytest.fixture
def fortnight(world):
    site = make_site(world.e_hutang, "抛光车间", created_on=d(1))
    for n in (1, 2, 3, 12, 13, 14, 15):
        make_upload(site, world.staff, d(n))
    for n in range(1, 16):
        dust_escalate(day=d(n))
    return world


def _figures(world, first, last):
    period = Period(d(first), d(last))
    out = {name: registry.get(name)(world.wujin, period).get(world.hutang.path) for name in (
        "risk.dust_escalations_1", "risk.dust_escalations_3", "risk.dust_escalations_7")}
    rate = registry.get("risk.dust_upload_rate")(world.wujin, period)[world.hutang.path]
    return [out["risk.dust_escalations_1"], out["risk.dust_escalations_3"], out["risk.dust_escalations_7"],
            rate.numerator, rate.denominator, rate.value]


@pytest.mark.django_db
def test_every_step_of_a_long_gap_and_a_period_counted_to_today(fortnight):
    # 1st–15th: one of each step; 7 photos of 15 site-days = 46.67 %
    assert _figures(fortnight, 1, 15) == [1, 1, 1, 7, 15, 46.67]
    # 9th–15th: only the verification (the 10th); photos the 12th–15th: 4 of 7 = 57.14 %
    assert _figures(fortnight, 9, 15) == [0, 0, 1, 4, 7, 57.14]
    # 1st–30th on the 16th: site-days to today, 1st–16th = 16; no photo yet today: 7 / 16 = 43.75 %
    assert _figures(fortnight, 1, 30) == [1, 1, 1, 7, 16, 43.75]
    # the 4th–6th: the reminder and the urge
    assert _figures(fortnight, 4, 6) == [1, 1, 0, 0, 3, 0.0]
