"""The job pages (list, detail, the htmx status partial) and the import job's progress."""
import io

from django.urls import reverse
from django.utils import translation
import pytest

from enterprises import importers
from enterprises.tasks import roster_import_job
from portal.jobs.models import Job
from portal.jobs.services import job_run

from tests.enterprises.test_import import row, xlsx_file


@pytest.fixture(autouse=True)
def _english_and_fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


def make_job(owner, **fields):
    fields.setdefault("kind", "enterprises.export")
    fields.setdefault("title", "Roster export (3 enterprises)")
    return Job.objects.create(owner=owner, **fields)


def test_job_list_shows_the_users_jobs_with_state_progress_and_links(client, world):
    running = make_job(world.bureau, state=Job.State.RUNNING, done=50, total=200, title="Running export")
    failed = make_job(world.bureau, state=Job.State.FAILED, title="Failed import", kind="enterprises.import",
                      result={"errors": [{"text": "x"}], "errors_url": "/enterprises/import/1/errors.xlsx"})
    make_job(world.inspector, title="Someone else's export")
    client.force_login(world.bureau)
    page = client.get(reverse("jobs:list")).content.decode()
    assert "Running export" in page and "Failed import" in page
    assert "Someone else's export" not in page
    assert 'aria-valuenow="25"' in page  # 50 of 200
    assert reverse("jobs:detail", args=[running.pk]) in page
    assert failed.result["errors_url"] in page


def test_running_job_page_polls_its_status_every_second(client, world):
    job = make_job(world.bureau, state=Job.State.RUNNING, done=1000, total=4000)
    client.force_login(world.bureau)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("jobs:detail", args=[job.pk])}"' in page and 'hx-trigger="every 1s"' in page
    assert 'data-percent="25"' in page and "已处理 1000 / 4000 行" in page
    assert "<html" in page
    partial = client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'hx-trigger="every 1s"' in partial


def test_finished_export_job_offers_its_file_and_stops_polling(client, world):
    from django.core.files.base import ContentFile

    job = make_job(world.bureau, state=Job.State.DONE, total=3, done=3, result={"rows": 3}, message="3 exported.")
    job.file.save("roster.xlsx", ContentFile(b"data"), save=False)
    job.file_name = "roster.xlsx"
    job.save()
    client.force_login(world.bureau)
    page = client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in page
    assert reverse("jobs:download", args=[job.pk]) in page and "3 exported." in page


def test_failed_import_job_page_lists_the_errors(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.inspector)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprises:import"), {"file": xlsx_file([row(状态="关闭"), row(行业="造船")])})
    job = Job.objects.get(owner=world.inspector)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "未导入任何数据：文件中有 2 处问题" in page
    assert "第 2 行 “状态”：请填写“在产”“停产”或“销号”。" in page
    assert "第 3 行 “行业”：未知行业 造船" in page
    assert reverse("enterprises:import_errors", args=[job.pk]) in page
    assert reverse("jobs:download", args=[job.pk]) not in page  # the upload itself is not offered back


def test_import_job_reports_progress_every_n_rows(world, settings):
    settings.IMPORT_PROGRESS_EVERY = 2
    calls = []
    result = importers.roster_import(file_obj=xlsx_file([row() for _i in range(5)]), user=world.bureau,
                                     progress=lambda done, total=None: calls.append((done, total)))
    assert result["created"] == 5
    assert calls == [(0, 5), (2, 5), (4, 5)]


def test_import_job_runs_through_the_job_machinery(world, settings):
    from django.core.files.base import ContentFile

    settings.IMPORT_PROGRESS_EVERY = 1
    job = Job.objects.create(owner=world.bureau, kind="enterprises.import", title="import",
                             params={"file_name": "a.xlsx", "remote_addr": "10.2.3.4", "language": "en"})
    job.file.save("a.xlsx", ContentFile(xlsx_file([row(), row()]).getvalue()))
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.result, job.done, job.total) == ("done", {"created": 2, "updated": 0, "unchanged": 0}, 2, 2)
    assert job.message == "Imported: 2 new, 0 updated, 0 unchanged."
    assert job.file_name == ""  # nothing to download: the job produced no file


def test_import_handler_fails_the_job_with_the_error_list(world):
    from django.core.files.base import ContentFile
    from portal.jobs.services import JobFailed

    job = Job.objects.create(owner=world.inspector, kind="enterprises.import", title="import", params={})
    job.file.save("a.xlsx", ContentFile(xlsx_file([row(板块="洛阳镇")]).getvalue()))
    with pytest.raises(JobFailed) as exc_info:
        roster_import_job(job, lambda done, total=None: None)
    result = exc_info.value.result
    assert result["error_count"] == 1 and result["markable"] is True
    assert result["errors"][0]["row"] == 2 and result["errors"][0]["column"] == "板块"


def test_import_errors_view_needs_a_failed_import_of_ones_own(client, world):
    job = make_job(world.bureau, kind="enterprises.import", state=Job.State.DONE)
    client.force_login(world.bureau)
    assert client.get(reverse("enterprises:import_errors", args=[job.pk])).status_code == 404
    assert client.get(reverse("enterprises:import_errors", args=[987654])).status_code == 404


def test_job_pages_need_a_sign_in(client, world):
    job = make_job(world.bureau)
    response = client.get(reverse("jobs:detail", args=[job.pk]))
    assert response.status_code == 302 and "login" in response.url


def test_progress_total_is_counted_for_files_without_a_recorded_size(client, world, settings):
    """Our own export (openpyxl's streaming writer) records no sheet size; the bar still has a total."""
    settings.IMPORT_PROGRESS_EVERY = 1
    client.force_login(world.bureau)
    content = client.get(reverse("enterprises:export")).content
    calls = []
    importers.roster_import(file_obj=io.BytesIO(content), user=world.bureau,
                            progress=lambda done, total=None: calls.append((done, total)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
