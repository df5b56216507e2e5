"""The shipped industries and key domains (GLOSSARY.md): the eight industry-and-trade industries
with common sub-industries, and the six key domains. Bureaus edit them as data."""

INDUSTRIES = [
    ("metallurgy", "冶金", [("steel", "钢铁"), ("ferroalloy", "铁合金"), ("metallurgy_other", "其他冶金")]),
    ("nonferrous", "有色", [("aluminium", "铝冶炼及加工"), ("copper", "铜冶炼及加工"), ("nonferrous_other", "其他有色")]),
    ("building_materials", "建材", [("cement", "水泥"), ("glass", "玻璃"), ("ceramics", "陶瓷"),
                                    ("building_materials_other", "其他建材")]),
    ("machinery", "机械", [("general_equipment", "通用设备制造"), ("auto_parts", "汽车零部件"),
                           ("electrical", "电气机械"), ("machinery_other", "其他机械")]),
    ("light", "轻工", [("food", "食品"), ("paper", "造纸"), ("furniture", "家具"), ("plastics", "塑料制品"),
                       ("light_other", "其他轻工")]),
    ("textile", "纺织", [("dyeing", "印染"), ("chemical_fibre", "化纤"), ("garment", "服装"), ("textile_other", "其他纺织")]),
    ("tobacco", "烟草", []),
    ("commerce", "商贸", [("warehousing", "仓储物流"), ("wholesale_retail", "批发零售")]),
]

KEY_DOMAINS = [
    ("dust", "涉爆粉尘"),
    ("smelting", "金属冶炼"),
    ("ammonia", "涉氨制冷"),
    ("confined_space", "有限空间作业"),
    ("spraying", "喷涂作业"),
    ("hazchem", "危险化学品使用"),
]
