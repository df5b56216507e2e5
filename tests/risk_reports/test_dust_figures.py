"""The dust-cleaning figures against a hand-counted week with gaps (seed 001 (二)三: key dust sites
and a daily upload rate kept at 100 %), each in a pinned number of queries."""
import datetime

import pytest

from portal.figures import registry
from portal.figures.periods import Period
from risk_reports.models import DustUpload, FlagReason
from risk_reports.services.dust import dust_escalate

from .dust_factories import make_site, make_upload

WEEK = Period(datetime.date(2026, 11, 9), datetime.date(2026, 11, 15))


def d(n):
    return datetime.date(2026, 11, n)


@pytest.fixture
def week(world):
    world.e_luoyang.key_domains.add(*world.e_hutang.key_domains.filter(code="dust"))
    a = make_site(world.e_hutang, "抛光车间", created_on=d(1))
    b = make_site(world.e_hutang, "喷粉房", created_on=d(12))
    c = make_site(world.e_luoyang, "磨粉间", created_on=d(1))
    for n in (9, 10, 11, 13, 14, 15):
        make_upload(a, world.staff, d(n))
    make_upload(a, world.staff, d(12), sent_back=True)  # sent back: day 12 of A is missing
    DustUpload.objects.filter(site=a, day=d(13)).update(flagged=True, flag_reason=FlagReason.REPEAT)
    for n in (12, 13):
        make_upload(b, world.staff, d(n))
    for n in (9, 10):
        make_upload(c, world.staff, d(n))
    c.retired_on = d(14)
    c.save()
    for n in range(9, 16):
        dust_escalate(day=d(n))
    return world


def values(name, region):
    return registry.get(name)(region, WEEK)


def test_sites_and_the_upload_rate(week, django_assert_num_queries):
    hutang, luoyang = week.hutang.path, week.luoyang.path
    with django_assert_num_queries(1):
        sites = values("risk.dust_sites", week.wujin)
    # C retired on the 14th: not a site at the week's end
    assert (sites[hutang], sites[luoyang]) == (2, 0)
    with django_assert_num_queries(2):
        rate = values("risk.dust_upload_rate", week.wujin)
    # 湖塘: A 7 site-days, 6 photos (the 12th sent back); B from the 12th: 4 site-days, 2 photos -> 8 / 11 = 72.73 %
    assert (rate[hutang].numerator, rate[hutang].denominator, rate[hutang].value) == (8, 11, 72.73)
    # 洛阳: C alive the 9th to the 13th: 5 site-days, 2 photos -> 40 %
    assert (rate[luoyang].numerator, rate[luoyang].denominator, rate[luoyang].value) == (2, 5, 40.0)
    assert all(r.denominator for r in rate.values())  # townships without a site are absent (unranked)


def test_escalations_flagged_and_sent_back(week, django_assert_num_queries):
    hutang, luoyang = week.hutang.path, week.luoyang.path
    with django_assert_num_queries(1):
        one = values("risk.dust_escalations_1", week.wujin)
    three = values("risk.dust_escalations_3", week.wujin)
    seven = values("risk.dust_escalations_7", week.wujin)
    # 湖塘: A missing the 12th (reminder), B missing the 14th and 15th (reminder); no gap of 3
    # 洛阳: C missing the 11th, 12th, 13th (reminder on the 11th, urge on the 13th), retired the 14th
    assert (one[hutang], three[hutang], seven[hutang]) == (2, 0, 0)
    assert (one[luoyang], three[luoyang], seven[luoyang]) == (1, 1, 0)
    assert values("risk.dust_photos_flagged", week.wujin)[hutang] == 1
    assert values("risk.dust_photos_sent_back", week.wujin)[hutang] == 1
    assert values("risk.dust_photos_sent_back", week.wujin)[luoyang] == 0


def test_a_township_groups_by_village(week):
    rate = values("risk.dust_upload_rate", week.hutang)
    # A and B are of 常州湖塘机械有限公司, in 湖塘村
    assert rate[week.village.path].numerator == 8
