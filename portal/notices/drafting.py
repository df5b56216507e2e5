"""The notice's text drafted from a frozen table (issue 10 item 3), in seed 001's shape:

    关于2026年第三季度全市工贸行业安全生产工作情况的通报
    各区应急管理局：
    现将2026年第三季度全市工贸行业安全生产工作情况通报如下：
    一、主要工作      （一）… one paragraph per registered area (portal.figures.paragraphs)
    二、存在问题      one paragraph per finding of the problem rules (portal.assessments.problems)
    三、下一步工作    the bureau's own text (a placeholder until it is written)
    附件1 … one ranking table per figure that ranks its units

Everything here is Chinese text, not msgids: the notice is an official document whatever the
language of the pages. Nothing is written to the database here (``services.notice_draft`` does).
"""
import re

from grid.models import Region
from portal.figures import paragraphs, registry
from portal.figures.paragraphs import cn_numeral, number, period_text, scope_word

# the one text the bureau must replace before publishing (services.notice_publish refuses it)
NEXT_STEPS_PLACEHOLDER = "（请在此撰写下一步工作，发布前须替换本段文字。）"
NEXT_STEPS_HEADING = "三、下一步工作"
MAIN_WORK = "一、主要工作"
PROBLEMS = "二、存在问题"
NO_PROBLEMS = "本期各项指标均未触及问题规则，暂无需要通报的问题。"
SUFFIXES = ("街道", "镇", "乡", "区", "县", "市")


def short_name(region):
    """The region's short name for a number prefix: its own ``short_name`` (常), else its name
    without the 市 / 区 / 县 / 镇 / 街道 / 乡 suffix."""
    name = (region.short_name or "").strip()
    if name:
        return name
    for suffix in SUFFIXES:
        if region.name.endswith(suffix) and len(region.name) > len(suffix):
            return region.name[: -len(suffix)]
    return region.name


def authority_for(region):
    return f"{region.name}应急管理局"


def number_prefix_for(region):
    """常应急函: the short name and 应急函 (the bureau changes it on the draft if its own differs)."""
    return f"{short_name(region)}应急函"


def addressees_for(region):
    """Seed 001's 各辖市（区）应急管理局 for a city; a district addresses its townships' offices."""
    if region.level == Region.Level.CITY:
        return "各区应急管理局"
    return "各镇（街道）安监办"


def title_for(region, period):
    """关于2026年第三季度全市工贸行业安全生产工作情况的通报"""
    return f"关于{period_text(period)}{scope_word(region)}工贸行业安全生产工作情况的通报"


def body_for(table, findings):
    """The blocks of 一、主要工作 and 二、存在问题 (三、 is the bureau's: ``next_steps``)."""
    region, period = table.region, table.period
    blocks = [{"kind": "p", "text": f"现将{period_text(period)}{scope_word(region)}工贸行业安全生产工作情况通报如下："},
              {"kind": "h1", "text": MAIN_WORK}]
    for index, (paragraph, text) in enumerate(paragraphs.build(table), start=1):
        blocks.append({"kind": "h2", "text": f"（{cn_numeral(index)}）{paragraph.title.rstrip('。')}。"})
        blocks.append({"kind": "p", "text": text})
    blocks.append({"kind": "h1", "text": PROBLEMS})
    sentences = [str(f.sentence).strip() for f in findings if str(f.sentence).strip()]
    for index, sentence in enumerate(sentences, start=1):
        blocks.append({"kind": "p", "text": f"（{cn_numeral(index)}）{sentence}" if len(sentences) > 1 else sentence})
    if not sentences:
        blocks.append({"kind": "p", "text": NO_PROBLEMS})
    return blocks


# -- the ranking tables ----------------------------------------------------------------------------------------------
def _rank_key(row, name):
    rank = row.cells[name].rank
    return (rank is None, rank or 0)


def units_word(region):
    """各区 (a city's districts), 各镇（街道） (a district's townships)."""
    return "各区" if region.level == Region.Level.CITY else "各镇（街道）"


def ranking_table(table, figure):
    """One figure's ranking of ``table``'s units: unit, value, numerator/denominator (a rate or an
    average), rank — best first, ties sharing a rank, units without a value last — and the
    region's own total. None when the figure ranks nothing: no unit has a value, or every unit
    ranked shares one (a table where all are first says nothing)."""
    name = figure.name
    ranked = [row.cells[name].value for row in table.rows
              if row.cells.get(name) is not None and row.cells[name].rank is not None]
    if len(set(ranked)) < 2:
        return None
    parts = figure.kind in (registry.RATE, registry.AVERAGE)
    label = str(figure.label)
    header = ["单位", f"{label}（{figure.unit}）" if figure.unit else label, *(["分子/分母"] if parts else []), "排名"]

    def line(unit, cell, rank):
        cells = [unit, number(cell.value, figure.kind)]
        if parts:
            cells.append("—" if cell.denominator is None else f"{number(cell.numerator)}/{number(cell.denominator)}")
        return [*cells, "—" if rank is None else str(rank)]

    rows = [line(row.region.name, row.cells[name], row.cells[name].rank)
            for row in sorted(table.rows, key=lambda r: _rank_key(r, name))]
    rows.append(line(scope_word(table.region), table.total.cells.get(name) or registry.Cell(None), None))
    title = f"{units_word(table.region)}{label}排名"  # the period is the notice's own
    return {"figure": name, "title": title, "header": header, "rows": rows}


def attachments_for(table):
    """One ranking table per figure of ``table`` that ranks its units: first the figures the
    main-work paragraphs cite, in their order, then the others in the table's."""
    cited = [name for paragraph in paragraphs.all() for name in paragraph.figures]
    order = {name: i for i, name in enumerate(dict.fromkeys(cited))}
    figures = sorted(table.figures, key=lambda f: order.get(f.name, len(order)))
    return [t for t in (ranking_table(table, figure) for figure in figures) if t is not None]


# -- the text as it prints -------------------------------------------------------------------------------------------
def attachment_label(index):
    return f"附件{index}"


def attachments_note(attachments):
    """附件说明 (GB/T 9704 §7.3.4): 附件：1．… and the next numbers under the first."""
    out = []
    for index, attachment in enumerate(attachments, start=1):
        lead = "附件：" if index == 1 else "\u3000" * 3
        out.append({"kind": "p", "text": f"{lead}{index}．{attachment.get('title', '')}"})
    return out


def printed_body(notice):
    """The body as it prints: the bureau's blocks, 三、下一步工作 with its paragraphs, and the
    附件说明 when there are attachments."""
    steps = [{"kind": "p", "text": text} for text in notice.next_steps or ()]
    return [*(notice.body or ()), {"kind": "h1", "text": NEXT_STEPS_HEADING}, *steps,
            *attachments_note(notice.attachments or ())]


def printed_attachments(notice):
    return [{"label": attachment_label(index), "title": a.get("title", ""),
             "blocks": [{"kind": "table", "header": a.get("header") or [], "rows": a.get("rows") or []}]}
            for index, a in enumerate(notice.attachments or (), start=1)]


def has_text(blocks):
    """Whether any paragraph of ``blocks`` says something (headings alone are an empty draft)."""
    return any(b.get("kind") == "p" and re.sub(r"\s", "", str(b.get("text") or "")) for b in blocks or ())
