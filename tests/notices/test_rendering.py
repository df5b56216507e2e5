"""The published notice rendered by its background job as PDF (WeasyPrint, GB/T 9704) and .docx
(python-docx), both read back: the header, the number, the title, the three sections with the
problem named by the rules, the next steps, the signature, and the ranking tables as attachments."""
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from django.urls import reverse

from portal.jobs.models import Job
from portal.notices.models import NoticeReceipt
from tests.notices.conftest import FINDING_SENTENCE, NEXT_STEP, draft, publish, written

pytestmark = pytest.mark.django_db

TITLE = "关于2026年第三季度全市工贸行业安全生产工作情况的通报"


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def squeeze(text):
    return "".join(text.split())


@pytest.fixture
def rendered(frozen, people, finding, django_capture_on_commit_callbacks):
    notice = publish(written(draft(frozen, people.city_bureau), people.city_bureau), people.city_bureau,
                     django_capture_on_commit_callbacks)
    return notice


def test_the_job_renders_both_files_and_stores_them(rendered, people):
    job = rendered.render_job
    assert (job.kind, job.state, job.owner, job.done, job.total) == ("notices.render", Job.State.DONE,
                                                                   people.city_bureau, 2, 2)
    assert job.message == "常应急函〔2026〕1号：PDF 和 Word 文件已生成。"
    assert rendered.rendered and rendered.rendered_at is not None
    assert rendered.pdf.read(5) == b"%PDF-"


def test_the_pdf_reads_back_as_the_notice(rendered):
    text = squeeze(pdf_text(rendered.pdf.path))
    for expected in ("测试市应急管理局", "常应急函〔2026〕1号", TITLE, "各区应急管理局：", "一、主要工作",
                     "（三）全力做好风险报告和“常安码”运行。", "常安码使用率达77.78%", "二、存在问题",
                     squeeze(FINDING_SENTENCE), "三、下一步工作", squeeze(NEXT_STEP), "附件：1．",
                     "2026年11月16日", "附件1", "各区常安码逾期率排名", "甲区37.515/401",
                     "乙区68.7511/162", "—1—"):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(rendered.pdf.path)], check=True, capture_output=True, text=True).stdout
    assert "FandolFang" in fonts and "FandolHei" in fonts  # embedded subsets, so the text extracts


def test_the_docx_says_the_same_in_word_s_terms(rendered):
    document = Document(rendered.docx.path)
    paragraphs = [p.text for p in document.paragraphs]
    for expected in ("测试市应急管理局", "常应急函〔2026〕1号", TITLE, "各区应急管理局：", "二、存在问题", FINDING_SENTENCE,
                     "三、下一步工作", NEXT_STEP, "附件1", "2026年11月16日"):
        assert expected in paragraphs, expected
    # the body in 仿宋, the 一、 headings in 黑体: each run names its East-Asian face
    finding = next(p for p in document.paragraphs if p.text == FINDING_SENTENCE)
    assert finding.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    heading = next(p for p in document.paragraphs if p.text == "二、存在问题")
    assert heading.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    # the ranking tables, each after its 附件N on a new page
    overdue = next(t for t in document.tables if t.rows[0].cells[1].text == "常安码逾期率（%）")
    assert [[c.text for c in row.cells] for row in overdue.rows] == [
        ["单位", "常安码逾期率（%）", "分子/分母", "排名"], ["甲区", "37.5", "15/40", "1"],
        ["乙区", "68.75", "11/16", "2"], ["全市", "46.43", "26/56", "—"]]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.top_margin.mm), round(section.left_margin.mm)) == (210, 37, 28)


def test_the_page_shows_the_downloads_and_a_download_is_a_receipt(rendered, people, client):
    client.force_login(people.b_bureau)
    page = client.get(reverse("notices:detail", args=[rendered.pk])).content.decode()
    assert 'id="notice-pdf"' in page and 'id="notice-docx"' in page and 'hx-get="/notices/' not in page
    status = client.get(reverse("notices:status", args=[rendered.pk])).content.decode()
    assert 'data-rendered="yes"' in status
    NoticeReceipt.objects.all().delete()
    response = client.get(reverse("notices:pdf", args=[rendered.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    assert NoticeReceipt.objects.get().via == "pdf"
    docx = client.get(reverse("notices:docx", args=[rendered.pk]))
    assert docx.status_code == 200 and b"".join(docx.streaming_content).startswith(b"PK")
