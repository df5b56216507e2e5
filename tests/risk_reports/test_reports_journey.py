"""Risk reports end to end (issue 11 item 1): an enterprise drafts and submits, the township accepts
(pages and API); returned with a reason and submitted again; bad input changes nothing; scope from
the outside (404 for another township, 403 for a read-only user); the change report offered when a
point becomes significant; the export, the lists and the to-dos."""
import io

from openpyxl import load_workbook
import pytest
from rest_framework.test import APIClient

from grid.models import Region
from portal.ui import todos_for
from risk_reports.models import ModelEnterprise, ReportKind, ReportState, RiskReport, RiskReportItem
from risk_reports.services.points import point_grade
from risk_reports.services.reports import report_accept, report_draft, report_submit
from tests.enterprises.factories import make_enterprise, make_enterprise_user
from tests.factories import RegionFactory, UserFactory
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db
API = "/api/v1/risk-reports/"


class World:
    pass


@pytest.fixture
def world(db):
    w = World()
    w.district = RegionFactory(name="测试区", level=Region.Level.DISTRICT, parent=None)
    w.east = RegionFactory(name="东镇", level=Region.Level.TOWNSHIP, parent=w.district, order=1)
    w.west = RegionFactory(name="西镇", level=Region.Level.TOWNSHIP, parent=w.district, order=2)
    w.inspector = UserFactory(role="township_inspector", region=w.east)
    w.outsider = UserFactory(role="township_inspector", region=w.west)
    w.bureau = UserFactory(role="bureau_staff", region=w.district)
    w.firm = make_enterprise(township=w.east, name="东一钢铁", above_scale=True)
    w.boss = make_enterprise_user(w.firm, "principal")
    w.staff = make_enterprise_user(w.firm, "staff")
    w.red = make_point(w.firm, level="red", name="1号中频炉", area="熔炼车间")
    w.yellow = make_point(w.firm, level="yellow", name="2号行车", area="装配车间")
    return w


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(client, user):
    client.force_login(user)
    return client


def snapshot(report):
    report.refresh_from_db()
    return (report.state, report.submitted_at, report.accepted_at, report.return_reason, report.items.count())


def test_journey_on_the_pages(client, world):
    w = world
    page(client, w.boss)
    response = client.post("/risk/reports/new/", {"kind": "periodic", "year": "2026"})
    report = RiskReport.objects.get(enterprise=w.firm)
    assert response.status_code == 302 and response["Location"] == f"/risk/reports/{report.pk}/"
    body = client.get(f"/risk/reports/{report.pk}/").content.decode()
    assert "1号中频炉" in body and 'id="report-submit"' in body
    client.post(f"/risk/reports/{report.pk}/submit/")
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.township == w.east
    # frozen: the point retired later stays in the submitted report
    assert sorted(report.items.values_list("name", "level")) == [("1号中频炉", "red"), ("2号行车", "yellow")]
    page(client, w.inspector)
    listing = client.get("/risk/reports/", {"state": "submitted"}).content.decode()
    assert "东一钢铁" in listing
    assert 'id="report-review"' in client.get(f"/risk/reports/{report.pk}/").content.decode()
    client.post(f"/risk/reports/{report.pk}/accept/")
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.accepted_by == w.inspector


def test_journey_in_the_api_with_a_return(world):
    w = world
    created = api(w.boss).post(API, {"kind": "periodic", "year": 2026}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert api(w.boss).post(f"{API}{pk}/submit/").json()["state"] == "submitted"
    refused = api(w.inspector).post(f"{API}{pk}/return/", {"reason": ""}, format="json")
    assert refused.status_code == 400
    returned = api(w.inspector).post(f"{API}{pk}/return/", {"reason": "缺少粉尘风险点"}, format="json").json()
    assert returned["state"] == "returned" and returned["return_reason"] == "缺少粉尘风险点"
    make_point(w.firm, level="orange", name="除尘器", area="抛光车间")
    body = api(w.boss).post(f"{API}{pk}/submit/").json()
    assert body["state"] == "submitted" and len(body["items"]) == 3 and body["return_reason"] == ""
    assert api(w.bureau).post(f"{API}{pk}/accept/").json()["state"] == "accepted"
    assert [r["id"] for r in api(w.inspector).get(API).json()["results"]] == [pk]


def test_bad_input_changes_nothing(world):
    w = world
    report = report_draft(enterprise=w.firm, by=w.boss, kind="periodic", year=2026)
    report_submit(report=report, by=w.boss)
    report_accept(report=report, by=w.inspector)
    before = snapshot(report)
    # submitted after acceptance
    response = api(w.boss).post(f"{API}{report.pk}/submit/")
    assert response.status_code == 400 and "已通过" in response.json()["detail"]
    assert api(w.inspector).post(f"{API}{report.pk}/accept/").status_code == 400
    assert snapshot(report) == before
    # a second periodic report of the year
    twice = api(w.boss).post(API, {"kind": "periodic", "year": 2026}, format="json")
    assert twice.status_code == 400 and RiskReport.objects.count() == 1
    # no points
    empty = make_enterprise(township=w.east, name="东二空白")
    empty_boss = make_enterprise_user(empty, "principal")
    draft = report_draft(enterprise=empty, by=empty_boss, kind="first")
    response = api(empty_boss).post(f"{API}{draft.pk}/submit/")
    assert response.status_code == 400 and "风险点" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT and not RiskReportItem.objects.filter(report=draft).exists()


def test_scope_from_the_outside(client, world):
    w = world
    report = report_draft(enterprise=w.firm, by=w.boss, kind="periodic", year=2026)
    report_submit(report=report, by=w.boss)
    before = snapshot(report)
    # another township's inspector: not found, on the page and in the API
    assert page(client, w.outsider).get(f"/risk/reports/{report.pk}/").status_code == 404
    assert client.post(f"/risk/reports/{report.pk}/accept/").status_code == 404
    assert api(w.outsider).post(f"{API}{report.pk}/accept/").status_code == 404
    assert api(w.outsider).get(f"{API}{report.pk}/").status_code == 404
    # the enterprise's staff reads but may not submit or accept; the principal may not accept
    assert api(w.staff).get(f"{API}{report.pk}/").status_code == 200
    assert api(w.staff).post(f"{API}{report.pk}/submit/").status_code == 403
    assert api(w.boss).post(f"{API}{report.pk}/accept/").status_code == 403
    assert page(client, w.staff).post(f"/risk/reports/{report.pk}/submit/").status_code == 403
    assert snapshot(report) == before


def test_a_point_becoming_significant_offers_a_change_report(world):
    w = world
    point_grade(point=w.yellow, by=w.boss, basis="manual", level="orange", level_reason="工艺变更")
    offered = RiskReport.objects.get(enterprise=w.firm, kind=ReportKind.CHANGE)
    assert offered.state == ReportState.DRAFT and "2号行车" in offered.note
    # a second change joins the open draft; a change between general and low offers nothing new
    point_grade(point=w.red, by=w.boss, basis="manual", level="orange", level_reason="增设联锁")
    assert RiskReport.objects.filter(kind=ReportKind.CHANGE).count() == 1
    blue = make_point(w.firm, level="blue", name="3号砂轮")
    point_grade(point=blue, by=w.boss, basis="manual", level="yellow", level_reason="复核")
    offered.refresh_from_db()
    assert "1号中频炉" in offered.note and "3号砂轮" not in offered.note


def test_export_lists_models_and_todos(client, world):
    w = world
    # the periodic report due (deadline 31 March of the pinned year, 2026: passed — none); drafts to submit
    assert [t for t in todos_for(w.boss) if t.url.startswith("/risk/reports/")] == []
    report = report_draft(enterprise=w.firm, by=w.boss, kind="periodic", year=2026)
    assert [t.count for t in todos_for(w.boss) if t.url.startswith("/risk/reports/")] == [1]
    report_submit(report=report, by=w.boss)
    assert [t.count for t in todos_for(w.inspector) if t.url == "/risk/reports/?state=submitted"] == [1]
    page(client, w.inspector)
    workbook = load_workbook(io.BytesIO(client.get("/risk/reports/significant.xlsx").content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert [r[7] for r in rows[1:]] == ["1号中频炉"] and rows[1][8] == "重大"
    # the missing list for 2026 (deadline 31 March, before this report): the firm; zero reports: none
    assert "东一钢铁" in client.get("/risk/reports/missing/", {"year": "2026"}).content.decode()
    assert 'id="zero-count"' in client.get("/risk/reports/zero/", {"year": "2026"}).content.decode()
    client.post("/risk/reports/models/", {"enterprise": w.firm.pk, "year": "2026"})
    assert ModelEnterprise.objects.filter(enterprise=w.firm, year=2026, township=w.east).exists()
    assert page(client, w.outsider).post("/risk/reports/models/", {"enterprise": w.firm.pk}).status_code == 404
    assert page(client, w.boss).get("/risk/reports/models/").status_code == 403
    # the enterprise page's section
    body = page(client, w.inspector).get(f"/enterprises/{w.firm.pk}/").content.decode()
    assert 'id="dossier-reports"' in body
