"""Demo territory: townships for the districts the migration leaves empty, villages under every
township and grid cells under every village.

Imports nothing to the right of ``grid``: ``portal.demo`` calls ``territory_build`` for the demo
command. Regions are created one by one through ``Region.save()`` (it sets the materialized path;
a city holds a few hundred of them); grid cells, which carry no path, in bulk. Every code made here
is a local code (``code_is_local``), as RULES.md §1 asks for units the seeds give no code for.
"""
from .models import GridCell, Region
from .territory import CITY, DISTRICTS, township_code

# Townships of the other districts of 常州市 (names as the districts use them; codes are local).
DISTRICT_TOWNSHIPS = {
    "溧阳市": ["溧城街道", "昆仑街道", "古县街道", "埭头镇", "上黄镇", "戴埠镇", "天目湖镇", "别桥镇", "上兴镇",
             "竹箦镇", "南渡镇", "社渚镇"],
    "金坛区": ["金城镇", "东城街道", "西城街道", "尧塘街道", "儒林镇", "直溪镇", "朱林镇", "薛埠镇", "指前镇"],
    "新北区": ["三井街道", "河海街道", "龙虎塘街道", "新桥街道", "薛家镇", "罗溪镇", "西夏墅镇", "春江街道", "孟河镇",
             "奔牛镇"],
    "天宁区": ["天宁街道", "雕庄街道", "茶山街道", "红梅街道", "青龙街道", "兰陵街道", "郑陆镇"],
    "钟楼区": ["南大街街道", "荷花池街道", "五星街道", "永红街道", "北港街道", "西林街道", "新闸街道", "邹区镇"],
    "常州经开区": ["戚墅堰街道", "丁堰街道", "潞城街道", "横林镇", "横山桥镇", "遥观镇"],
}

_VILLAGE_STEMS = [
    "东方", "南塘", "新华", "建东", "长沟", "夏城", "城西", "马杭", "定安", "延政", "卢家巷", "寨桥", "白家", "潘家",
    "周家", "浦前", "庙桥", "漕桥", "太滆", "钱家", "礼河", "蒋家", "杨桥", "塘洋", "东安", "西墅", "北庄", "南宅",
    "丫河", "坂上", "戴溪", "后塘", "前进", "红星", "永安", "胜利", "新庄", "朝阳", "三河口", "阳湖", "花园", "金家",
    "淹城", "鸣凰", "遥观", "湖滨", "古方", "双桥", "兴隆", "大圩", "凤凰", "桥北", "芙蓉", "丰北", "上店", "陈家",
    "姚家", "范家", "陆家", "湾城", "荷园", "振东", "梅港", "龙潭", "青山", "秦巷", "新安", "牌楼", "孟城", "浮桥",
]


def _ordered_districts(n):
    """Wujin first (its townships ship with the migration), then the others in the bureau's order."""
    city = Region.objects.get(code=CITY[1])
    wujin_code = next(code for name, code, _local in DISTRICTS if name == "武进区")
    districts = list(city.children.filter(level=Region.Level.DISTRICT).order_by("order", "code"))
    districts.sort(key=lambda d: d.code != wujin_code)
    return city, districts[:max(1, n)]


def _get_or_save(*, code, **fields):
    region = Region.objects.filter(code=code).first()
    if region is None:
        region = Region(code=code, code_is_local=True, **fields)
        region.full_clean()
        region.save()
    return region


def _townships(rng, district):
    existing = list(district.children.filter(level=Region.Level.TOWNSHIP).order_by("order", "code"))
    if existing:
        return existing
    names = DISTRICT_TOWNSHIPS.get(district.name) or [f"{district.name[:2]}第{i}街道" for i in range(1, 9)]
    count = min(len(names), rng.randint(5, 10))
    return [_get_or_save(code=township_code(district.code, i), name=name, level=Region.Level.TOWNSHIP,
                         parent=district, order=i)
            for i, name in enumerate(names[:count], start=1)]


def _villages(rng, township):
    existing = list(township.children.filter(level=Region.Level.VILLAGE).order_by("order", "code"))
    if existing:
        return existing
    stems = rng.sample(_VILLAGE_STEMS, rng.randint(3, 6))
    return [_get_or_save(code=f"{township.code}V{i:02d}", name=stem + ("社区" if rng.random() < 0.3 else "村"),
                         level=Region.Level.VILLAGE, parent=township, order=i)
            for i, stem in enumerate(stems, start=1)]


def territory_build(*, rng, districts=1):
    """The regions and cells the demo roster lives in: Wujin and ``districts - 1`` more districts.

    Returns ``{"city", "districts", "townships": [...], "villages": {township_pk: [...]},
    "cells": {village_pk: [...]}}``; reuses whatever already exists (matched by code)."""
    city, chosen = _ordered_districts(districts)
    townships, villages, cells = [], {}, {}
    new_cells = []
    existing_codes = set(GridCell.objects.values_list("code", flat=True))
    for district in chosen:
        for township in _townships(rng, district):
            townships.append(township)
            villages[township.pk] = _villages(rng, township)
            for village in villages[township.pk]:
                cells[village.pk] = list(village.grid_cells.order_by("code"))
                if cells[village.pk]:
                    continue
                for j in range(1, rng.randint(2, 4) + 1):
                    code = f"{village.code}G{j:02d}"
                    if code in existing_codes:
                        continue
                    cell = GridCell(name=f"{village.name}第{j}网格", code=code, region=village,
                                    is_dedicated=rng.random() < 0.1)
                    cells[village.pk].append(cell)
                    new_cells.append(cell)
    GridCell.objects.bulk_create(new_cells, batch_size=2000)
    return {"city": city, "districts": chosen, "townships": townships, "villages": villages, "cells": cells}
