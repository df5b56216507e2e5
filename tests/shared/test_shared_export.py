"""The shared .xlsx export (portal.jobs.exports): any app registers a scoped queryset and its
columns and gets the file at once, or past EXPORT_SYNC_MAX_ROWS a job with progress and a download
that only its owner sees — shown here with an export no app ships (regions as the user sees them)."""
import io

from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook
import pytest

from grid.models import Region
from portal.accounts import scope
from portal.accounts.models import AccessLog
from portal.jobs import exports
from portal.jobs.models import Job


def _regions(user, query):
    queryset = scope.regions(user).filter(level=query.get("level") or Region.Level.TOWNSHIP).order_by("code")
    return queryset, "=区域清单"  # a title that looks like a formula


def _write(queryset, *, title, progress=None):
    rows = ((r.code, r.name, None) for r in queryset)
    columns = [exports.Column("区划代码", 14), exports.Column("名称", 20), exports.Column("备注", 10, date=True)]
    return exports.sheet_xlsx(rows, columns, sheet_title="区域", title=title, total=queryset.count(),
                              progress=progress)


@pytest.fixture
def region_export():
    export = exports.register(exports.Export(kind="tests.regions", queryset=_regions, write=_write,
                                             file_name=lambda: "区域.xlsx", job_title="区域导出（%(n)d 个）",
                                             done_message="已导出 %(n)d 个区域。"))
    yield export
    exports._exports.pop(export.kind, None)


def _sheet(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return sheet, [tuple(c.value for c in row) for row in sheet.iter_rows()]


def test_a_small_export_is_the_file_at_once(world, region_export):
    request = RequestFactory().get("/x/?level=township&page=3")
    request.user = world.inspector
    response = exports.export_respond(request, "tests.regions")
    assert response.status_code == 200 and response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    sheet, rows = _sheet(response.content)
    # title neutralised, header, then only 湖塘镇: the inspector's scope (paging parameters dropped)
    assert rows == [("'=区域清单", None, None), ("区划代码", "名称", "备注"), (world.hutang.code, "湖塘镇", None)]
    assert sheet.freeze_panes == "B3"
    log = AccessLog.objects.get(kind=AccessLog.Kind.EXPORT)
    assert log.detail == "tests.regions export rows=1 filters=level=township"


def test_a_large_export_is_a_job_for_its_owner_alone(client, world, region_export, settings,
                                                      django_capture_on_commit_callbacks):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    request = RequestFactory().get("/x/")
    request.user = world.bureau
    with django_capture_on_commit_callbacks(execute=True):
        response = exports.export_respond(request, "tests.regions")
    job = Job.objects.get(owner=world.bureau, kind=exports.EXPORT_JOB)
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    wujin_townships = Region.objects.filter(parent=world.wujin).count()  # the bureau of 武进区 sees its 13
    assert (job.state, job.result, job.done, job.total) == ("done", {"rows": wujin_townships}, wujin_townships,
                                                             wujin_townships)
    assert job.title == f"区域导出（{wujin_townships} 个）" and job.message == f"已导出 {wujin_townships} 个区域。"
    client.force_login(world.bureau)
    download = client.get(reverse("jobs:download", args=[job.pk]))
    _sheet_, rows = _sheet(b"".join(download.streaming_content) if download.streaming else download.content)
    assert len(rows) == 2 + wujin_townships
    client.force_login(world.inspector)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_an_unknown_export_is_a_lookup_error():
    with pytest.raises(LookupError):
        exports.get("nobody.nothing")
