"""The risk overview page (常安码统计): the problems the bureau's rules name, a township's enterprises over the
eligibility threshold, and the link to the statistics page (/statistics/?ns=risk), which holds each
unit's risk figures with numerators and denominators and their .xlsx; scoped like the other figures
pages, in a fixed number of queries."""
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.enterprises.factories import make_enterprise, make_enterprise_user
from tests.risk_reports.factories import make_point, make_scan

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
URL = "/risk/figures/"
STATISTICS = "/statistics/?ns=risk"


def at(month, day, hour=10):
    return datetime.datetime(2026, month, day, hour, tzinfo=SH)


@pytest.fixture
def scanned(world):
    """湖塘: e_hutang's principal scans its month point in July only (2 of 3 months missed), e_hutang2
    has a month point never scanned (3 of 3 missed): 5 of 6 -> 83.33 %. 洛阳: e_luoyang's staff scan
    its quarter point: 0 of 1 missed."""
    p = make_point(world.e_hutang, category="dust_collector", cycle="month", created_on=datetime.date(2026, 1, 1))
    make_scan(p, world.principal, at(7, 3))
    make_point(world.e_hutang2, category="dust_collector", cycle="month", created_on=datetime.date(2026, 1, 1))
    q = make_point(world.e_luoyang, category="dust_collector", cycle="quarter", created_on=datetime.date(2026, 1, 1))
    make_scan(q, make_enterprise_user(world.e_luoyang, "staff"), at(8, 3))
    return world


def _row(response, name):
    return next(r for r in response.context["rows"] if r.region.name == name)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_bureau_sees_each_township_with_numerators_and_the_problem_lists(client, scanned):
    client.force_login(scanned.bureau)
    table = client.get(f"{STATISTICS}&period=2026Q3")
    hutang, luoyang = _row(table, "湖塘镇"), _row(table, "洛阳镇")
    overdue = hutang["risk.overdue_rate"]
    assert (overdue.value, overdue.numerator, overdue.denominator) == (83.33, 5, 6)
    assert luoyang["risk.overdue_rate"].value == 0.0
    # participation: 湖塘 1 of 1 (the principal), 洛阳 0 of 1
    assert (hutang["risk.principal_participation"].value, luoyang["risk.principal_participation"].value) == (100.0, 0)
    assert "5/6" in table.content.decode()
    response = client.get(f"{URL}?quarter=2026Q3")
    html = response.content.decode()
    assert "常安码统计" in html and "5/6" in html  # 湖塘's overdue cycles in the problem list
    assert f'href="/statistics/?ns=risk&amp;region={scanned.wujin.pk}&amp;period=2026Q3"' in html
    # the bureau's problem rules (data of portal.assessments) over these figures
    lists = {f.figure.name: [r.name for r, _c in f.units] for f in response.context["problems"]}
    assert lists["risk.overdue_rate"] == ["湖塘镇"]
    assert lists["risk.principal_participation"] == ["洛阳镇"]
    assert "湖塘镇风险逾期率超过30%" in html and 'id="problem-rules-link"' in html  # the sentence, and the rules' page
    # more townships with data: the same number of queries
    before = _queries(client, f"{URL}?quarter=2026Q3")
    other = make_enterprise(township=scanned.wujin.children.get(name="礼嘉镇"))
    p = make_point(other, category="dust_collector", cycle="month", created_on=datetime.date(2026, 1, 1))
    make_scan(p, make_enterprise_user(other, "principal"), at(7, 3))
    assert _queries(client, f"{URL}?quarter=2026Q3") == before


def test_a_township_sees_its_enterprises_over_the_eligibility_threshold(client, scanned):
    # e_hutang 2 of 3 missed = 66.67 %, e_hutang2 3 of 3 = 100 %: both over 30 %
    client.force_login(scanned.inspector)
    response = client.get(f"{URL}?quarter=2026Q3")
    over = response.context["enterprises_over"]
    assert [(e.name, r.value) for e, r in over["enterprises"]] == [("常州湖塘纺织有限公司", 100.0),
                                                                  ("常州湖塘机械有限公司", 66.67)]
    assert 'id="enterprises-over"' in response.content.decode()


def test_the_export_is_the_table_with_numerators_and_denominators(client, scanned):
    client.force_login(scanned.bureau)
    response = client.get(f"{URL}?quarter=2026Q3&format=xlsx", follow=True)  # to the statistics page's
    assert response.redirect_chain[0][0] == f"/statistics/?ns=risk&region={scanned.wujin.pk}&period=2026Q3&format=xlsx"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    header = rows[1]
    hutang = next(r for r in rows if r[0] == "湖塘镇")
    col = header.index("常安码逾期率（%）")
    assert hutang[col:col + 3] == (83.33, 5, 6)
    assert header[col + 1:col + 3] == ("常安码逾期率·分子", "常安码逾期率·分母")
    assert rows[-1][0] == "合计"


def test_out_of_scope_region_is_404_and_enterprises_have_no_overview(client, scanned):
    client.force_login(scanned.inspector)
    assert client.get(f"{URL}?region={scanned.luoyang.pk}").status_code == 404
    assert client.get(f"{URL}?region={scanned.hutang.pk}").status_code == 200
    client.force_login(scanned.principal)
    assert client.get(URL).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302
