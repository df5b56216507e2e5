"""The notices' world: the hand-built city of tests/risk_reports/test_figures_city.py (测试市: 甲区 with
甲一镇, 甲二镇, 甲三镇; 乙区 with 乙一镇, 乙二镇) frozen for 2026 Q3, and the people a notice reaches
or does not."""
import datetime

import pytest

from grid.models import Region
from portal.assessments import services as snapshots
from tests.enterprises.factories import make_enterprise_user
from tests.factories import GridCellFactory, RegionFactory, UserFactory
from tests.risk_reports.test_figures_city import Q3, city  # noqa: F401  (the hand-built city)

TODAY = datetime.date(2026, 11, 16)  # the pinned clock's day


@pytest.fixture
def frozen(city, django_capture_on_commit_callbacks):  # noqa: F811
    """The city's 2026 Q3 snapshot, current."""
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = snapshots.snapshot_request(region=city.city, period=Q3, by=None, today=TODAY)
    snapshot.refresh_from_db()
    return snapshot


class People:
    pass


@pytest.fixture
def people(city):  # noqa: F811
    """The city's bureau issues; the districts' bureaus, a township inspector of each district and a
    grid member of 甲一镇 read; an enterprise user, an inactive inspector and another city's bureau
    are nobody's readers."""
    p = People()
    p.city_bureau = UserFactory(username="city_bureau", role="bureau_staff", region=city.city)
    p.a_bureau = UserFactory(username="a_bureau", role="bureau_staff", region=city.a)
    p.b_bureau = UserFactory(username="b_bureau", role="bureau_staff", region=city.b)
    p.a1_inspector = UserFactory(username="a1_inspector", role="township_inspector", region=city.a1)
    p.b2_inspector = UserFactory(username="b2_inspector", role="township_inspector", region=city.b2)
    village = RegionFactory(name="甲一村", level=Region.Level.VILLAGE, parent=city.a1)
    p.grid = UserFactory(username="a1_grid", role="grid_member", cells=[GridCellFactory(name="甲一网格", region=village)])
    p.enterprise_user = make_enterprise_user(city.a3y, "principal", username="a3y_boss")
    p.inactive = UserFactory(username="gone", role="township_inspector", region=city.a2, is_active=False)
    other_city = RegionFactory(name="别市", level=Region.Level.CITY, parent=None)
    p.other_city = UserFactory(username="other_city", role="bureau_staff", region=other_city)
    return p
