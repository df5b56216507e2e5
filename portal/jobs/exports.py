"""Workbooks out, for every app: cells that never run as formulas, a streamed sheet with progress,
and one way to answer an export — the file at once up to ``EXPORT_SYNC_MAX_ROWS`` rows, past that
a background job the user follows on the job page (progress, then the download).

An app registers each export once, naming how to build the rows *as a user* (scope applies inside
the job too: a job keeps only the query string, never ids) and how to write them::

    exports.register(exports.Export(
        kind="inspections.hazards", queryset=hazard_rows, write=hazard_xlsx, file_name=ledger_file_name,
        job_title=_("Hazard ledger export (%(n)d hazards)"), done_message=_("%(n)d hazards exported.")))

    def hazard_export(request):              # the page's export button
        return exports.export_respond(request, "inspections.hazards")

``queryset(user, query) -> (queryset, title)``; ``write(queryset, *, title, progress) -> bytes``
(``sheet_xlsx`` below writes the usual one-sheet ledger from rows and columns).

Every text cell that a spreadsheet could read as a formula (= + - @, tab, CR) is written with a
leading apostrophe (CSV/formula injection); the roster import strips it again, so an export
re-imports unchanged.
"""
from dataclasses import dataclass
import io
from types import SimpleNamespace
from typing import Callable

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string

from portal.accounts.models import AccessLog
from portal.accounts.services import access_log_write, client_ip

from .services import JobResult, handler, job_start

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
TITLE_FONT = Font(bold=True, size=14)
EXPORT_JOB = "portal.export"


def neutralise(value):
    """A string that could start a formula gets a leading apostrophe; other values pass through
    (an empty string becomes an empty cell)."""
    if isinstance(value, str):
        if value.startswith(FORMULA_STARTS):
            return "'" + value
        return value or None
    return value


def xlsx_response(content: bytes, filename: str):
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(content))
    return response


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    date: bool = False  # shown as yyyy-mm-dd


def _cells(sheet, values, font=None, fill=None):
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        cells.append(cell)
    return cells


def sheet_xlsx(rows, columns, *, sheet_title, title="", total=0, progress=None, freeze="B2") -> bytes:
    """One streamed sheet (openpyxl's write-only mode: tens of thousands of rows in seconds): an
    optional title row, the header, then ``rows`` (tuples, one value per column; texts neutralised,
    dates formatted). ``progress(done, total)`` is called every ``IMPORT_PROGRESS_EVERY`` rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(sheet_title))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    if title:  # the panes are set before the first row (a write-only sheet ignores them after)
        column, row = coordinate_from_string(freeze)
        freeze = f"{column}{row + 1}"
    sheet.freeze_panes = freeze
    if title:
        sheet.append(_cells(sheet, [neutralise(str(title))], font=TITLE_FONT))
    sheet.append(_cells(sheet, [str(c.header) for c in columns], font=HEADER_FONT, fill=HEADER_FILL))
    dates = [c.date for c in columns]
    every = max(int(settings.IMPORT_PROGRESS_EVERY), 1)
    if progress:
        progress(0, total)
    done = 0
    for values in rows:
        out = []
        for value, is_date in zip(values, dates):
            cell = WriteOnlyCell(sheet, value=neutralise(value))
            if is_date and value is not None:
                cell.number_format = "yyyy-mm-dd"
            out.append(cell)
        sheet.append(out)
        done += 1
        if progress and done % every == 0:
            progress(done, total)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- the registry and the one export job ------------------------------------------------------------
@dataclass(frozen=True)
class Export:
    kind: str
    queryset: Callable  # (user, query: QueryDict) -> (queryset as the user may see it, title)
    write: Callable  # (queryset, *, title, progress) -> bytes
    file_name: Callable  # () -> str
    job_title: str  # "%(n)d" rows, e.g. _("Hazard ledger export (%(n)d hazards)")
    done_message: str  # e.g. _("%(n)d hazards exported.")


_exports = {}


def register(export):
    _exports[export.kind] = export
    return export


def get(kind):
    try:
        return _exports[kind]
    except KeyError:
        raise LookupError(f"No export {kind!r} is registered") from None


def _detail(kind, query, rows):
    return f"{kind} export rows={rows} filters={query or '-'}"


@handler(EXPORT_JOB)
def export_job(job, progress):
    """Any registered export, re-built as the job's owner from the query string it was started with."""
    export = get(job.params["export"])
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        query = job.params.get("query", "")
        queryset, title = export.queryset(job.owner, QueryDict(query))
        rows = queryset.count()
        content = export.write(queryset, title=title, progress=progress)
        ip = job.params.get("remote_addr")
        access_log_write(kind=AccessLog.Kind.EXPORT, request=SimpleNamespace(META={"REMOTE_ADDR": ip}) if ip else None,
                         user=job.owner, detail=_detail(export.kind, query, rows))
        return JobResult(content=content, file_name=export.file_name(), result={"rows": rows},
                         message=str(export.done_message) % {"n": rows})


def export_respond(request, kind):
    """The export of the list as filtered on its page (same query string, minus paging): the file
    up to ``EXPORT_SYNC_MAX_ROWS`` rows, else a job and a redirect to its page."""
    export = get(kind)
    params = request.GET.copy()
    for key in ("page", "per_page"):
        params.pop(key, None)
    query = params.urlencode()
    queryset, title = export.queryset(request.user, QueryDict(query))
    rows = queryset.count()
    if rows <= settings.EXPORT_SYNC_MAX_ROWS:
        content = export.write(queryset, title=title, progress=None)
        access_log_write(kind=AccessLog.Kind.EXPORT, request=request, user=request.user,
                         detail=_detail(export.kind, query, rows))
        return xlsx_response(content, export.file_name())
    job = job_start(owner=request.user, kind=EXPORT_JOB, title=str(export.job_title) % {"n": rows},
                    params={"export": kind, "query": query, "remote_addr": client_ip(request),
                            "language": translation.get_language()})
    return redirect("jobs:detail", pk=job.pk)
