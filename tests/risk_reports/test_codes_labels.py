"""The label sheet (常安码标签): a PDF of an enterprise's or a workshop's live codes, each label with
the point's name, class, workshop, responsible person and cycle, the Fandol fonts embedded; drawn in
the request when small, by a background job when large; scoped like the points."""
import re
import subprocess
import zlib

import pytest
import segno
from django.urls import reverse
from PIL import Image

from enterprises.models import Enterprise, Status
from portal.jobs.models import Job
from risk_reports import documents
from risk_reports.models import ChanganCode, RiskPoint
from risk_reports.services.codes import code_reissue
from tests.enterprises.factories import make_enterprise_user
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def points(world):
    """Three points in two workshops of 湖塘机械, one in 洛阳冶金 (never on 湖塘机械's sheets)."""
    made = {
        "除尘器": make_point(world.e_hutang, by=world.principal, category="dust_collector", name="布袋除尘器",
                          area="抛光车间", level="red", responsible_person="王责任"),
        "喷漆房": make_point(world.e_hutang, by=world.principal, category="dust_collector", name="喷漆房",
                          area="涂装车间", level="orange", cycle="week"),
        "配电室": make_point(world.e_hutang, by=world.principal, category="dust_collector", name="低压配电室",
                          area="涂装车间", level="blue", cycle="month"),
    }
    made["熔炼炉"] = make_point(world.e_luoyang, category="dust_collector", name="中频熔炼炉", area="熔炼车间")
    return made


def sheet(client, user, query):
    client.force_login(user)
    return client.get(reverse("risk_reports:label_sheet") + query)


def pdf_text(content, tmp_path, *options):
    path = tmp_path / "labels.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", *options, str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_fonts(content, tmp_path):
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]


def inflated(content):
    """The PDF with its Flate streams unpacked (WeasyPrint packs the font dictionaries in object streams)."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            pass
    return b"".join(parts)


def test_the_enterprise_sheet_holds_every_live_code_with_fonts_embedded(client, world, points, tmp_path):
    response = sheet(client, world.principal, "")  # an enterprise user: their own enterprise by default
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    content = response.content
    flat = re.sub(r"\s+", "", pdf_text(content, tmp_path))
    for name in ("布袋除尘器", "喷漆房", "低压配电室", "抛光车间", "涂装车间", "常州湖塘机械有限公司", "王责任"):
        assert name in flat, name
    assert "中频熔炼炉" not in flat
    # the classes and cycles in Chinese, the hint, each code's short id
    for text in ("重大风险", "较大风险", "低风险", "每天", "每周", "每月", "扫码自查"):
        assert text in flat, text
    for point in ("除尘器", "喷漆房", "配电室"):
        assert ChanganCode.objects.get(point=points[point], revoked_at__isnull=True).token[:6] in flat
    assert b"/FontFile" in inflated(content)
    rows = pdf_fonts(content, tmp_path)
    assert rows and all("Fandol" in row and re.search(r"\byes\s+yes\s+yes\b", row) for row in rows), rows


def test_each_label_draws_the_qr_of_its_scan_url(client, world, points, tmp_path, settings):
    """The QR images read back from the PDF (pdfimages: one pixel a module, 4 modules of quiet zone)
    are the symbols segno makes of each live code's scan URL (compared in any order: the workshops'
    and points' order is the database's collation)."""
    settings.PORTAL_BASE_URL = "http://10.20.30.40:8000"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(sheet(client, world.principal, "").content)
    subprocess.run(["pdfimages", "-png", str(path), str(tmp_path / "qr")], check=True)
    drawn = []
    for image in sorted(tmp_path.glob("qr-*.png")):
        with Image.open(image) as im:
            grey = im.convert("L")
            drawn.append([[grey.getpixel((x, y)) < 128 for x in range(grey.width)] for y in range(grey.height)])
    expected = []
    for point in ("除尘器", "配电室", "喷漆房"):
        token = ChanganCode.objects.get(point=points[point], revoked_at__isnull=True).token
        matrix = segno.make_qr(f"http://10.20.30.40:8000/c/{token}/", error="q").matrix
        size = len(matrix) + 8
        expected.append([[4 <= x < size - 4 and 4 <= y < size - 4 and bool(matrix[y - 4][x - 4])
                          for x in range(size)] for y in range(size)])
    assert len(drawn) == 3 and sorted(map(str, drawn)) == sorted(map(str, expected))


def test_a_workshop_sheet_holds_only_that_workshop(client, world, points, tmp_path):
    response = sheet(client, world.principal, f"?enterprise={world.e_hutang.pk}&area=涂装车间")
    flat = re.sub(r"\s+", "", pdf_text(response.content, tmp_path))
    assert "喷漆房" in flat and "低压配电室" in flat
    assert "布袋除尘器" not in flat and "抛光车间" not in flat


def test_revoked_codes_and_retired_points_are_not_printed(client, world, points, tmp_path):
    old = ChanganCode.objects.get(point=points["除尘器"], revoked_at__isnull=True)
    new = code_reissue(point=points["除尘器"], by=world.principal, reason="标签丢失")
    RiskPoint.objects.filter(pk=points["配电室"].pk).update(retired_on="2026-11-16")
    flat = re.sub(r"\s+", "", pdf_text(sheet(client, world.principal, "").content, tmp_path))
    assert new.token[:6] in flat and old.token[:6] not in flat
    assert "低压配电室" not in flat and "布袋除尘器" in flat


def test_a_supervisor_prints_any_enterprise_in_scope(client, world, points, tmp_path):
    response = sheet(client, world.inspector, f"?enterprise={world.e_hutang.pk}")
    assert response.status_code == 200
    assert "布袋除尘器" in re.sub(r"\s+", "", pdf_text(response.content, tmp_path))


@pytest.mark.parametrize("who, query", [
    ("luoyang_inspector", "?enterprise={hutang}"),  # another township's enterprise
    ("other_principal", "?enterprise={hutang}"),     # another enterprise
    ("inspector", "?enterprise={luoyang}"),
    ("inspector", ""),                               # a supervisor must name the enterprise
    ("inspector", "?enterprise=abc"),
    ("auditor", "?enterprise={hutang}"),
])
def test_out_of_scope_is_404(client, world, points, who, query):
    world.other_principal = make_enterprise_user(world.e_luoyang, "principal", username="luoyang_boss")
    query = query.format(hutang=world.e_hutang.pk, luoyang=world.e_luoyang.pk)
    assert sheet(client, getattr(world, who), query).status_code == 404
    assert not Job.objects.exists()


def test_a_deregistered_enterprise_gets_no_sheet(client, world, points):
    Enterprise.objects.filter(pk=world.e_hutang.pk).update(status=Status.DEREGISTERED)
    response = sheet(client, world.inspector, f"?enterprise={world.e_hutang.pk}")
    assert response.status_code == 400
    assert "该企业已注销" in response.content.decode()


def test_a_large_sheet_is_a_job_with_progress_and_its_file(client, world, points, monkeypatch, tmp_path,
                                                         django_capture_on_commit_callbacks):
    monkeypatch.setattr(documents, "SYNC_MAX_LABELS", 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = sheet(client, world.principal, "")
    job = Job.objects.get(owner=world.principal, kind=documents.JOB_KIND)
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    # 3 labels: progress counts labels, done when all three are laid out
    assert (job.state, job.result, job.done, job.total) == ("done", {"labels": 3}, 3, 3)
    assert job.params["base"] == "http://testserver" and job.params["enterprise"] == world.e_hutang.pk
    download = client.get(reverse("jobs:download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    assert "低压配电室" in re.sub(r"\s+", "", pdf_text(content, tmp_path))


def test_the_job_rebuilds_the_sheet_as_its_owner(world, points):
    """A job keeps ids: whom it was started for decides again when it runs."""
    job = Job.objects.create(owner=world.luoyang_inspector, kind=documents.JOB_KIND, title="t",
                             params={"enterprise": world.e_hutang.pk, "area": "", "base": "http://x"})
    with pytest.raises(documents.JobFailed):
        documents.label_sheet_job(job, lambda done, total=None: None)


def test_chunks_merge_into_one_numbered_sheet_with_each_font_once(client, world, points, monkeypatch, tmp_path):
    """Laid out a chunk at a time: 3 labels at 2 a page and 1 page a chunk make 2 chunks, merged."""
    monkeypatch.setattr(documents, "PER_PAGE", 2)
    monkeypatch.setattr(documents, "CHUNK_PAGES", 1)
    seen = []
    codes = documents.sheet_codes(world.principal, world.e_hutang)
    content = documents.sheet_pdf(codes, enterprise=world.e_hutang, base="http://x",
                                  progress=lambda done, total=None: seen.append((done, total)))
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]  # 2 of 3 laid out -> 2 * 2 // 3 = 1; 3 -> 2; drawn -> 3
    text = pdf_text(content, tmp_path)
    assert "第 1 / 2 页" in text and "第 2 / 2 页" in text
    path = tmp_path / "merged.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+2\b", info)
    names = [row.split()[0].split("+")[1] for row in pdf_fonts(content, tmp_path)]
    assert len(names) == len(set(names)), names  # one subset per face, not one per chunk
