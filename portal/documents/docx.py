"""The .docx twin of the PDF: every official document also as Word, for the bureau to finish in
WPS or Word.

``render_docx(context)`` takes the context ``render.render_pdf`` takes (``authority``,
``number_text``, ``title``, ``addressees``, ``body`` blocks, ``signature_authority``, ``date``,
``attachments``, ``copied_to``, ``printing_office``, ``print_date``) and derives its texts with the same
``render.document_texts``, so the two files say the same thing (``tests/shared/
test_documents_docx.py`` compares them). The layout is GB/T 9704-2012's as
shared/domain/DOCUMENTS.md reads it, in Word's own terms: A4 with margins 37/26/35/28 mm, lines
at an exact 28.95 pt and body characters tightened by 0.25 pt (22 lines × 28 characters, as the
PDF's −0.2 pt letter-spacing; not Word's character grid, which LibreOffice draws with every
character two cells wide), the red rule as the number's bottom border, the 版记 as a table
floating at the foot of the last page, page numbers "— N —" as a PAGE field, odd pages right and
even pages left.

Fonts policy: the .docx embeds no font and names, in every run, faces that every Windows or WPS
installation in a bureau has — 仿宋 (body, number, addressees, signature, 抄送, tables), 黑体
(一、 headings, table headers), 楷体 (（一） headings), 宋体 bold where the standard wants 小标宋
(authority, title) and 宋体 for page numbers. Never 方正小标宋简体 or 仿宋_GB2312: a PC without
them substitutes silently; a bureau that has them switches the title by hand. The roles are those
of ``render.FONTS``, where the PDF embeds the Fandol faces, so the two differ in glyph shapes,
never in text. Each run sets ``w:eastAsia`` (python-docx's ``font.name`` sets only ascii and
hAnsi) and ascii/hAnsi to the same face, so the digits of 2022年10月8日 match their characters
as in the PDF.
"""
import io
import math
import unicodedata

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from portal.documents.render import document_texts

# role (the keys of render.FONTS) -> the face Word and WPS know by that name
FACES = {"fang": "仿宋", "song": "宋体", "display": "宋体", "hei": "黑体", "kai": "楷体"}
RED = RGBColor(0xFF, 0x00, 0x00)  # Word's standard 红色, what a clerk picks to redraw the rule

BODY = Pt(16)        # 3号
TITLE = Pt(22)       # 2号
AUTHORITY = Pt(36)   # as the PDF's .authority
CLOSING = Pt(14)     # 4号: 版记 and page numbers
TABLE = Pt(12)       # rankings: 小4号, as the PDF's table.data
PITCH = Pt(28.95)    # 225 mm / 22 lines
TEXT_WIDTH = Mm(156)
CHARS_PER_LINE = 28
# the body's character spacing in twentieths of a point, the largest that fits 28 characters of
# 3号 in 156 mm: -5 (-0.25 pt)
TRACKING = math.floor((TEXT_WIDTH.pt / CHARS_PER_LINE - BODY.pt) * 20)

# schema order of the children of w:pPr, w:rPr, w:tblPr (a child out of order is a corrupt file
# for Word)
PPR = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
       "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
       "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
       "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap",
       "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
       "cnfStyle", "rPr", "sectPr", "pPrChange")
RPR = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
       "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
       "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr",
       "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish",
       "oMath")
TBLPR = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
         "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
         "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")


def render_docx(context):
    """The document as .docx bytes."""
    ctx = document_texts(context)
    document = Document()
    _page(document)
    _defaults(document)
    _header(document, ctx)
    _title(document, ctx)
    last = None
    for block in ctx.get("body") or ():
        last = _block(document, block)
    if last is not None and (ctx.get("signature_authority") or ctx.get("date_text")):
        # the signature never stands alone on a page: the body's last lines go with it
        last.paragraph_format.keep_with_next = True
    _signature(document, ctx)
    _attachments(document, ctx)
    _closing(document, ctx)
    _footers(document)
    props = document.core_properties
    props.title = "".join(str(ctx.get("title") or "").splitlines())
    props.author = ctx.get("authority") or ""
    props.comments = ""
    props.created = props.modified = timezone.now()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- XML helpers ---------------------------------------------------------------------------------

def _child(parent, name, order, **attrs):
    """Set ``w:name`` on parent (replacing one already there) at its place in the schema order."""
    tag = f"w:{name}"
    old = parent.find(qn(tag))
    if old is not None:
        parent.remove(old)
    element = OxmlElement(tag, attrs={qn(f"w:{key}"): str(value) for key, value in attrs.items()})
    parent.insert_element_before(element, *(f"w:{n}" for n in order[order.index(name) + 1:]))
    return element


def _face(rpr, role):
    fonts = rpr.get_or_add_rFonts()
    face = FACES[role]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), face)
    fonts.set(qn("w:hint"), "eastAsia")


def _run(paragraph, text, role, size, *, bold=False, colour=None, tracking=0):
    """A run naming its face; ``tracking`` is the character spacing in twentieths of a point."""
    run = paragraph.add_run(text)
    rpr = run._element.get_or_add_rPr()
    _face(rpr, role)
    run.font.size = size
    if bold:
        run.font.bold = True
    if colour is not None:
        run.font.color.rgb = colour
    if tracking:
        _child(rpr, "spacing", RPR, val=tracking)
    return run


def _paragraph(container, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, line=PITCH, before=None,
               indent_chars=0):
    """A paragraph: ``line`` an exact line height (None: single), ``indent_chars`` a first-line
    indent in 3号 characters."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = before or Pt(0)
    fmt.space_after = Pt(0)
    if line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing = line
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    if indent_chars:  # in points for Word, in characters for WPS
        fmt.first_line_indent = BODY * indent_chars
        ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(indent_chars * 100))
    return paragraph


def _text_paragraph(container, text, role="fang", size=BODY, *, bold=False, colour=None,
                    tracking=0, **layout):
    paragraph = _paragraph(container, **layout)
    _run(paragraph, text, role, size, bold=bold, colour=colour, tracking=tracking)
    return paragraph


def _border(ppr_or_tblpr, container, order, **edges):
    """Borders: ``edges`` maps an edge to (width in eighths of a point, colour[, space in pt]);
    a table's other edges are none."""
    borders = _child(ppr_or_tblpr, container, order)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        if edge in edges:
            size, colour, space = (*edges[edge], 0)[:3]
            borders.append(OxmlElement(f"w:{edge}", attrs={
                qn("w:val"): "single", qn("w:sz"): str(size), qn("w:space"): str(space),
                qn("w:color"): colour}))
        elif container == "tblBorders":
            borders.append(OxmlElement(f"w:{edge}", attrs={qn("w:val"): "nil"}))
    return borders


def _width_in_chars(text):
    """Width in 3号 characters: CJK full width, digits and Latin half."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


# --- page and defaults ---------------------------------------------------------------------------

def _page(document):
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # page numbers' top edge 7 mm below the text block: 297 - 35 + 7 = 269 mm, a 14 pt line
    # (4.9 mm) ends at 273.9 mm, so the footer sits 23.1 mm above the bottom edge (derived)
    section.footer_distance = Mm(23.1)
    # no grid in force; the pitch is there for a clerk who turns the line grid on
    section._sectPr.find(qn("w:docGrid")).set(qn("w:linePitch"), str(round(PITCH.twips)))


def _defaults(document):
    """Normal is the body (仿宋 3号 on the 28.95 pt pitch), so what the clerk types matches; the
    document defaults too (in place of the template's Calibri and MS Mincho theme fonts)."""
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = defaults.find(qn("w:rPr"))
    for attr in list(rpr.rFonts.attrib):  # the template's theme fonts (Calibri, MS Mincho)
        del rpr.rFonts.attrib[attr]
    _face(rpr, "fang")
    for name in ("sz", "szCs"):
        _child(rpr, name, RPR, val=round(BODY.pt * 2))
    _child(rpr, "lang", RPR, val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    normal = document.styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    _face(rpr, "fang")
    normal.font.size = BODY
    _child(rpr, "lang", RPR, val="en-US", eastAsia="zh-CN")
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = PITCH
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    document.settings.element.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")


# --- the parts, top to bottom --------------------------------------------------------------------

def _header(document, ctx):
    # the authority's top edge 35 mm below the top of the text block
    _text_paragraph(document, ctx.get("authority") or "", "display", AUTHORITY, bold=True,
                    colour=RED, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, before=Mm(35),
                    tracking=40)  # 2 pt, as the PDF
    # the number two lines below, the red rule 4 mm under it (drawn even without a number)
    number = _text_paragraph(document, ctx.get("number_text") or "", "fang", BODY,
                             align=WD_ALIGN_PARAGRAPH.CENTER, before=PITCH * 2)
    ppr = number._p.get_or_add_pPr()
    _border(ppr, "pBdr", PPR, bottom=(8, str(RED), round(Mm(4).pt)))


def _title(document, ctx):
    paragraph = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(TITLE.pt * 1.45),
                           before=PITCH * 2)
    for number, line in enumerate(str(ctx.get("title") or "").splitlines()):
        run = _run(paragraph, "", "display", TITLE, bold=True)
        if number:  # the caller's line breaks, as the PDF's linebreaksbr
            run.add_break()
        run.add_text(line)
    if ctx.get("addressees_text"):
        _text_paragraph(document, ctx["addressees_text"], before=PITCH, tracking=TRACKING)


HEADINGS = {"h1": ("hei", 0), "h2": ("kai", 1)}  # role, outline level (Word's navigation pane)


def _block(document, block):
    """The paragraph written, None for a table."""
    kind = block.get("kind", "p")
    if kind == "table":
        _table(document, block)
        return None
    role, level = HEADINGS.get(kind, ("fang", None))
    paragraph = _text_paragraph(document, str(block.get("text", "")), role, indent_chars=2,
                                tracking=TRACKING)
    if level is not None:
        paragraph.paragraph_format.keep_with_next = True
        _child(paragraph._p.get_or_add_pPr(), "outlineLvl", PPR, val=level)
    return paragraph


def _table(document, block):
    header = list(block.get("header") or ())
    rows = [list(row) for row in block.get("rows") or ()]
    table = document.add_table(rows=0, cols=max(len(header), *(len(row) for row in rows), 1))
    tblpr = table._tbl.tblPr
    _child(tblpr, "tblW", TBLPR, w=5000, type="pct")  # the text block's width
    _child(tblpr, "jc", TBLPR, val="center")
    lines = {edge: (4, "000000") for edge in ("top", "left", "bottom", "right", "insideH", "insideV")}
    _border(tblpr, "tblBorders", TBLPR, **lines)  # 0.5 pt, as the PDF's table.data
    _child(tblpr, "tblLayout", TBLPR, type="fixed")
    _cell_margins(tblpr, vertical=Pt(2), horizontal=Pt(4))
    if header:
        _table_row(table, header, "hei", repeat=True)
    for row in rows:
        _table_row(table, row, "fang")


def _cell_margins(tblpr, *, vertical, horizontal):
    margins = _child(tblpr, "tblCellMar", TBLPR)
    for edge, size in (("top", vertical), ("left", horizontal), ("bottom", vertical),
                       ("right", horizontal)):
        margins.append(OxmlElement(f"w:{edge}", attrs={
            qn("w:w"): str(round(size.twips)), qn("w:type"): "dxa"}))


def _table_row(table, values, role, *, repeat=False):
    row = table.add_row()
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if repeat:  # the header again on every page of a long ranking
        trpr.append(OxmlElement("w:tblHeader"))
    for cell, value in zip(row.cells, [*values, *[""] * (len(row.cells) - len(values))]):
        paragraph = cell.paragraphs[0]
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.line_spacing, fmt.line_spacing_rule = Pt(TABLE.pt * 1.4), WD_LINE_SPACING.EXACTLY
        _run(paragraph, str(value), role, TABLE)


def _signature(document, ctx):
    """Right-aligned, the longer line four characters in from the right, the other centred on
    it (成文日期右空四字, 署名以成文日期为准居中; the PDF's right-aligned table does the same)."""
    lines = [text for text in (ctx.get("signature_authority"), ctx.get("date_text")) if text]
    widest = max((_width_in_chars(text) for text in lines), default=0)
    for number, text in enumerate(lines):
        paragraph = _text_paragraph(document, text, align=WD_ALIGN_PARAGRAPH.RIGHT,
                                    before=PITCH * 2 if number == 0 else None)
        right = 4 + (widest - _width_in_chars(text)) / 2
        paragraph.paragraph_format.right_indent = Pt(BODY.pt * right)
        ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:rightChars"), str(round(right * 100)))  # for WPS, as firstLineChars
        paragraph.paragraph_format.keep_with_next = number < len(lines) - 1
        paragraph.paragraph_format.keep_together = True


def _attachments(document, ctx):
    """附件 after the signature, each from a new page: 附件N in 黑体 flush left, its title centred
    in the title's face one line below, then its blocks (as the PDF's .attachment)."""
    for attachment in ctx.get("attachments") or ():
        label = _text_paragraph(document, str(attachment.get("label") or ""), "hei", line=PITCH)
        label.paragraph_format.page_break_before = True
        label.paragraph_format.keep_with_next = True
        title = str(attachment.get("title") or "")
        if title:
            paragraph = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(TITLE.pt * 1.45),
                                   before=PITCH)
            paragraph.paragraph_format.keep_with_next = True
            for number, line in enumerate(title.splitlines()):
                run = _run(paragraph, "", "display", TITLE, bold=True)
                if number:
                    run.add_break()
                run.add_text(line)
            _paragraph(document, line=PITCH)  # the blank line under the title
        last = None
        for block in attachment.get("blocks") or ():
            last = _block(document, block)
        if last is None:  # a table last: Word joins two tables with no paragraph between them
            _run(_paragraph(document, line=Pt(1)), "", "fang", Pt(1))


def _closing(document, ctx):
    """版记: a table floating at the foot of the last page (as the PDF's footnote float), its
    rules as wide as the text block — 0.35 mm, 0.25 mm between, 0.35 mm — its text one
    character in from each side."""
    copied, office, printed = (ctx.get("copied_to_text"), ctx.get("printing_office"),
                               ctx.get("print_date_text"))
    if not (copied or office or printed):
        return
    table = document.add_table(rows=0, cols=1)
    tblpr = table._tbl.tblPr
    _child(tblpr, "tblpPr", TBLPR, vertAnchor="margin", horzAnchor="margin", tblpXSpec="center",
           tblpYSpec="bottom", leftFromText=0, rightFromText=0, topFromText=0, bottomFromText=0)
    _child(tblpr, "tblOverlap", TBLPR, val="never")
    _child(tblpr, "tblW", TBLPR, w=round(TEXT_WIDTH.twips), type="dxa")
    _border(tblpr, "tblBorders", TBLPR, top=(8, "000000"), bottom=(8, "000000"),
            insideH=(6, "000000"))
    _child(tblpr, "tblLayout", TBLPR, type="fixed")
    _cell_margins(tblpr, vertical=Pt(2), horizontal=CLOSING)
    table.columns[0].width = TEXT_WIDTH
    line = Pt(CLOSING.pt * 1.6)
    if copied:
        cell = table.add_row().cells[0]
        cell.width = TEXT_WIDTH
        paragraph = cell.paragraphs[0]
        _run(paragraph, f"抄送：{copied}", "fang", CLOSING)
        fmt = paragraph.paragraph_format
        # a second line starts under the first character after 抄送：
        fmt.left_indent, fmt.first_line_indent = CLOSING * 3, -CLOSING * 3
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.line_spacing, fmt.line_spacing_rule = line, WD_LINE_SPACING.EXACTLY
    cell = table.add_row().cells[0]
    cell.width = TEXT_WIDTH
    paragraph = cell.paragraphs[0]
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt.line_spacing, fmt.line_spacing_rule = line, WD_LINE_SPACING.EXACTLY
    fmt.tab_stops.add_tab_stop(TEXT_WIDTH - CLOSING * 2, WD_TAB_ALIGNMENT.RIGHT)
    _run(paragraph, office or "", "fang", CLOSING)
    if printed:
        _run(paragraph, "\t" + printed, "fang", CLOSING)
    # the floating table's anchor: Word wants a paragraph after a table; a 1 pt one adds no page
    _run(_paragraph(document, line=Pt(1)), "", "fang", Pt(1))


def _footers(document):
    """— N — in 4号 宋体, odd pages right and even pages left, one character in from the edge."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing, fmt.line_spacing_rule = CLOSING, WD_LINE_SPACING.EXACTLY
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = CLOSING
        else:
            fmt.left_indent = CLOSING
        _run(paragraph, "— ", "song", CLOSING)
        _field(paragraph, "PAGE", "1")
        _run(paragraph, " —", "song", CLOSING)


def _field(paragraph, instruction, placeholder):
    """A field Word and WPS compute on opening (begin, instruction, separate, result, end)."""
    def char(kind):
        _run(paragraph, "", "song", CLOSING)._element.append(
            OxmlElement("w:fldChar", attrs={qn("w:fldCharType"): kind}))

    char("begin")
    instr = OxmlElement("w:instrText", attrs={qn("xml:space"): "preserve"})
    instr.text = f" {instruction} "
    _run(paragraph, "", "song", CLOSING)._element.append(instr)
    char("separate")
    _run(paragraph, placeholder, "song", CLOSING)
    char("end")
