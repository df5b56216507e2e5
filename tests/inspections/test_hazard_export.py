"""The hazard ledger export: the list's filters over the user's scope, Chinese columns under a title
naming the filter, formula-looking cells neutralised, and a background job past EXPORT_SYNC_MAX_ROWS."""
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from inspections.exports import COLUMNS
from inspections.filters import HazardFilter
from inspections.models import HazardStatus
from inspections.services import hazard_plan
from portal.accounts.models import AccessLog
from portal.jobs.exports import EXPORT_JOB, export_job
from portal.jobs.models import Job

from tests.inspections.factories import criterion, make_inspection

pytestmark = pytest.mark.django_db
D = datetime.date(2022, 5, 10)


@pytest.fixture
def ledger(world):
    """Five hazards: 湖塘机械 three (one major, one fixed on the spot, one "=" description), 湖塘纺织
    one, 洛阳冶金 one."""
    hutang = make_inspection(world.e_hutang, world.inspector, inspected_on=D, checklist="dust", failures={
        "DUST-03": {"description": "除尘器设置在多层厂房内", "location": "二号车间", "major_criterion": criterion("DUST-1"),
                    "deadline": datetime.date(2099, 6, 30)},
        "DUST-10": {"description": "=HYPERLINK(\"http://x\")积尘", "location": "+抛光工段"},
        "DUST-01": {"description": "操作规程未张贴", "on_the_spot": True},
    })
    hazard = hutang.hazards.get(item_code="DUST-10")
    hazard_plan(hazard=hazard, by=world.principal, responsible_person="王五", measures="每班清扫",
                funds=Decimal("800.50"), emergency_plan="停用抛光机")
    make_inspection(world.e_hutang2, world.inspector, inspected_on=D, failures={"GEN-12": {"description": "灭火器过期"}})
    make_inspection(world.e_luoyang, world.luoyang_inspector, inspected_on=D,
                    failures={"GEN-13": {"description": "配电箱未接地"}})
    return hutang


def workbook_rows(content):
    """(title, data rows as dicts keyed by the Chinese headers)."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[1]) == COLUMNS
    return rows[0][0], [dict(zip(COLUMNS, r)) for r in rows[2:]]


def export(client, user, query=""):
    client.force_login(user)
    return client.get(reverse("inspections:hazard_export") + (f"?{query}" if query else ""))


def test_export_has_the_filtered_rows_with_the_chinese_columns(client, world, ledger):
    response = export(client, world.bureau, f"township={world.hutang.pk}&open=true")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    title, rows = workbook_rows(response.content)
    # 湖塘镇 open: 机械 two (the on-the-spot one is closed) + 纺织 one = 3; 洛阳 is another township
    assert sorted(r["隐患描述"] for r in rows) == sorted(["除尘器设置在多层厂房内", "'=HYPERLINK(\"http://x\")积尘",
                                                         "灭火器过期"])
    assert title.startswith("隐患台账（") and "湖塘镇" in title
    assert str(HazardFilter.base_filters["township"].label) in title
    major = next(r for r in rows if r["隐患描述"] == "除尘器设置在多层厂房内")
    assert (major["企业名称"], major["统一社会信用代码"], major["镇（街道）"], major["检查项编号"], major["位置"]) == (
        "常州湖塘机械有限公司", world.e_hutang.credit_code, "湖塘镇", "DUST-03", "二号车间")
    assert major["重大隐患判定依据"].startswith("DUST-1 粉尘爆炸危险场所")
    assert major["发现日期"] == datetime.datetime(2022, 5, 10) and major["整改期限"] == datetime.datetime(2099, 6, 30)
    assert (major["是否逾期"], major["验收日期"], major["资金（元）"]) == ("否", None, None)
    planned = next(r for r in rows if r["检查项编号"] == "DUST-10")
    # deadline 30 days after 2022-05-10, still open: overdue
    assert (planned["状态"], planned["是否逾期"], planned["责任人"], planned["整改措施"], planned["资金（元）"]) == (
        str(HazardStatus.RECTIFYING.label), "是", "王五", "每班清扫", 800.5)


def test_other_filters_and_the_closed_row(client, world, ledger):
    _title, rows = workbook_rows(export(client, world.bureau, "severity=major").content)
    assert [r["隐患描述"] for r in rows] == ["除尘器设置在多层厂房内"]
    _title, rows = workbook_rows(export(client, world.bureau, "open=false").content)
    # only the hazard fixed on the spot is closed; it is verified on the inspection day
    assert [(r["隐患描述"], r["状态"], r["验收日期"], r["是否逾期"]) for r in rows] == [
        ("操作规程未张贴", str(HazardStatus.CLOSED.label), datetime.datetime(2022, 5, 10), "否")]
    title, rows = workbook_rows(export(client, world.bureau, "overdue=true&found_after=2022-01-01&source=inspection"
                                                             f"&enterprise={world.e_hutang.pk}").content)
    assert [r["检查项编号"] for r in rows] == ["DUST-10"]
    for text in ("2022年1月1日", "常州湖塘机械有限公司", str(HazardFilter.base_filters["overdue"].label) + "：是"):
        assert text in title, title
    _title, rows = workbook_rows(export(client, world.bureau, "page=2&per_page=1").content)
    assert len(rows) == 5  # paging is not a filter: the whole ledger


def test_formula_looking_cells_are_neutralised(client, world, ledger):
    sheet = load_workbook(io.BytesIO(export(client, world.bureau).content)).worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=3) for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert {"'=HYPERLINK(\"http://x\")积尘", "'+抛光工段"} <= values
    assert not [v for v in values if isinstance(v, str) and v[:1] in "=+-@"]


def test_export_is_scoped(client, world, ledger):
    _title, rows = workbook_rows(export(client, world.principal).content)
    assert {r["企业名称"] for r in rows} == {"常州湖塘机械有限公司"} and len(rows) == 3
    _title, rows = workbook_rows(export(client, world.luoyang_inspector).content)
    assert [r["隐患描述"] for r in rows] == ["配电箱未接地"]
    # asking for another township does not widen the scope: an invalid filter exports nothing
    _title, rows = workbook_rows(export(client, world.luoyang_inspector, f"township={world.hutang.pk}").content)
    assert rows == []
    _title, rows = workbook_rows(export(client, world.principal, f"enterprise={world.e_luoyang.pk}").content)
    assert rows == []
    _title, rows = workbook_rows(export(client, world.auditor).content)
    assert rows == []


def test_every_export_writes_an_access_log_row(client, world, ledger):
    export(client, world.inspector, "severity=general")
    log = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT)
    assert log.user == world.inspector
    assert "hazard export" in log.detail and "rows=3" in log.detail and "severity=general" in log.detail


def test_large_export_runs_as_a_job(client, world, ledger, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, world.inspector, f"township={world.hutang.pk}")
    job = Job.objects.get(owner=world.inspector, kind=EXPORT_JOB, params__export="inspections.hazard")
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    # 湖塘镇: 机械 three + 纺织 one = 4 rows
    assert (job.state, job.result, job.done, job.total) == ("done", {"rows": 4}, 4, 4)
    assert job.title == "隐患台账导出（4 条隐患）" and job.message == "已导出 4 条隐患。"
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    title, rows = workbook_rows(b"".join(download.streaming_content))
    assert "湖塘镇" in title and len(rows) == 4
    assert "常州洛阳冶金有限公司" not in {r["企业名称"] for r in rows}
    # the job's file is its owner's alone
    client.force_login(world.luoyang_inspector)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_export_job_rebuilds_the_rows_for_its_owner(world, ledger):
    """The job keeps only the query string: the rows come from the owner's scope when it runs."""

    job = Job.objects.create(owner=world.principal, kind=EXPORT_JOB, title="t",
                             params={"export": "inspections.hazard", "query": ""})
    outcome = export_job(job, lambda done, total=None: None)
    _title, rows = workbook_rows(outcome.content)
    assert {r["企业名称"] for r in rows} == {"常州湖塘机械有限公司"}


def test_anonymous_is_sent_to_sign_in(client, ledger):
    response = client.get(reverse("inspections:hazard_export"))
    assert response.status_code == 302 and "login" in response.url
