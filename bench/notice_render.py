#!/usr/bin/env python
"""A notice of about ten pages rendered as PDF and as .docx, timed (goal: under 5 s each).

    .venv/bin/python bench/notice_render.py [--headings 6] [--paragraphs 40] [--tables 3]
        [--rows 30] [--sentences 1] [--runs 5] [--libreoffice]

Builds a quarterly-notice context the shape of seed 001 (``--headings`` 一、 headings each with a
（一） heading under it, ``--paragraphs`` body paragraphs of ``--sentences`` sentences, two to three
lines each, spread between them, ``--tables`` rankings of ``--rows`` grid cells: about ten pages
by default), renders it with ``portal.documents.render.render_pdf`` and
``portal.documents.docx.render_docx`` in this process, and prints — never asserts — the pages of the PDF (``pdfinfo``), the sizes, the first render of
each (the first PDF pays WeasyPrint's import and font loading) and the median of ``--runs`` more,
and the machine. A .docx has no pages until a word processor lays it out: ``--libreoffice``
converts it with ``soffice`` when that is installed (not a dependency of the portal) and prints
LibreOffice's page count. No database is touched.
"""
import argparse
import datetime
import os
from pathlib import Path
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

TOWNSHIPS = ["湖塘镇", "牛塘镇", "洛阳镇", "遥观镇", "横林镇", "横山桥镇", "雪堰镇", "前黄镇", "礼嘉镇",
             "嘉泽镇", "湟里镇", "南夏墅街道", "西湖街道", "丁堰街道", "戚墅堰街道", "潞城街道"]
SENTENCES = [
    "三季度以来，各地区围绕安全生产大检查、百日清零、企业安全生产标准化定级评审等重点工作，督促企业对照问题隐患落实整改。",
    "各辖市（区）应急管理部门要压紧压实企业主体责任，对排查发现的重大事故隐患实行挂牌督办，确保整改措施、责任、资金、时限和预案“五落实”。",
    "部分企业风险辨识不全面、管控措施不具体，常安码扫码自查流于形式，逾期未查点位占比偏高。",
    "下一步，要以粉尘涉爆、有限空间、金属冶炼等重点领域为抓手，持续开展执法检查和专家指导服务。",
    "对三季度风险报告逾期率超过30%的镇（街道），市局将进行约谈，并在年度考核中予以扣分。",
]


def notice_context(*, headings, paragraphs, tables, rows, sentences=1, seed=42):
    rng = random.Random(seed)
    body = [{"kind": "p", "text": "现将2026年三季度全市工贸行业安全生产监管工作有关情况通报如下："}]
    numerals = "一二三四五六七八九十"
    per_section = [paragraphs // headings + (1 if i < paragraphs % headings else 0) for i in range(headings)]
    table_after = {round((i + 1) * headings / (tables + 1)) - 1 for i in range(tables)} if tables else set()
    table_number = 0
    for section, count in enumerate(per_section):
        body.append({"kind": "h1", "text": f"{numerals[section % 10]}、重点工作推进情况（{section + 1}）"})
        body.append({"kind": "h2", "text": f"（一）{numerals[section % 10]}季度风险报告和隐患排查治理。"})
        for _ in range(count):
            body.append({"kind": "p", "text": "".join(rng.sample(SENTENCES, sentences))})
        if section in table_after and table_number < tables:
            table_number += 1
            ranking = sorted(((f"{rng.choice(TOWNSHIPS)}{n + 1}号网格", rng.randint(40, 400), rng.random() * 40)
                              for n in range(rows)), key=lambda row: row[2])
            body.append({"kind": "table", "header": ["排名", "网格", "风险点位", "逾期率"],
                         "rows": [[n + 1, name, points, f"{rate:.1f}%"]
                                  for n, (name, points, rate) in enumerate(ranking)]})
    return {
        "authority": "常州市应急管理局",
        "number_text": "常应急函〔2026〕112号",
        "title": "关于2026年三季度全市工贸行业\n安全生产监管工作情况的通报",
        "addressees": ["各辖市（区）应急管理局", "常州经开区政法和应急局"],
        "body": body,
        "signature_authority": "常州市应急管理局",
        "date": datetime.date(2026, 10, 12),
        "copied_to": ["市安委会各成员单位", "各辖市（区）人民政府"],
        "printing_office": "常州市应急管理局办公室",
        "print_date": datetime.date(2026, 10, 12),
    }


def timed(fn, runs):
    """(first time, median of ``runs`` more, last result), seconds."""
    started = time.perf_counter()
    result = fn()
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return first, statistics.median(times), result


def pdf_pages(path):
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.count("\f")


def libreoffice_pages(docx_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return "n/a (soffice not installed)"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{profile}",
                        "--convert-to", "pdf", "--outdir", str(docx_path.parent), str(docx_path)],
                       capture_output=True, check=True, timeout=300)
    return pdf_pages(docx_path.with_suffix(".pdf"))


def machine():
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = next((f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                   for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "?")
    from importlib.metadata import version

    return [("date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
            ("CPU", cpu), ("nproc", str(os.cpu_count())), ("memory", memory),
            ("load average", " ".join(f"{x:.2f}" for x in os.getloadavg())),
            ("Python", platform.python_version()), ("WeasyPrint", version("weasyprint")),
            ("python-docx", version("python-docx"))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--headings", type=int, default=6)
    parser.add_argument("--paragraphs", type=int, default=40)
    parser.add_argument("--tables", type=int, default=3)
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--sentences", type=int, default=1, help="sentences a paragraph")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--libreoffice", action="store_true",
                        help="lay the .docx out with LibreOffice to count its pages")
    args = parser.parse_args()

    import django

    django.setup()
    from portal.documents.docx import render_docx
    from portal.documents.render import render_pdf

    context = notice_context(headings=args.headings, paragraphs=args.paragraphs,
                             tables=args.tables, rows=args.rows, sentences=args.sentences)
    blocks = context["body"]
    print(f"notice: {sum(b['kind'] == 'h1' for b in blocks)} 一、 headings, "
          f"{sum(b['kind'] == 'h2' for b in blocks)} （一） headings, "
          f"{sum(b['kind'] == 'p' for b in blocks)} paragraphs "
          f"({sum(len(b['text']) for b in blocks if b['kind'] == 'p')} characters), "
          f"{sum(b['kind'] == 'table' for b in blocks)} tables of {args.rows} rows")

    pdf_first, pdf_median, pdf = timed(lambda: render_pdf("documents/sample_notice.html", context), args.runs)
    docx_first, docx_median, docx = timed(lambda: render_docx(context), args.runs)
    with tempfile.TemporaryDirectory() as folder:
        pdf_path, docx_path = Path(folder) / "notice.pdf", Path(folder) / "notice.docx"
        pdf_path.write_bytes(pdf)
        docx_path.write_bytes(docx)
        pages = pdf_pages(pdf_path)
        docx_pages = libreoffice_pages(docx_path) if args.libreoffice else "not counted (--libreoffice)"

    print(f"\n{'':6} {'pages':>28} {'size':>9} {'first':>8} {'median of ' + str(args.runs):>13}")
    print(f"{'PDF':6} {pages:>28} {len(pdf) / 1024:>6.0f} KB {pdf_first:>7.2f}s {pdf_median:>12.2f}s")
    print(f"{'.docx':6} {docx_pages!s:>28} {len(docx) / 1024:>6.0f} KB {docx_first:>7.2f}s "
          f"{docx_median:>12.2f}s")
    print("goal: a 10-page notice rendered in under 5 s\n")
    for name, value in machine():
        print(f"{name:>13}: {value}")


if __name__ == "__main__":
    main()
