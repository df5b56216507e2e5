"""The shared document renderer (GB/T 9704-2012 layout) and document numbering (issue 4)."""
import datetime
import re
import subprocess

import pytest

from portal.documents.models import DocumentNumber
from portal.documents.render import DocumentFontMissing, cn_date, render_html, render_pdf
from portal.documents.services import document_number_next

from tests.shared.document_samples import sample_context


# --- numbering ---------------------------------------------------------------------------------

def test_first_number_is_one_then_two(db):
    assert document_number_next(prefix="常应急函", year=2022) == (1, "常应急函〔2022〕1号")
    assert document_number_next(prefix="常应急函", year=2022) == (2, "常应急函〔2022〕2号")


def test_sequences_are_per_prefix_and_per_year(db, wujin):
    document_number_next(prefix="常应急函", year=2022)
    document_number_next(prefix="常应急函", year=2022)
    assert document_number_next(prefix="武应急责改", year=2022, kind="rectification", region=wujin)[0] == 1
    assert document_number_next(prefix="常应急函", year=2023)[0] == 1
    assert document_number_next(prefix="常应急函", year=2022)[0] == 3
    row = DocumentNumber.objects.get(prefix="武应急责改", year=2022)
    assert (row.kind, row.region, row.last_number) == ("rectification", wujin, 1)


def test_text_format_matches_seed_001(db):
    # seed 001: 常应急函〔2022〕89号 — year in 〔〕, no 第, no leading zeros
    DocumentNumber.objects.create(prefix="常应急函", year=2022, last_number=88)
    assert document_number_next(prefix="常应急函", year=2022) == (89, "常应急函〔2022〕89号")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_callers_never_share_a_number():
    """Four threads, each on its own connection, race for the first row and then for numbers."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    # the suite runs on PostgreSQL (the row locks under test); never skipped
    assert connection.vendor == "postgresql", "run the suite on PostgreSQL (make test)"

    def take(_):
        try:
            return [document_number_next(prefix="常应急函", year=2024)[0] for _ in range(5)]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        numbers = [n for batch in pool.map(take, range(4)) for n in batch]
    assert sorted(numbers) == list(range(1, 21))


def test_cn_date_has_no_leading_zeros():
    assert cn_date(datetime.date(2022, 10, 8)) == "2022年10月8日"


# --- rendering ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("documents") / "sample.pdf"
    path.write_bytes(render_pdf("documents/sample_notice.html", sample_context()))
    return path


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def test_text_reads_back_in_layout_order(sample_pdf):
    text = run("pdftotext", "-layout", str(sample_pdf), "-")
    flat = re.sub(r"\s+", "", text)
    expected = ["常州市应急管理局", "常应急函〔2022〕89号", "关于三季度全市非煤矿山、冶金等工贸条线",
                "有关情况的通报", "各辖市（区）应急管理局、常州经开区政法和应急局：", "一、主要工作",
                "（一）持续加强非煤矿山安全监管。", "排名地区风险逾期率", "天宁区", "（二）统筹推进安全生产大检查。",
                "二、存在问题", "三、下一步工作", "常州市应急管理局2022年10月8日",
                "抄送：市安委会各成员单位，各辖市（区）人民政府。", "常州市应急管理局办公室2022年10月8日印发"]
    position = 0
    for piece in expected:
        found = flat.find(piece, position)
        assert found >= 0, f"{piece!r} missing or out of order after position {position}"
        position = found + len(piece)


def test_fonts_are_embedded_fandol_subsets(sample_pdf):
    rows = run("pdffonts", str(sample_pdf)).splitlines()[2:]
    fandol = [row for row in rows if "Fandol" in row]
    names = " ".join(row.split()[0] for row in fandol)
    for face in ("FandolFang", "FandolSongBold", "FandolHei", "FandolKai", "FandolSong"):
        assert f"+{face} " in names + " ", names
    # columns: name type encoding emb sub uni object ID -> emb and sub are "yes"
    for row in rows:
        assert re.search(r"\byes\s+yes\s+yes\b", row), row


def test_two_a4_pages_with_page_numbers(sample_pdf):
    info = run("pdfinfo", str(sample_pdf))
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    text = run("pdftotext", "-layout", str(sample_pdf), "-")
    # "— 1 —": pdftotext drops the spaces around the digits
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)


def test_html_keeps_the_layout_parts():
    html = render_html("documents/sample_notice.html", sample_context())
    assert "各辖市（区）应急管理局、常州经开区政法和应急局：" in html
    assert "display: flex" not in html and "display:flex" not in html
    assert "FandolFang-Regular.otf" in html


def test_missing_font_dir_names_the_setup_script(settings, tmp_path):
    settings.FONT_DIR = tmp_path / "no-fonts"
    with pytest.raises(DocumentFontMissing, match="scripts/fonts.sh"):
        render_pdf("documents/sample_notice.html", sample_context())


def words(pdf, page):
    """(text, xMin, yMin, xMax, yMax) in pt of each word pdftotext finds on a page."""
    xml = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    return [(m[5], *map(float, m.groups()[:4])) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', xml)]


MM = 72 / 25.4
TEXT_LEFT, TEXT_RIGHT = 28 * MM, (210 - 26) * MM   # text block 156 mm wide
TEXT_TOP, TEXT_BOTTOM = 37 * MM, (297 - 35) * MM   # and 225 mm high


def test_geometry_follows_gb_t_9704(sample_pdf):
    first = {w[0]: w[1:] for w in words(sample_pdf, 1)}
    # the authority's top edge 35 mm below the top of the text block
    assert first["常州市应急管理局"][1] == pytest.approx(TEXT_TOP + 35 * MM, abs=2)
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(sample_pdf))).group(1))
    last = {w[0]: w[1:] for w in words(sample_pdf, pages)}
    cc = next(box for text, box in last.items() if text.startswith("抄送："))
    printed = last["2022年10月8日印发"]
    # 抄送 one character (14 pt) in from the left, the print date one in from the right
    assert cc[0] == pytest.approx(TEXT_LEFT + 14, abs=1.5)
    assert printed[2] == pytest.approx(TEXT_RIGHT - 14, abs=1.5)
    # the closing block sits at the foot of the last page, inside the text block
    assert TEXT_BOTTOM - 2 * 28.95 < printed[3] <= TEXT_BOTTOM
    # page numbers 7 mm below the text block
    dashes = [box for text, box in last.items() if text == "—"] or [
        box for text, box in last.items() if text.startswith("—")]
    assert dashes and dashes[0][1] == pytest.approx(TEXT_BOTTOM + 7 * MM, abs=4)
