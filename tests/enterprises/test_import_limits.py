"""Workbooks made to be large (§10): refused early by their rows and by the size they unpack to,
their problems listed up to a limit, large imports run in the background, and a job whose worker
died is failed rather than left running. The hostile workbooks are built here, in memory."""
import datetime
import io
import time
import zipfile

from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
import pytest

from enterprises import importers
from enterprises.importers import COLUMNS, RosterImportError, roster_import
from enterprises.models import Enterprise
from portal.jobs import tasks as job_tasks
from portal.jobs.models import Job
from portal.jobs.services import job_run, jobs_fail_stale

from tests.enterprises.test_import import row, xlsx_file
from tests.enterprises.test_roster import roster_snapshot


@pytest.fixture(autouse=True)
def _english(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


def _rewritten(content, replace):
    """The workbook ``content`` with the zip members named in ``replace`` ({name: writer(f)}) written anew."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in replace:
                continue
            target.writestr(info, source.read(info.filename))
        for name, write in replace.items():
            with target.open(name, "w", force_zip64=True) as member:
                write(member)
    return out.getvalue()


def _shared_strings_of(megabytes):
    """A sharedStrings part of one string ``megabytes`` long: packs to almost nothing."""
    def write(member):
        member.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
        chunk = b"A" * (1024 * 1024)
        for _ in range(megabytes):
            member.write(chunk)
        member.write(b"</t></si></sst>")
    return write


def _errors(exc_info):
    return [str(e) for e in exc_info.value.errors]


def test_a_shared_strings_bomb_is_refused_before_it_is_unpacked(world):
    # 400 MB of shared strings in a file of well under 1 MB, under the default limits
    content = _rewritten(xlsx_file([row()]).getvalue(), {"xl/sharedStrings.xml": _shared_strings_of(400)})
    assert len(content) < 1024 * 1024
    before = roster_snapshot()
    started = time.monotonic()
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=io.BytesIO(content), user=world.bureau)
    assert time.monotonic() - started < 5  # nothing was unpacked to find out
    assert "unpacks to 400 MB" in _errors(exc_info)[0] and "up to 100 MB" in _errors(exc_info)[0]
    assert roster_snapshot() == before


def test_the_unpacked_limit_is_a_setting(world, settings):
    settings.IMPORT_MAX_UNPACKED_MB = 1
    plain = xlsx_file([row()]).getvalue()
    # 2 MB of distinct text packs about as well as a real sheet does: only the size refuses it
    def text(member):
        member.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        for n in range(60000):
            member.write(f"<si><t>{n * 7919 % 1000003:07d}常州</t></si>".encode())
        member.write(b"</sst>")
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=io.BytesIO(_rewritten(plain, {"xl/sharedStrings.xml": text})), user=world.bureau)
    assert "up to 1 MB unpacked" in _errors(exc_info)[0]
    assert Enterprise.objects.count() == 3


def test_a_member_packed_like_a_zip_bomb_is_refused_whatever_the_size_limit(world, settings):
    settings.IMPORT_MAX_UNPACKED_MB = 10_000
    content = _rewritten(xlsx_file([row()]).getvalue(), {"xl/sharedStrings.xml": _shared_strings_of(20)})
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=io.BytesIO(content), user=world.bureau)
    assert "unpacks to 20 MB" in _errors(exc_info)[0]


def _sheet_of_rows(rows, dimension=None):
    """A first sheet of ``rows`` empty rows after a header, as a small hostile file would have them."""
    def write(member):
        member.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main">')
        if dimension:
            member.write(f'<dimension ref="{dimension}"/>'.encode())
        member.write(b'<sheetData><row r="1">')
        for index, name in enumerate(COLUMNS):
            member.write(f'<c r="{chr(65 + index)}1" t="inlineStr"><is><t>{name}</t></is></c>'.encode())
        member.write(b"</row>")
        block = 10000
        for start in range(2, rows + 2, block):
            member.write("".join(f'<row r="{n}"/>' for n in range(start, min(start + block, rows + 2))).encode())
        member.write(b"</sheetData></worksheet>")
    return write


@pytest.mark.parametrize("dimension", ["A1:P1048576", None])
def test_a_million_rows_are_refused_before_a_row_is_read(world, monkeypatch, dimension):
    content = _rewritten(xlsx_file([row()]).getvalue(),
                         {"xl/worksheets/sheet1.xml": _sheet_of_rows(1048575, dimension)})
    assert len(content) < 3 * 1024 * 1024
    monkeypatch.setattr(importers, "_parse_row", lambda *a: pytest.fail("a row was read"))
    before = roster_snapshot()
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=io.BytesIO(content), user=world.bureau)
    assert "at most 100000 rows can be imported at once" in _errors(exc_info)[0]
    assert roster_snapshot() == before


def test_the_row_limit_is_a_setting_and_counts_files_without_a_recorded_size(world, settings):
    settings.IMPORT_MAX_ROWS = 3
    from enterprises import exports
    for _ in range(2):
        roster_import(file_obj=xlsx_file([row()]), user=world.bureau)
    assert Enterprise.objects.count() == 5
    export = exports.roster_xlsx(exports.export_queryset(world.bureau, ""))  # streamed: no recorded size
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=io.BytesIO(export), user=world.bureau)
    assert "5 rows or more; at most 3 rows" in _errors(exc_info)[0]
    # a recorded size that understates the rows does not slip past either
    small = xlsx_file([row(), row(), row(), row()]).getvalue()
    lying = _rewritten(small, {"xl/worksheets/sheet1.xml": lambda m: m.write(
        load_sheet_xml(small).replace(b'<dimension ref="A1:P5"/>', b'<dimension ref="A1:P2"/>'))})
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=io.BytesIO(lying), user=world.bureau)
    assert "at most 3 rows" in _errors(exc_info)[0]
    assert Enterprise.objects.count() == 5


def load_sheet_xml(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_the_error_list_stops_at_the_limit_and_says_how_many_more(world, settings):
    settings.IMPORT_MAX_ERRORS = 3
    bad = [row(板块="不存在镇") for _ in range(5)]  # five bad rows, one problem each
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=xlsx_file([row(), *bad]), user=world.bureau)
    exc = exc_info.value
    assert (len(exc.errors), exc.error_count, exc.more) == (3, 5, 2)
    assert [e.row for e in exc.errors] == [3, 4, 5]
    assert exc.messages[-1] == "2 more problem(s) not listed."
    with translation.override("zh-hans"):
        assert importers.more_errors_text(2) == "还有 2 处错误未列出。"
    # the marked copy marks the listed ones and says the rest
    marked = load_workbook(io.BytesIO(importers.roster_errors_xlsx(xlsx_file([row(), *bad]), exc.errors,
                                                                   more=exc.more)))
    listing = marked.worksheets[1]
    assert [r[0] for r in listing.iter_rows(min_row=2, values_only=True)] == [3, 4, 5, None]
    assert listing.cell(row=5, column=3).value == "2 more problem(s) not listed."


def test_the_error_file_of_a_large_sheet_is_the_listing_alone(world, settings, monkeypatch):
    monkeypatch.setattr(importers, "MARKED_COPY_MAX_ROWS", 2)
    upload = xlsx_file([row(), row(板块="不存在镇"), row()])
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=upload, user=world.bureau)
    marked = load_workbook(io.BytesIO(importers.roster_errors_xlsx(upload, exc_info.value.errors)))
    assert [s.title for s in marked.worksheets] == ["Errors"]
    assert [r[:2] for r in marked.worksheets[0].iter_rows(min_row=2, values_only=True)] == [(3, "板块")]


def test_the_job_page_says_how_many_problems_are_not_listed(client, world, settings):
    settings.IMPORT_MAX_ERRORS = 2
    client.force_login(world.bureau)
    response = client.post(reverse("enterprises:import"), {"file": xlsx_file([row(板块="不存在镇") for _ in range(4)])})
    job = Job.objects.get(owner=world.bureau)
    assert (job.state, job.result["error_count"], job.result["more"]) == ("failed", 4, 2)
    page = client.get(response.url).content.decode()
    assert page.count('class="list-group-item list-group-item-danger"') == 2
    assert 'id="job-errors-more"' in page and "还有 2 处错误未列出。" in page  # the page is Chinese


def test_a_file_with_too_many_rows_is_refused_on_the_form(client, world, settings):
    settings.IMPORT_MAX_ROWS = 2
    client.force_login(world.bureau)
    response = client.post(reverse("enterprises:import"), {"file": xlsx_file([row(), row(), row()])})
    assert response.status_code == 200 and not Job.objects.exists()
    assert "一次最多导入 2 行" in response.content.decode()


def test_small_imports_run_in_the_request_large_ones_in_the_background(client, world, settings,
                                                                       django_capture_on_commit_callbacks):
    settings.IMPORT_SYNC_MAX_ROWS = 2
    client.force_login(world.bureau)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(reverse("enterprises:import"), {"file": xlsx_file([row(), row()])})
    small = Job.objects.get()
    assert (small.state, small.result["created"], len(queued)) == ("done", 2, 0)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("enterprises:import"), {"file": xlsx_file([row(), row(), row()])})
    large = Job.objects.exclude(pk=small.pk).get()
    assert (large.state, len(queued)) == ("queued", 1)  # handed to the worker once committed
    assert Enterprise.objects.count() == 5
    queued[0]()  # the worker runs it (eagerly here), reporting progress
    large.refresh_from_db()
    assert (large.state, large.result["created"], large.total) == ("done", 3, 3)
    assert response.url == reverse("jobs:detail", args=[large.pk])


def _running(owner, minutes_ago, **fields):
    job = Job.objects.create(owner=owner, kind="enterprises.import", title="Roster import: big.xlsx",
                             state=Job.State.RUNNING, **fields)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))
    return job


def test_a_job_whose_worker_died_is_failed_when_read_and_by_the_sweep(client, world, settings):
    settings.JOB_STALE_MINUTES = 15
    dead, alive = _running(world.bureau, 20), _running(world.bureau, 2)
    other = _running(world.inspector, 30)
    client.force_login(world.bureau)
    page = client.get(reverse("jobs:detail", args=[dead.pk])).content.decode()
    dead.refresh_from_db()
    assert dead.state == "failed" and dead.finished_at is not None
    assert "任务意外中止" in page and 'data-state="failed"' in page
    alive.refresh_from_db()
    assert alive.state == "running"  # still reporting
    assert Job.objects.get(pk=other.pk).state == "running"  # reading one's own jobs touches no one else's
    assert job_tasks.jobs_fail_stale() == 1  # the periodic sweep
    assert Job.objects.get(pk=other.pk).state == "failed"
    assert Job.objects.get(pk=alive.pk).state == "running"


def test_a_job_without_a_heartbeat_is_judged_by_its_start(world, settings):
    settings.JOB_STALE_MINUTES = 15
    old = Job.objects.create(owner=world.bureau, kind="enterprises.import", title="x", state=Job.State.RUNNING)
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert jobs_fail_stale() == 1


def test_a_redelivered_task_fails_the_job_its_dead_worker_left_running(world):
    job = _running(world.bureau, 1)
    assert job_run(job_id=job.pk) is None  # a duplicate delivery while it runs: left alone
    job.refresh_from_db()
    assert job.state == "running"
    assert job_run(job_id=job.pk, redelivered=True) is None  # the worker was lost: failed, not run again
    job.refresh_from_db()
    assert job.state == "failed"


def test_progress_is_a_heartbeat(world, settings):
    settings.IMPORT_PROGRESS_EVERY = 1
    from portal.jobs.services import job_create
    job = job_create(owner=world.bureau, kind="enterprises.import", title="x")
    job.file.save("roster.xlsx", io.BytesIO(xlsx_file([row(), row()]).getvalue()), save=True)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "done" and job.heartbeat_at > timezone.now() - datetime.timedelta(minutes=1)


def test_the_refusals_are_chinese(world, settings):
    settings.IMPORT_MAX_ROWS = 1
    with translation.override("zh-hans"), pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=xlsx_file([row(), row()]), user=world.bureau)
    assert _errors(exc_info) == ["第一张工作表有 2 行或更多，一次最多导入 1 行。请删去表末的空行，或把名录拆分成几个较小的文件。"]


def test_the_job_task_is_requeued_when_its_worker_is_lost():
    task = job_tasks.job_run
    assert task.acks_late and task.reject_on_worker_lost
