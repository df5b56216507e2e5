"""The inspections figures on the statistics page (/statistics/?ns=inspections; the old
/inspections/figures/ redirects there): each unit's figures for a quarter, ranked, in a fixed
number of queries."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.enterprises.factories import make_enterprise
from tests.inspections.factories import make_inspection

pytestmark = pytest.mark.django_db
D = datetime.date(2022, 5, 10)


def _cells(response, region_name):
    row = next(r for r in response.context["rows"] if r.region.name == region_name)
    return {name: (cell.value, cell.rank) for name, cell in row.cells.items()}


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_bureau_sees_each_township_ranked(client, world):
    # 湖塘: 2 inspections, 1 hazard found (GEN-12); 洛阳: 1 inspection, none found
    make_inspection(world.e_hutang, world.inspector, inspected_on=D, failures={"GEN-12": {}})
    make_inspection(world.e_hutang2, world.inspector, inspected_on=D)
    make_inspection(world.e_luoyang, world.luoyang_inspector, inspected_on=D)
    client.force_login(world.bureau)
    old = client.get("/inspections/figures/?quarter=2022Q2")
    assert old.status_code == 302 and old["Location"] == "/statistics/?ns=inspections&period=2022Q2"
    response = client.get(old["Location"])
    hutang, luoyang = _cells(response, "湖塘镇"), _cells(response, "洛阳镇")
    assert hutang["inspections.inspections_done"] == (2, 1) and luoyang["inspections.inspections_done"] == (1, 2)
    assert hutang["inspections.hazards_found"][0] == 1 and luoyang["inspections.hazards_found"][0] == 0
    assert len(response.context["rows"]) == 13  # Wujin's townships
    assert "检查统计" in response.content.decode()
    # the district's total row: every township's counts added up (2 + 1 inspections)
    total = response.content.decode().split('id="statistics-total"')[1].split("</tr>")[0]
    assert response.context["total"]["inspections.inspections_done"].value == 3 and ">3<" in total
    # more data, more townships with records: the same number of queries
    before = _queries(client, "/statistics/?ns=inspections&period=2022Q2")
    other = make_enterprise(township=world.wujin.children.get(name="礼嘉镇"))
    make_inspection(other, world.bureau, inspected_on=D, failures={"GEN-13": {}})
    assert _queries(client, "/statistics/?ns=inspections&period=2022Q2") == before


def test_out_of_scope_region_is_404_and_enterprises_have_no_figures(client, world):
    client.force_login(world.inspector)
    assert client.get(f"/statistics/?ns=inspections&region={world.luoyang.pk}").status_code == 404
    assert client.get(f"/statistics/?ns=inspections&region={world.hutang.pk}").status_code == 200
    redirected = client.get(f"/inspections/figures/?region={world.luoyang.pk}", follow=True)
    assert redirected.status_code == 404
    client.force_login(world.principal)
    assert client.get("/inspections/figures/", follow=True).status_code == 404
