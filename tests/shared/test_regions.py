"""Territory: the path tree, and the pages bureau staff use to keep it."""
import pytest

from grid.models import PATH_STEP, GridCell, Region

from tests.factories import RegionFactory


def test_shipped_territory(db):
    city = Region.objects.get(code="320400")
    districts = list(city.children.order_by("order").values_list("name", flat=True))
    assert districts == ["溧阳市", "金坛区", "武进区", "新北区", "天宁区", "钟楼区", "常州经开区"]
    wujin = Region.objects.get(code="320412")
    townships = list(wujin.children.order_by("order").values_list("name", flat=True))
    # RULES.md §1: the 13 townships, in the bureau's order (not by code)
    assert townships == ["科教城", "湖塘镇", "湟里镇", "嘉泽镇", "礼嘉镇", "洛阳镇", "南夏墅街道", "牛塘镇", "前黄镇",
                         "高新区", "高新北区", "西太湖", "雪堰镇"]
    assert all(t.code_is_local for t in wujin.children.all())
    assert Region.objects.get(name="常州经开区").code_is_local
    assert not Region.objects.get(name="天宁区").code_is_local


def test_paths_are_fixed_width_prefixes(db):
    hutang = Region.objects.get(name="湖塘镇")
    village = RegionFactory(name="某村", parent=hutang)
    assert len(village.path) == 4 * PATH_STEP
    assert village.path.startswith(hutang.path) and hutang.path.startswith(hutang.parent.path)
    assert list(village.ancestors().values_list("name", flat=True)) == ["常州市", "武进区", "湖塘镇"]
    assert village in Region.objects.get(name="常州市").under()


def test_region_under_is_one_prefix_query(db, django_assert_num_queries):
    wujin = Region.objects.get(name="武进区")
    with django_assert_num_queries(1):  # SELECT ... WHERE path LIKE '<wujin path>%'
        assert len(list(wujin.under())) == 14  # Wujin itself + 13 townships


def test_a_village_must_sit_under_a_township(db):
    from django.core.exceptions import ValidationError

    bad = Region(name="错村", level=Region.Level.VILLAGE, code="X1", parent=Region.objects.get(name="武进区"))
    with pytest.raises(ValidationError):
        bad.full_clean()


def test_inspector_adds_a_village_and_a_cell_in_their_township(client, world):
    client.force_login(world.inspector)
    response = client.post(f"/regions/{world.hutang.pk}/add/", {"name": "新村", "code": "320412L02001", "order": 5})
    assert response.status_code == 302
    village = Region.objects.get(name="新村")
    assert village.level == Region.Level.VILLAGE and village.parent == world.hutang
    response = client.post(f"/regions/{village.pk}/cells/add/", {"name": "新村一格", "code": "XC-01"})
    assert response.status_code == 302
    assert GridCell.objects.get(code="XC-01").region == village


def test_inspector_cannot_touch_another_township(client, world):
    client.force_login(world.inspector)
    before = Region.objects.count()
    assert client.get(f"/regions/{world.luoyang.pk}/").status_code == 404
    assert client.post(f"/regions/{world.luoyang.pk}/add/", {"name": "越权村", "code": "Z9"}).status_code == 404
    assert client.post(f"/regions/{world.luoyang.pk}/edit/", {"name": "改名", "code": "Z8"}).status_code == 404
    assert Region.objects.count() == before
    # their own township: readable, but the region they are bound to is not theirs to rename
    assert client.get(f"/regions/{world.hutang.pk}/").status_code == 200
    assert client.post(f"/regions/{world.hutang.pk}/edit/", {"name": "改名", "code": "Z8"}).status_code == 403


def test_bureau_replaces_a_local_code_with_an_official_one(client, world):
    client.force_login(world.bureau)
    response = client.post(f"/regions/{world.hutang.pk}/edit/", {
        "name": "湖塘镇", "short_name": "", "code": "320412100", "order": 2})
    assert response.status_code == 302
    world.hutang.refresh_from_db()
    assert world.hutang.code == "320412100" and not world.hutang.code_is_local
    # a code already used is refused, nothing changes
    response = client.post(f"/regions/{world.luoyang.pk}/edit/", {"name": "洛阳镇", "code": "320412100", "order": 6})
    assert response.status_code == 200
    world.luoyang.refresh_from_db()
    assert world.luoyang.code != "320412100"
