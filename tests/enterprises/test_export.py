"""The roster export: the roster page's filters and the user's scope, formula injection
neutralised, re-importable, a job past EXPORT_SYNC_MAX_ROWS, and an access-log row each time."""
import datetime
import io
from urllib.parse import quote

from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
import pytest

from enterprises import exports
from enterprises.importers import COLUMNS, roster_import
from enterprises.models import Enterprise
from enterprises.reports import change_report
from portal.accounts.models import AccessLog
from portal.figures.periods import Period
from portal.jobs.exports import EXPORT_JOB, export_job
from portal.jobs.models import Job

from tests.enterprises.factories import make_enterprise


@pytest.fixture(autouse=True)
def _english_and_fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


def sheet_rows(content):
    """The data rows of the first sheet as dicts keyed by the Chinese headers."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    return [dict(zip(COLUMNS, r)) for r in rows[1:]]


def export(client, user, query=""):
    client.force_login(user)
    return client.get(reverse("enterprises:export") + (f"?{query}" if query else ""))


def test_export_neutralises_formula_looking_cells(client, world):
    make_enterprise(township=world.hutang, name="=cmd|' /C calc'!A0", address="+1 长安路", principal_name="@x")
    dangerous = make_enterprise(township=world.hutang, name="-1", principal_name="-1")
    Enterprise.objects.filter(pk=dangerous.pk).update(principal_phone="-123")  # no form would take it
    response = export(client, world.bureau)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert {"'=cmd|' /C calc'!A0", "'+1 长安路", "'@x", "'-1", "'-123"} <= values
    assert not [v for v in values if isinstance(v, str) and v[:1] in "=+-@"]


def test_export_has_the_import_columns_and_reimports_unchanged(client, world):
    response = export(client, world.bureau)
    rows = {r["统一社会信用代码"]: r for r in sheet_rows(response.content)}
    row = rows[world.e_hutang.credit_code]
    assert (row["企业名称"], row["板块"], row["村(社区)"], row["行业"], row["重点行业领域"], row["重点行业"],
            row["单班作业涉粉人数"], row["状态"]) == ("常州湖塘机械有限公司", "湖塘镇", "湖塘村", "汽车零部件",
                                                     "涉爆粉尘", "是", 12, "在产")
    assert rows[world.e_hutang2.credit_code]["规上企业"] == "是"
    result = roster_import(file_obj=io.BytesIO(response.content), user=world.bureau)
    assert result == {"created": 0, "updated": 0, "unchanged": 3}


def test_export_follows_the_roster_filters(client, world):
    by_township = sheet_rows(export(client, world.bureau, f"township={world.luoyang.pk}").content)
    assert [r["企业名称"] for r in by_township] == ["常州洛阳冶金有限公司"]
    by_domain = sheet_rows(export(client, world.bureau, "key_domain=" + str(
        world.e_hutang.key_domains.get().pk)).content)
    assert [r["企业名称"] for r in by_domain] == ["常州湖塘机械有限公司"]
    by_name = sheet_rows(export(client, world.bureau, "q=" + quote("纺织") + "&page=3&per_page=20").content)
    assert [r["企业名称"] for r in by_name] == ["常州湖塘纺织有限公司"]


def test_township_inspector_exports_only_their_township(client, world):
    names = {r["企业名称"] for r in sheet_rows(export(client, world.inspector).content)}
    assert names == {"常州湖塘机械有限公司", "常州湖塘纺织有限公司"}
    # asking for another township's enterprises does not widen the scope
    asked = {r["企业名称"] for r in sheet_rows(export(client, world.inspector, f"township={world.luoyang.pk}").content)}
    assert "常州洛阳冶金有限公司" not in asked
    assert not sheet_rows(export(client, world.auditor).content)


def test_every_export_writes_an_access_log_row(client, world):
    response = export(client, world.inspector, "status=producing")
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert "filename*=utf-8''" in response["Content-Disposition"]
    log = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT)
    assert log.user == world.inspector
    assert "rows=2" in log.detail and "status=producing" in log.detail


def test_large_export_runs_as_a_job_downloadable_by_its_owner_only(client, world, settings,
                                                                     django_capture_on_commit_callbacks):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, world.bureau, f"township={world.hutang.pk}")
    job = Job.objects.get(owner=world.bureau, kind=EXPORT_JOB, params__export="enterprises.roster")
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.state, job.result, job.done, job.total) == ("done", {"rows": 2}, 2, 2)
    page = client.get(response.url).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in page
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    rows = sheet_rows(b"".join(download.streaming_content))
    assert {r["企业名称"] for r in rows} == {"常州湖塘机械有限公司", "常州湖塘纺织有限公司"}
    log = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT)
    assert (log.user, "rows=2" in log.detail) == (world.bureau, True)

    client.force_login(world.city_staff)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404


def test_export_job_rebuilds_the_queryset_for_its_owner(world):
    """The job keeps only the query string: the rows come from the owner's scope when it runs."""

    job = Job.objects.create(owner=world.inspector, kind=EXPORT_JOB, title="t",
                             params={"export": "enterprises.roster", "query": f"township={world.luoyang.pk}"})
    outcome = export_job(job, lambda done, total=None: None)
    # 洛阳镇 is outside the 湖塘镇 inspector's scope: the filter is invalid for them, so the export
    # holds nothing — neither 洛阳镇's enterprise nor, silently, their whole roster
    assert {r["企业名称"] for r in sheet_rows(outcome.content)} == set()
    job.params = {"export": "enterprises.roster", "query": f"township={world.hutang.pk}"}
    outcome = export_job(job, lambda done, total=None: None)
    assert {r["企业名称"] for r in sheet_rows(outcome.content)} == {"常州湖塘机械有限公司", "常州湖塘纺织有限公司"}


def test_roster_xlsx_reports_progress(world, settings):
    settings.IMPORT_PROGRESS_EVERY = 1
    calls = []
    exports.roster_xlsx(Enterprise.objects.order_by("pk"), progress=lambda done, total=None: calls.append((done, total)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_change_report_xlsx_has_the_summary_and_the_changes(client, world):
    quarter = Period.quarter(2022, 1)
    report = change_report(user=world.bureau, township=world.hutang, quarter=quarter)
    sheet = load_workbook(io.BytesIO(exports.change_report_xlsx(report))).worksheets[0]
    rows = [r for r in sheet.iter_rows(values_only=True)]
    labels = {r[0]: r[1] for r in rows if r and r[0] is not None}
    # the world's two 湖塘镇 enterprises were registered on 2022-01-01
    assert labels["At the start of the quarter"] == 0
    assert labels["Newly registered"] == 2
    assert labels["At the end of the quarter"] == 2
    assert (labels["Producing at the start of the quarter"], labels["Producing at the end of the quarter"]) == (0, 2)
    header = rows.index(next(r for r in rows if r[0] == "Effective date"))
    changes = rows[header + 1:]
    assert {r[2] for r in changes} == {"常州湖塘机械有限公司", "常州湖塘纺织有限公司"}
    assert changes[0][0] == datetime.datetime(2022, 1, 1)

    client.force_login(world.inspector)
    response = client.get(reverse("enterprises:changes") + "?quarter=2022Q1&format=xlsx")
    assert response.status_code == 200 and response["Content-Type"] == exports.XLSX_CONTENT_TYPE


def test_xlsx_response_names_the_file_in_utf8():
    response = exports.xlsx_response(b"x", "企业名录.xlsx")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95.xlsx")
