"""The demo's risk maps (risk_reports/demo_maps.py): qiye's plant and producing enterprises with a
significant-or-above point get a floor plan with every live point placed in its workshop's room."""
import random

from django.utils import timezone
import pytest

from portal.demo import DemoContext
from risk_reports.demo_maps import maps_build
from risk_reports.models import PointPlacement, SitePlan
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db


def test_demo_plans_with_points(world):
    for name, area, level in (("抛光工位", "抛光车间", "red"), ("除尘器", "除尘器区域", "orange"),
                              ("配电箱", "办公楼", "blue")):
        make_point(world.e_hutang, name=name, area=area, level=level)
    make_point(world.e_luoyang, name="中频炉", area="熔炼车间", level="red")
    make_point(world.e_hutang2, name="叉车", area="仓库", level="yellow")  # no significant point: no plan
    ctx = DemoContext(rng=random.Random(1), seed=1, enterprises=3, districts=1, today=timezone.localdate(),
                      log=lambda *a: None, users={"qiye": world.principal})
    maps_build(ctx)
    assert sorted(SitePlan.objects.values_list("enterprise__name", flat=True)) == ["常州洛阳冶金有限公司",
                                                                                 "常州湖塘机械有限公司"]
    assert all(p.image.is_image and (p.width, p.height) == (1200, 800) for p in SitePlan.objects.all())
    # every live point of the two plants placed: 3 + 1
    assert PointPlacement.objects.count() == 4
    assert all(0 < p.x < 1 and 0 < p.y < 1 for p in PointPlacement.objects.all())
    maps_build(ctx)  # a second run adds nothing
    assert SitePlan.objects.count() == 2 and PointPlacement.objects.count() == 4
