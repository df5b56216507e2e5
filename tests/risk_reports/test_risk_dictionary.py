"""The shipped risk control dictionary (风险报告管控辞典): every category holds the standard the
bureau sets (issue 9, item 1). Pure data: no database."""
import re

import pytest

from enterprises.catalogue import KEY_DOMAINS
from risk_reports.dictionary_catalogue import (
    ACCIDENT_TYPES, CATEGORIES, CHECK_CYCLES, DOMAINS, MEASURE_KINDS, RISK_CLASSES,
)

ACCIDENT_CODES = {code for code, _ in ACCIDENT_TYPES}
CYCLE_CODES = {code for code, _ in CHECK_CYCLES}
KIND_CODES = [code for code, _ in MEASURE_KINDS]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_accident_types_are_the_twenty_of_gb_6441_in_order():
    assert [name for _, name in ACCIDENT_TYPES] == [
        "物体打击", "车辆伤害", "机械伤害", "起重伤害", "触电", "淹溺", "灼烫", "火灾", "高处坠落",
        "坍塌", "冒顶片帮", "透水", "放炮", "火药爆炸", "瓦斯爆炸", "锅炉爆炸", "容器爆炸", "其他爆炸",
        "中毒和窒息", "其他伤害"]
    assert len(ACCIDENT_CODES) == 20
    assert all(code.isascii() and code for code in ACCIDENT_CODES)


def test_measure_kinds_and_cycles():
    assert KIND_CODES == ["engineering", "management", "ppe", "emergency"]
    assert [code for code, _ in CHECK_CYCLES] == ["shift", "day", "week", "month", "quarter"]


def test_domains_are_the_roster_key_domains():
    assert set(DOMAINS) == {code for code, _ in KEY_DOMAINS}
    assert RISK_CLASSES == ("red", "orange", "yellow", "blue")


def test_at_least_eighty_categories_with_unique_codes_and_names():
    assert len(CATEGORIES) >= 80
    codes = [c["code"] for c in CATEGORIES]
    names = [c["name"] for c in CATEGORIES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", code) for code in codes)


@pytest.mark.parametrize("category", CATEGORIES, ids=lambda c: c["code"])
def test_every_category_holds_the_standard(category):
    assert set(category) == {"code", "name", "domain", "typical_class", "factors", "accident_types",
                             "measures", "cycle", "check_items"}
    assert CHINESE.search(category["name"])
    assert category["domain"] in (*DOMAINS, "")
    assert category["typical_class"] in RISK_CLASSES
    assert len(category["factors"]) >= 3
    assert len(set(category["factors"])) == len(category["factors"])
    assert category["accident_types"]
    assert set(category["accident_types"]) <= ACCIDENT_CODES
    assert len(set(category["accident_types"])) == len(category["accident_types"])
    assert list(category["measures"]) == KIND_CODES
    for kind in KIND_CODES:
        assert category["measures"][kind], kind
    assert category["cycle"] in CYCLE_CODES
    assert len(category["check_items"]) >= 3
    assert len(set(category["check_items"])) == len(category["check_items"])
    texts = (category["factors"] + category["check_items"]
             + [m for kind in KIND_CODES for m in category["measures"][kind]])
    for text in texts:
        assert isinstance(text, str) and text.strip() == text and CHINESE.search(text), text


def test_major_risks_are_rare():
    red = [c for c in CATEGORIES if c["typical_class"] == "red"]
    assert len(red) <= len(CATEGORIES) // 10


@pytest.mark.parametrize("words", [
    ("除尘",), ("有限空间",), ("熔融", "熔炼"), ("煤气", "燃气"), ("氨",), ("喷漆", "喷涂"),
    ("危险化学品",), ("起重",), ("叉车",), ("冲",), ("配电",), ("动火",),
], ids=lambda words: "/".join(words))
def test_covers_the_seed_kinds(words):
    assert any(word in c["name"] for c in CATEGORIES for word in words)


def test_every_key_domain_has_categories():
    used = {c["domain"] for c in CATEGORIES}
    assert set(DOMAINS) <= used


def test_dictionary_module_imports_no_django():
    import ast

    import risk_reports.dictionary_catalogue as module
    tree = ast.parse(open(module.__file__, encoding="utf-8").read())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert imported == []
