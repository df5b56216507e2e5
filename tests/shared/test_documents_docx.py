"""The .docx twin of the PDF renderer (portal/documents/docx.py): the same texts in GB/T 9704-2012's
layout, read back with python-docx, and compared with the PDF of the same context."""
import io
import re
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table

from portal.documents.docx import render_docx
from portal.documents.render import render_pdf

from tests.shared.document_samples import PARAGRAPH, sample_context


@pytest.fixture(scope="module")
def sample_docx():
    return Document(io.BytesIO(render_docx(sample_context())))


def pieces(document):
    """The text of each paragraph and table cell in document order, blank ones left out."""
    texts = []
    for item in document.iter_inner_content():
        cells = [cell for row in item.rows for cell in row.cells] if isinstance(item, Table) else [item]
        texts += [cell.text for cell in cells if cell.text.strip()]
    return texts


def east_asian_face(run):
    fonts = run._element.rPr.rFonts
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def paragraph_with(document, text):
    return next(p for p in document.paragraphs if p.text == text)


def test_text_in_layout_order(sample_docx):
    assert pieces(sample_docx) == [
        "常州市应急管理局",
        "常应急函〔2022〕89号",
        "关于三季度全市非煤矿山、冶金等工贸条线\n有关情况的通报",
        "各辖市（区）应急管理局、常州经开区政法和应急局：",
        "现将三季度全市非煤矿山、冶金等工贸条线有关情况通报如下：",
        "一、主要工作",
        "（一）持续加强非煤矿山安全监管。",
        PARAGRAPH, PARAGRAPH,
        "排名", "地区", "风险逾期率", "1", "天宁区", "12.5%", "2", "钟楼区", "18.0%", "3", "武进区", "31.2%",
        "（二）统筹推进安全生产大检查。",
        PARAGRAPH, PARAGRAPH,
        "二、存在问题",
        PARAGRAPH,
        "三、下一步工作",
        PARAGRAPH,
        "常州市应急管理局",
        "2022年10月8日",
        "抄送：市安委会各成员单位，各辖市（区）人民政府。",
        "常州市应急管理局办公室\t2022年10月8日印发",
    ]


def test_a4_with_the_standard_margins(sample_docx):
    section = sample_docx.sections[0]
    mm = {name: getattr(section, name).mm for name in (
        "page_width", "page_height", "top_margin", "left_margin", "right_margin", "bottom_margin")}
    expected = {"page_width": 210, "page_height": 297, "top_margin": 37, "left_margin": 28,
                "right_margin": 26, "bottom_margin": 35}
    for name, value in expected.items():
        assert mm[name] == pytest.approx(value, abs=0.5), name
    # 28 characters a line: 3号 tightened so that 28 fit the 156 mm text block, and 29 do not
    body = paragraph_with(sample_docx, PARAGRAPH).runs[0]
    pitch = 16 + int(body._element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert pitch * 28 <= (210 - 28 - 26) * 72 / 25.4 < pitch * 29


def test_fonts_and_sizes_of_the_body(sample_docx):
    body = paragraph_with(sample_docx, PARAGRAPH)
    assert [east_asian_face(run) for run in body.runs] == ["仿宋"]
    assert body.runs[0].font.size.pt == 16
    assert body.paragraph_format.first_line_indent.pt == 32   # two characters
    assert body.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    assert [east_asian_face(run) for run in paragraph_with(sample_docx, "一、主要工作").runs] == ["黑体"]
    h2 = paragraph_with(sample_docx, "（一）持续加强非煤矿山安全监管。")
    assert [east_asian_face(run) for run in h2.runs] == ["楷体"]
    table = sample_docx.tables[0]
    assert table.rows[1].cells[1].paragraphs[0].runs[0].font.size.pt == 12


def test_every_run_names_its_east_asian_face(sample_docx):
    section = sample_docx.sections[0]
    containers = [sample_docx, *(cell for table in sample_docx.tables for row in table.rows
                                 for cell in row.cells), section.footer, section.even_page_footer]
    runs = [run for container in containers for paragraph in container.paragraphs
            for run in paragraph.runs]
    assert runs and all(east_asian_face(run) in {"仿宋", "宋体", "黑体", "楷体"} for run in runs)
    # and digits in the same face: ascii and hAnsi as well
    assert all(run._element.rPr.rFonts.get(qn("w:ascii")) == east_asian_face(run) for run in runs)


def test_header_authority_red_rule_and_title(sample_docx):
    authority = sample_docx.paragraphs[0]
    assert authority.text == "常州市应急管理局"
    run = authority.runs[0]
    assert east_asian_face(run) == "宋体" and run.font.bold
    red = run.font.color.rgb
    assert red[0] >= 0xC0 and red[1] < 0x40 and red[2] < 0x40
    number = paragraph_with(sample_docx, "常应急函〔2022〕89号")
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")).upper() in {"FF0000", "C00000"}
    title = sample_docx.paragraphs[2]
    assert title.runs[0].font.size.pt == 22 and title.alignment == 1   # centred


def test_signature_right_aligned_and_closing_at_the_foot(sample_docx):
    date = paragraph_with(sample_docx, "2022年10月8日")
    assert date.alignment == 2   # right
    closing = sample_docx.tables[-1]
    position = closing._tbl.tblPr.find(qn("w:tblpPr"))
    assert (position.get(qn("w:vertAnchor")), position.get(qn("w:tblpYSpec"))) == ("margin", "bottom")


def test_footer_holds_a_page_field(sample_docx):
    section = sample_docx.sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert re.search(r"<w:instrText[^>]*>\s*PAGE\s*</w:instrText>", xml)
        assert footer.paragraphs[0].text == "— 1 —"   # the field's placeholder result
        assert footer.paragraphs[0].runs[0].font.size.pt == 14
    assert sample_docx.settings.odd_and_even_pages_header_footer


def test_optional_parts_may_be_missing():
    document = Document(io.BytesIO(render_docx(
        {"authority": "常州市武进区应急管理局", "title": "关于某事的通知", "body": []})))
    assert pieces(document) == ["常州市武进区应急管理局", "关于某事的通知"]
    assert document.tables == []


def test_needs_no_font_files(settings, tmp_path):
    """The .docx names faces the bureau's PC has; it embeds nothing (the PDF needs the Fandol files)."""
    settings.FONT_DIR = tmp_path / "no-fonts"
    assert render_docx(sample_context())[:2] == b"PK"


# --- the PDF and the .docx say the same ------------------------------------------------------------

def non_blank(text):
    return re.sub(r"\s+", "", text)


def test_pdf_and_docx_carry_the_same_text(tmp_path):
    pdf = tmp_path / "sample.pdf"
    pdf.write_bytes(render_pdf("documents/sample_notice.html", sample_context()))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    # page numbers ("— 1 —") stand on lines of their own; the .docx has them in its footer
    text = re.sub(r"^\s*—\s*\d+\s*—\s*$", "", text, flags=re.MULTILINE)
    docx_text = "".join(pieces(Document(io.BytesIO(render_docx(sample_context())))))
    assert non_blank(text) == non_blank(docx_text)
