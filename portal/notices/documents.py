"""The notice as PDF and .docx (GB/T 9704, ``portal.documents``): one context for both renderers,
and the background job that renders them once the notice is published (``notices.render``)."""
from django.http import Http404
from django.utils.translation import gettext as _

from portal.accounts import scope
from portal.documents.docx import render_docx
from portal.documents.render import render_pdf
from portal.jobs import services as jobs

from . import drafting
from .models import Notice

TEMPLATE = "notices/document.html"
RENDER_JOB = "notices.render"


def document_context(notice):
    """The renderers' context (``portal.documents.render``): the header, the body as it prints,
    the signature, the ranking tables as attachments, the closing block."""
    return {
        "authority": notice.authority,
        "number_text": notice.number,
        "title": notice.title,
        "addressees": notice.addressees,
        "body": drafting.printed_body(notice),
        "signature_authority": notice.authority,
        "date": notice.signature_date,
        "attachments": drafting.printed_attachments(notice),
        "copied_to": notice.copied_to,
        "printing_office": notice.printing_office,
        "print_date": notice.signature_date,
    }


def render_files(notice, progress=None):
    """``(pdf bytes, docx bytes)`` of the notice; ``progress(done, total)`` after each."""
    context = document_context(notice)
    if progress:
        progress(0, 2)
    pdf = render_pdf(TEMPLATE, context)
    if progress:
        progress(1, 2)
    docx = render_docx(context)
    if progress:
        progress(2, 2)
    return pdf, docx


def file_name(notice, extension):
    """常应急函〔2026〕1号 关于….pdf"""
    return f"{notice.number} {notice.title}.{extension}".strip()


@jobs.handler(RENDER_JOB)
def render_job(job, progress):
    """Render the notice of ``job.params["notice"]`` as its publisher sees it, and store both files."""
    from .services import notice_render

    try:
        notice, _can = scope.get(job.owner, Notice.objects.all(), pk=job.params.get("notice"))
    except Http404:
        raise jobs.JobFailed(_("The notice is gone, or its publisher may no longer see it.")) from None
    notice_render(notice=notice, progress=progress)
    return jobs.JobResult(result={"notice": notice.pk},
                          message=_("%(number)s: the PDF and the Word file are ready.") % {"number": notice.number})
