"""The roster's to-dos on a region user's home page, counted against a hand-made world."""
import datetime

import pytest
from django.urls import reverse

from enterprises.models import Enterprise, Status
from enterprises.services import enterprise_change_status
from enterprises.todos import roster_todos

from tests.enterprises.factories import make_enterprise

SECTION_TODO = "未挂牌安全生产管理科的重点行业及规上企业"


@pytest.fixture
def sections(world):
    """The world's three enterprises have no section: 湖塘机械 (key, dust), 湖塘纺织 (above-scale),
    洛阳冶金 (key, smelting). Four more around them."""
    make_enterprise(township=world.hutang, name="常州湖塘小五金厂")  # neither key nor above-scale: not asked
    make_enterprise(township=world.hutang, name="常州湖塘规上有限公司", above_scale=True,
                    safety_section_established=True)  # above-scale, section set up
    make_enterprise(township=world.luoyang, name="常州洛阳粉尘有限公司", key_domains=["dust"], above_scale=True,
                    safety_section_established=True)  # key and above-scale, section set up
    gone = make_enterprise(township=world.hutang, name="常州湖塘已注销有限公司", above_scale=True)
    enterprise_change_status(enterprise=gone, by=world.bureau, status=Status.DEREGISTERED,
                             effective_date=datetime.date(2022, 3, 1), reason="注销")  # deregistered: not asked
    return world


def _todo(user):
    from django.utils import translation
    with translation.override("zh-hans"):
        return {t.label: t for t in roster_todos(user)}[SECTION_TODO]


def test_the_safety_section_todo_counts_key_sector_and_above_scale_enterprises(sections, client):
    """Seed 000 item 3: 督促重点行业领域及规上企业…完成安全生产管理科挂牌工作."""
    w = sections
    # Wujin: 湖塘机械 (key), 湖塘纺织 (above-scale only), 洛阳冶金 (key) -> 3
    # (key-sector only would be 2; the small workshop, the two with a section and the deregistered one are out)
    todo = _todo(w.bureau)
    assert todo.count == 3
    # 湖塘镇: 湖塘机械 and 湖塘纺织 -> 2
    assert _todo(w.inspector).count == 2
    # the link opens the roster on the same enterprises
    assert todo.url == reverse("enterprises:list") + "?safety_section_missing=true"
    client.force_login(w.bureau)
    response = client.get(todo.url)
    assert response.status_code == 200
    assert {e.name for e in response.context["page"]} == {
        "常州湖塘机械有限公司", "常州湖塘纺织有限公司", "常州洛阳冶金有限公司"}  # the deregistered one is asked nothing


def test_the_roster_filter_without_safety_section_is_in_the_api(sections, client):
    w = sections
    client.force_login(w.bureau)
    response = client.get("/api/v1/enterprises/", {"safety_section_missing": "true"})
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {r["name"] for r in rows} == {"常州湖塘机械有限公司", "常州湖塘纺织有限公司", "常州洛阳冶金有限公司"}
    # "false" is the complement among the live ones: the small workshop and the two with a section
    response = client.get("/api/v1/enterprises/", {"safety_section_missing": "false", "status": "producing"})
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {r["name"] for r in rows} == {"常州湖塘小五金厂", "常州湖塘规上有限公司", "常州洛阳粉尘有限公司"}
    assert Enterprise.objects.count() == 7
