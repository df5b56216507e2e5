"""The enterprise page (一企一档) gains its inspections and hazards sections: scoped, with the
new-inspection link for inspectors only, and a fixed number of queries however long the history."""
import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.dossier import sections_for
from inspections import dossier_sections

from tests.inspections.factories import criterion, make_inspection

pytestmark = pytest.mark.django_db
D = datetime.date


def text(response):
    return unescape(response.content.decode())


def section(html, key):
    """The HTML of one section of the enterprise page, up to the next section."""
    start = html.index(f'id="section-{key}"')
    end = html.find('id="section-', start + 1)
    return html[start:end if end != -1 else len(html)]


def test_sections_render_on_the_enterprise_page(client, world):
    inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=D(2022, 5, 10), failures={
        "GEN-01": {"deadline": D(2022, 5, 20)},                       # overdue by now
        "GEN-02": {"on_the_spot": True, "deadline": D(2022, 5, 10)},  # closed on the spot
    })
    make_inspection(world.e_hutang, world.inspector, inspected_on=D(2022, 6, 1), checklist="dust",
                    failures={"DUST-03": {"major_criterion": criterion("DUST-3"), "deadline": D(2099, 1, 1)}})
    make_inspection(world.e_luoyang, world.luoyang_inspector)
    client.force_login(world.inspector)
    html = text(client.get(f"/enterprises/{world.e_hutang.pk}/"))
    inspections = section(html, "inspections")
    assert '<h2 class="h5">执法检查</h2>' in inspections
    assert f"/inspections/new/?enterprise={world.e_hutang.pk}" in inspections
    assert f"/inspections/{inspection.pk}/" in inspections and "2022-06-01" in inspections
    hazards = section(html, "hazards")
    assert '<h2 class="h5">隐患</h2>' in hazards
    assert "GEN-01 不符合要求" in hazards and "DUST-03 不符合要求" in hazards
    assert "GEN-02 不符合要求" not in hazards  # closed: counted, not listed as open
    assert "/inspections/hazards/" in hazards  # each open hazard links to its page
    data = dossier_sections._hazards(world.e_hutang, world.inspector)
    assert (data["open_total"], data["overdue"], data["major_open"]) == (2, 1, 1)
    assert dict((v, n) for _label, n, v in data["counts"]) == {
        "reported": 2, "rectifying": 0, "submitted": 0, "closed": 1}


def test_enterprise_principal_reads_own_sections_without_inspecting(client, world):
    make_inspection(world.e_hutang, world.inspector, failures={"GEN-01": {}})
    make_inspection(world.e_hutang2, world.inspector, failures={"GEN-03": {}})
    client.force_login(world.principal)
    html = text(client.get(f"/enterprises/{world.e_hutang.pk}/"))
    assert "GEN-01 不符合要求" in section(html, "hazards")
    assert "/inspections/new/" not in html
    assert "GEN-03" not in html


def test_luoyang_inspector_gets_404_and_no_section(client, world):
    make_inspection(world.e_hutang, world.inspector, failures={"GEN-01": {}})
    client.force_login(world.luoyang_inspector)
    assert client.get(f"/enterprises/{world.e_hutang.pk}/").status_code == 404
    # even asked directly, the sections show nothing of another township
    data = {s["key"]: s for s in sections_for(world.e_hutang, world.luoyang_inspector)}
    assert data["inspections"]["inspections"] == [] and data["hazards"]["open_hazards"] == []


def _page_queries(client, pk):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/enterprises/{pk}/").status_code == 200
    return len(ctx.captured_queries)


def test_sections_take_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world.inspector)
    make_inspection(world.e_hutang, world.inspector, failures={"GEN-01": {}})
    few = _page_queries(client, world.e_hutang.pk)
    for day in range(1, 13):  # past the ten latest shown: the count query joins in
        make_inspection(world.e_hutang, world.inspector, inspected_on=D(2022, 3, day),
                        failures={"GEN-02": {}, "GEN-03": {}})
    many = _page_queries(client, world.e_hutang.pk)
    assert many <= few + 1

    user = type(world.inspector).objects.select_related("region").get(pk=world.inspector.pk)
    with django_assert_num_queries(2):  # the ten latest with their hazard counts; the total
        dossier_sections._inspections(world.e_hutang, user)
    with django_assert_num_queries(2):  # the counts by status (one aggregate); the open hazards shown
        dossier_sections._hazards(world.e_hutang, user)
