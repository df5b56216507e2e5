"""PDF out for every official document (notice, rectification order, special notice, certificate).

A document template extends ``documents/base.html`` (the GB/T 9704-2012 layout, see
shared/domain/DOCUMENTS.md) and receives document-agnostic context keys: ``authority``,
``number_text``, ``title``, ``addressees``, ``body`` (blocks ``{"kind": "h1"|"h2"|"p"|"table",
"text", "header", "rows"}``), ``signature_authority``, ``date``, ``attachments`` (附件 after the
signature, each on a new page: ``{"label": "附件1", "title", "blocks": [body blocks]}``),
``copied_to``, ``printing_office``, ``print_date``. The Fandol fonts are embedded through ``@font-face`` from
``settings.FONT_DIR``; a missing one is an error, never a silent fallback to empty boxes.
"""
import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string

# role in the layout -> (CSS family, file in FONT_DIR, weight)
FONTS = {
# (the family names are the fonts' own, so pdffonts lists the embedded subsets as Fandol*)
    "fang": ("FandolFang", "FandolFang-Regular.otf", 400),     # body: 仿宋
    "song": ("FandolSong", "FandolSong-Regular.otf", 400),     # page numbers: 宋体 digits
    "display": ("FandolSongBold", "FandolSong-Bold.otf", 400),  # authority, title: 小标宋 stand-in
    "hei": ("FandolHei", "FandolHei-Regular.otf", 400),        # 一、 headings
    "hei_bold": ("FandolHei", "FandolHei-Bold.otf", 700),
    "kai": ("FandolKai", "FandolKai-Regular.otf", 400),        # （一） headings
}


class DocumentFontMissing(ImproperlyConfigured):
    """A Fandol font is not in FONT_DIR: run scripts/fonts.sh (it extracts them from Debian's
    texlive-lang-chinese)."""


def font_paths():
    """The font files, checked: raises DocumentFontMissing naming scripts/fonts.sh."""
    font_dir = settings.FONT_DIR
    missing = [name for _family, name, _weight in FONTS.values() if not (font_dir / name).is_file()]
    if missing:
        raise DocumentFontMissing(
            f"Document fonts missing in {font_dir}: {', '.join(missing)}. "
            "Run scripts/fonts.sh (or set PORTAL_FONT_DIR) to install the Fandol fonts."
        )
    return {role: font_dir / name for role, (_family, name, _weight) in FONTS.items()}


def font_face_css():
    paths = font_paths()
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: normal; '
        f'src: url("{paths[role].resolve().as_uri()}") format("opentype"); }}'
        for role, (family, _name, weight) in FONTS.items()
    )


def cn_date(d):
    """2022年10月8日: Arabic digits, no leading zeros (GB/T 9704-2012 §7.3.5.2)."""
    if d is None:
        return ""
    if isinstance(d, datetime.datetime):
        d = d.date()
    return f"{d.year}年{d.month}月{d.day}日"


def _joined(items, sep):
    if isinstance(items, str):
        return items
    return sep.join(str(item) for item in items or () if str(item).strip())


def document_texts(context):
    """The caller's context plus the derived texts every layout part uses, without fonts: the PDF
    (``document_context``) and its .docx twin (``portal.documents.docx``) share them, so both
    say the same thing."""
    ctx = dict(context)
    addressees = _joined(ctx.get("addressees"), "、").rstrip("：:")
    ctx["addressees_text"] = f"{addressees}：" if addressees else ""
    copied = _joined(ctx.get("copied_to"), "，").rstrip("。.")
    ctx["copied_to_text"] = f"{copied}。" if copied else ""
    ctx["date_text"] = cn_date(ctx.get("date"))
    print_date = ctx.get("print_date")
    ctx["print_date_text"] = f"{cn_date(print_date)}印发" if print_date else ""
    return ctx


def document_context(context):
    """The texts of ``document_texts`` plus the ``@font-face`` rules WeasyPrint embeds."""
    ctx = document_texts(context)
    ctx["font_css"] = font_face_css()
    return ctx


def render_html(template_name, context):
    """The HTML WeasyPrint lays out (for debugging a template in a browser)."""
    return render_to_string(template_name, document_context(context))


def render_pdf(template_name, context):
    """The document as PDF bytes, fonts embedded as subsets."""
    from weasyprint import HTML  # imported late: ~0.6 s, and only PDF paths need it
    from weasyprint.text.fonts import FontConfiguration

    html = render_html(template_name, context)
    font_config = FontConfiguration()
    return HTML(string=html, base_url=settings.FONT_DIR.resolve().as_uri() + "/").write_pdf(
        font_config=font_config
    )
