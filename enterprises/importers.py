"""The roster import (名录库导入): an .xlsx with one enterprise per row, upserted by credit code.

Every row is validated before anything is written; one bad row means nothing is written and the
user gets the problems at once (row, column, reason; the first IMPORT_MAX_ERRORS of them and how
many more), also as the same file with the bad cells marked. A workbook made to be large is refused
before it is read: by the size it unpacks to (IMPORT_MAX_UNPACKED_MB, and a compression ratio no
spreadsheet has) and by its rows (IMPORT_MAX_ROWS, from the sheet's recorded size or its row tags). Writes are in bulk inside one transaction: 10 000 rows in seconds, not minutes. A change
of status or township on an existing enterprise goes through ``services.enterprise_update`` so it
leaves an ``EnterpriseChange`` like any other change. Audit rows (django-auditlog) are written in
bulk too, because ``bulk_create`` and ``bulk_update`` send no signals.
"""
from dataclasses import dataclass, field
import datetime
import io
import re
import zipfile

from auditlog.cid import get_cid
from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from grid.models import Region
from portal.accounts import capabilities as caps
from portal.accounts import scope

from . import services
from .models import Enterprise, EnterpriseChange, Industry, KeyDomain, Status
from .validators import (normalize_credit_code, normalize_key, normalize_phone, normalize_text, validate_credit_code,
                         validate_phone)

# The file format: these Chinese headers are the data's own names (like a CSV dialect), not UI text.
COL_CODE = "统一社会信用代码"
COL_NAME = "企业名称"
COL_ADDRESS = "地址"
COL_TOWNSHIP = "板块"
COL_VILLAGE = "村(社区)"
COL_INDUSTRY = "行业"
COL_DOMAINS = "重点行业领域"
COL_KEY_SECTOR = "重点行业"
COL_ABOVE_SCALE = "规上企业"
COL_DUST = "单班作业涉粉人数"
COL_STATUS = "状态"
COL_PRINCIPAL = "主要负责人"
COL_PHONE = "主要负责人电话"
COL_SECTION = "安全生产管理科挂牌"
COL_HOST = "厂中厂所属企业信用代码"
COL_DATE = "生效日期"
COLUMNS = [COL_CODE, COL_NAME, COL_ADDRESS, COL_TOWNSHIP, COL_VILLAGE, COL_INDUSTRY, COL_DOMAINS, COL_KEY_SECTOR,
           COL_ABOVE_SCALE, COL_DUST, COL_STATUS, COL_PRINCIPAL, COL_PHONE, COL_SECTION, COL_HOST, COL_DATE]
# A file may leave these columns out altogether.
OPTIONAL_COLUMNS = {COL_VILLAGE, COL_KEY_SECTOR, COL_HOST, COL_DATE}

STATUS_BY_TEXT = {"在产": Status.PRODUCING, "停产": Status.SUSPENDED, "销号": Status.DEREGISTERED}
TEXT_BY_STATUS = {v: k for k, v in STATUS_BY_TEXT.items()}
YES, NO = "是", "否"
_BOOL_TEXT = {YES: True, NO: False, "Y": True, "N": False, "YES": True, "NO": False, "TRUE": True, "FALSE": False,
              "1": True, "0": False, "√": True, "×": False}
DOMAIN_SEPARATORS = re.compile(r"[、,;/\s]+")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# A leading apostrophe neutralises a formula-looking text on export; strip it again on import.
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")

OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>]")
ERROR_FILL_COLOR = "FFFFC7CE"  # Excel's "light red fill"
MAX_STORED_ERRORS = 5000
# A member of the zip that unpacks to more than this many times its packed size is no spreadsheet
# (sheets and shared strings pack 5-20 times): a zip bomb, refused whatever the unpacked limit.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024  # bytes unpacked: tiny members may pack better
# The marked copy loads the whole workbook; past this many rows the error file lists the errors only.
MARKED_COPY_MAX_ROWS = 20000
FIELD_LIMITS = {"name": 128, "address": 200, "principal_name": 32, "principal_phone": 32}
COMPARED_FIELDS = ["name", "address", "township_id", "village_id", "industry_id", "is_key_sector", "above_scale",
                   "dust_workers_per_shift", "status", "principal_name", "principal_phone",
                   "safety_section_established", "host_id"]


def may_import(user):
    return scope.can(user, caps.IMPORT_ROSTER)


@dataclass
class RowError:
    """One problem: ``row`` is the Excel row number, ``column`` the Chinese header (None for the file)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.row and self.column:
            return _("Row %(row)d “%(column)s”: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        if self.row:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return self.message

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message, "text": str(self)}


class RosterImportError(ValidationError):
    """The file was refused (nothing was written); ``errors`` lists the first ``RowError``s,
    ``error_count`` counts them all."""

    def __init__(self, errors, error_count=None):
        self.errors = list(errors)
        self.error_count = max(error_count or 0, len(self.errors))
        messages = [str(e) for e in self.errors] or [_("The file was refused.")]
        if self.more:
            messages.append(more_errors_text(self.more))
        super().__init__(messages)

    @property
    def more(self):
        """How many problems are not listed."""
        return self.error_count - len(self.errors)

    @property
    def markable(self):
        """Whether the errors point at cells of a readable workbook (so a marked copy makes sense)."""
        return any(e.row for e in self.errors)


def more_errors_text(more):
    return _("%(n)d more problem(s) not listed.") % {"n": more}


class _Errors(list):
    """The problems found, up to IMPORT_MAX_ERRORS of them; ``count`` counts them all."""

    def __init__(self):
        super().__init__()
        self.limit = max(int(settings.IMPORT_MAX_ERRORS), 1)
        self.count = 0

    def add(self, error):
        self.count += 1
        if len(self) < self.limit:
            self.append(error)

    def add_all(self, errors):
        for error in errors:
            self.add(error)


@dataclass
class RosterRow:
    """One validated row, with names already resolved to ids."""

    row: int
    credit_code: str
    values: dict  # model attnames -> value (COMPARED_FIELDS but host_id)
    key_domain_ids: frozenset
    key_sector: bool | None  # None: derived from the key domains
    host_code: str = ""
    effective_date: datetime.date = field(default_factory=timezone.localdate)


# -- reading the file ----------------------------------------------------------------------------------------------
def _read_bytes(file_obj):
    if isinstance(file_obj, (bytes, bytearray)):
        return bytes(file_obj)
    if isinstance(file_obj, str):
        with open(file_obj, "rb") as f:
            return f.read()
    if hasattr(file_obj, "seek"):
        file_obj.seek(0)
    return file_obj.read()


def _size(file_obj):
    size = getattr(file_obj, "size", None)
    if size is None and hasattr(file_obj, "seek") and hasattr(file_obj, "tell"):
        position = file_obj.tell()
        file_obj.seek(0, io.SEEK_END)
        size = file_obj.tell()
        file_obj.seek(position)
    return size


def upload_check(file_obj):
    """The cheap checks (size, old .xls, not a workbook at all), also run on the form before a job
    is started. Returns the file's bytes."""
    limit = settings.IMPORT_MAX_BYTES
    size = _size(file_obj)
    if size is not None and size > limit:
        raise RosterImportError([RowError(None, None, _(
            "The file is %(size).1f MB; files up to %(limit).1f MB can be imported. Split it into smaller files.") % {
            "size": size / 1024 / 1024, "limit": limit / 1024 / 1024})])
    content = _read_bytes(file_obj)
    if len(content) > limit:
        raise RosterImportError([RowError(None, None, _(
            "The file is %(size).1f MB; files up to %(limit).1f MB can be imported. Split it into smaller files.") % {
            "size": len(content) / 1024 / 1024, "limit": limit / 1024 / 1024})])
    if content.startswith(OLE2_MAGIC):
        raise RosterImportError([RowError(None, None, _(
            "This is an old Excel 97-2003 (.xls) file. Open it in Excel or WPS, save it as an Excel workbook "
            "(.xlsx) and upload that file."))])
    if not content.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(content)):
        raise RosterImportError([RowError(None, None, _(
            "This file is not an Excel workbook (.xlsx). Download the template and fill it in."))])
    _unpacked_check(content)
    return content


def _unpacked_check(content):
    """Refuse a workbook that unpacks to more than IMPORT_MAX_UNPACKED_MB, or with a member packed
    like a zip bomb, from the zip's own directory: nothing is unpacked to find out."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise RosterImportError([RowError(None, None, _(
            "This file is not an Excel workbook (.xlsx). Download the template and fill it in."))]) from None
    limit = settings.IMPORT_MAX_UNPACKED_MB * 1024 * 1024
    unpacked = sum(m.file_size for m in members)
    bomb = any(m.file_size >= RATIO_CHECKED_FROM and m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1)
               for m in members)
    if unpacked > limit or bomb:
        raise RosterImportError([RowError(None, None, _(
            "The workbook unpacks to %(size).0f MB; workbooks up to %(limit)d MB unpacked can be imported. Save "
            "the roster in a new workbook with only its values (no formatting, pictures or other sheets), or "
            "split it into smaller files.") % {"size": unpacked / 1024 / 1024, "limit": settings.IMPORT_MAX_UNPACKED_MB})])


def _open_sheet(content):
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise RosterImportError([RowError(None, None, _(
            "This file is not an Excel workbook (.xlsx). Download the template and fill it in."))]) from None
    return workbook, workbook.worksheets[0]


def _data_rows(content, sheet):
    """How many rows under the header: from the sheet's recorded size, or (streaming writers such as
    our own export record none, and a recorded size past the limit may be a writer's mistake) by
    counting its row tags, stopping once past the limit."""
    limit = settings.IMPORT_MAX_ROWS
    if sheet.max_row and sheet.max_row - 1 <= limit:
        return max(sheet.max_row - 1, 0)
    count = 0  # an estimate: a tag cut by a chunk boundary is missed, once per megabyte at most
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open(sheet._worksheet_path) as xml:
        while count <= limit + 1 and (chunk := xml.read(1 << 20)):
            count += len(_ROW_TAG.findall(chunk))
    return max(count - 1, 0)


def _too_many_rows(rows):
    return RosterImportError([RowError(None, None, _(
        "The first sheet has %(rows)s rows or more; at most %(limit)d rows can be imported at once. Delete the "
        "empty rows at its end, or split the roster into smaller files.") % {
        "rows": rows, "limit": settings.IMPORT_MAX_ROWS})])


def upload_rows(content):
    """The data rows of an upload that passed ``upload_check`` (to choose between the request and a
    background job); a ``RosterImportError`` past IMPORT_MAX_ROWS."""
    workbook, sheet = _open_sheet(content)
    try:
        rows = _data_rows(content, sheet)
    finally:
        workbook.close()
    if rows > settings.IMPORT_MAX_ROWS:
        raise _too_many_rows(rows)
    return rows


def _header_map(header_cells):
    """{column header: index} for the known headers, or a ``RosterImportError`` naming what is missing."""
    found = {}
    for index, cell in enumerate(header_cells):
        name = _header(cell.value)
        if name in COLUMNS and name not in found:
            found[name] = index
    missing = [c for c in COLUMNS if c not in found and c not in OPTIONAL_COLUMNS]
    if missing:
        raise RosterImportError([RowError(1, None, _(
            "The header row lacks these columns: %(columns)s. Use the template's first row as the header.") % {
            "columns": "、".join(missing)})])
    return found


def _header(value):
    """A header cell as the column name it means (full-width brackets, stray spaces, a leading * of
    a required column all forgiven)."""
    return normalize_key(value).replace(" ", "").lstrip("*")


# -- cell conversions: each returns a value or raises ValueError with the message ------------------------------------
def _text(value):
    """A cell's text as written (names, addresses keep their Chinese punctuation)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalize_text(value)
    return _NEUTRALISED.sub("", text)


def _key(value):
    """A cell's text as a key to look up (a township, an industry, 是/否): compatibility forms folded."""
    return normalize_key(_text(value))


def _bool(value, default=None):
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = _key(value).upper()
    if text == "":
        return default
    if text not in _BOOL_TEXT:
        raise ValueError(_("Write 是 or 否."))
    return _BOOL_TEXT[text]


def _int(value):
    if value is None or (isinstance(value, str) and not _text(value)):
        return 0
    if isinstance(value, bool):
        raise ValueError(_("Write a whole number (0 or more)."))
    if isinstance(value, (int, float)):
        number = value
    else:
        try:
            number = float(_key(value).replace(",", ""))
        except ValueError:
            raise ValueError(_("Write a whole number (0 or more).")) from None
    if number != int(number) or number < 0:
        raise ValueError(_("Write a whole number (0 or more)."))
    return int(number)


def _date(value, today):
    if value is None or (isinstance(value, str) and not _text(value)):
        return today
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise ValueError(_("Not a date: write it as 2022-03-01."))
        result = from_excel(value).date()
    else:
        text = _key(value)
        match = _DATE_TEXT.match(text)
        try:
            if match:
                result = datetime.date(int(match[1]), int(match[2]), int(match[3]))
            elif text.isdigit() and len(text) <= 5:
                result = from_excel(int(text)).date()
            else:
                raise ValueError
        except ValueError:
            raise ValueError(_("Not a date: write it as 2022-03-01.")) from None
    if result > today:
        raise ValueError(_("The effective date cannot be later than today."))
    return result


def _limited(text, name):
    limit = FIELD_LIMITS[name]
    if len(text) > limit:
        raise ValueError(_("Too long: at most %(limit)d characters.") % {"limit": limit})
    return text


# -- lookups: one query each, before the rows ------------------------------------------------------------------------
class _Lookups:
    def __init__(self, user):
        townships = list(scope.townships(user).select_related("parent"))
        self.townships = {}
        for t in townships:
            self.townships.setdefault(_name_key(t.name), []).append(t)
            if t.parent_id:
                self.townships.setdefault(_name_key(f"{t.parent.name}/{t.name}"), []).append(t)
        self.villages = {}
        for v in Region.objects.filter(level=Region.Level.VILLAGE, parent__in=[t.pk for t in townships]):
            self.villages[(v.parent_id, _name_key(v.name))] = v.pk
        self.industries = {}
        for i in Industry.objects.all():
            self.industries.setdefault(_name_key(i.name), []).append(i.pk)
            self.industries.setdefault(i.code.upper(), []).append(i.pk)
        self.domains = {}
        for d in KeyDomain.objects.all():
            self.domains[_name_key(d.name)] = d
            self.domains[d.code.upper()] = d

    def township(self, text):
        found = self.townships.get(_name_key(text).replace("·", "/"), [])
        if not found:
            raise ValueError(_("Township %(name)s does not exist.") % {"name": text})
        if len(found) > 1:
            raise ValueError(_("Several townships are called %(name)s: write it as district/township.") % {"name": text})
        return found[0]


def _name_key(name):
    """A region's, industry's or domain's name as the lookups match it, both sides folded alike."""
    return normalize_key(name).replace(" ", "")


def _check_code(value):
    code = normalize_credit_code(_text(value))
    if not code:
        raise ValueError(_("Required."))
    try:
        validate_credit_code(code)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    return code


def _parse_row(number, cells, columns, lookups, today):
    """(RosterRow or None, [RowError]) for one row of cells."""
    errors = []
    out = {}

    def cell(column):
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    def take(column, convert):
        c = cell(column)
        value = c.value if c is not None else None
        if c is not None and (c.data_type == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula")):
            errors.append(RowError(number, column, _("A formula is not accepted: type the value itself.")))
            return None
        try:
            return convert(value)
        except ValueError as exc:
            errors.append(RowError(number, column, str(exc)))
            return None

    def required_text(value):
        text = _text(value)
        if not text:
            raise ValueError(_("Required."))
        return text

    code = take(COL_CODE, _check_code)
    out["name"] = take(COL_NAME, lambda v: _limited(required_text(v), "name"))
    out["address"] = take(COL_ADDRESS, lambda v: _limited(_text(v), "address"))
    township = take(COL_TOWNSHIP, lambda v: lookups.township(required_text(v)))
    out["township_id"] = township.pk if township else None

    def village(value):
        name = _name_key(_text(value))
        if not name or township is None:
            return None
        try:
            return lookups.villages[(township.pk, name)]
        except KeyError:
            raise ValueError(_("Village %(village)s is not in township %(township)s.") % {
                "village": name, "township": township.name}) from None
    out["village_id"] = take(COL_VILLAGE, village)

    def industry(value):
        name = _name_key(required_text(value))
        found = lookups.industries.get(name) or lookups.industries.get(name.upper())
        if not found:
            raise ValueError(_("Unknown industry %(name)s: use a name from the template's list.") % {"name": name})
        return found[0]
    out["industry_id"] = take(COL_INDUSTRY, industry)

    def domains(value):
        result = []
        for part in DOMAIN_SEPARATORS.split(_key(value)):
            if not part:
                continue
            domain = lookups.domains.get(part) or lookups.domains.get(part.upper())
            if domain is None:
                raise ValueError(_("Unknown key domain %(name)s: use names from the template's list, separated by 、") % {
                    "name": part})
            result.append(domain)
        return result
    key_domains = take(COL_DOMAINS, domains) or []
    key_sector = take(COL_KEY_SECTOR, _bool)
    out["above_scale"] = take(COL_ABOVE_SCALE, lambda v: _bool(v, False))
    out["dust_workers_per_shift"] = take(COL_DUST, _int)

    def status(value):
        text = _name_key(required_text(value))
        if text not in STATUS_BY_TEXT:
            raise ValueError(_("Write 在产, 停产 or 销号."))
        return STATUS_BY_TEXT[text]
    out["status"] = take(COL_STATUS, status)
    out["principal_name"] = take(COL_PRINCIPAL, lambda v: _limited(_text(v), "principal_name"))

    def phone(value):
        text = normalize_phone(_text(value))
        if text:
            try:
                validate_phone(text)
            except ValidationError as exc:
                raise ValueError(exc.messages[0]) from None
        return _limited(text, "principal_phone")
    out["principal_phone"] = take(COL_PHONE, phone)
    out["safety_section_established"] = take(COL_SECTION, lambda v: _bool(v, False))

    def host(value):
        if not _text(value):
            return ""
        host_code = _check_code(value)
        if host_code == code:
            raise ValueError(_("An enterprise cannot be its own host."))
        return host_code
    host_code = take(COL_HOST, host)
    effective_date = take(COL_DATE, lambda v: _date(v, today))
    if errors:
        return None, errors
    return RosterRow(row=number, credit_code=code, values=out, key_domain_ids=frozenset(d.pk for d in key_domains),
                     key_sector=(key_sector if key_sector is not None
                                 else services.derived_key_sector(key_domains)),
                     host_code=host_code, effective_date=effective_date), []


def roster_parse(file_obj, *, user, progress=None):
    """Read and validate the whole file as ``user`` would see the roster: ``(rows, errors)``.

    File-level problems (too big, .xls, not a workbook, missing headers) raise ``RosterImportError``
    straight away; row problems are collected so the user can fix them all in one go."""
    content = upload_check(file_obj)
    workbook, sheet = _open_sheet(content)
    limit = settings.IMPORT_MAX_ROWS
    try:
        total = _data_rows(content, sheet)
        if total > limit:
            raise _too_many_rows(total)
        sheet.reset_dimensions()  # some writers record a wrong size; read every row there is
        rows_iter = sheet.iter_rows(min_row=1)
        header = next(rows_iter, None)
        if header is None:
            raise RosterImportError([RowError(None, None, _("The workbook's first sheet is empty."))])
        columns = _header_map(header)
        lookups = _Lookups(user)
        today = timezone.localdate()
        every = max(int(settings.IMPORT_PROGRESS_EVERY), 1)
        rows, errors, first_row_of = [], _Errors(), {}
        done = 0
        if progress:
            progress(0, total)
        for number, cells in enumerate(rows_iter, start=2):
            done += 1
            if done > limit:  # the count above was an estimate; the stream is not
                raise _too_many_rows(done)
            if progress and done % every == 0:
                progress(done, max(total, done))
            if all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in cells):
                continue
            parsed, row_errors = _parse_row(number, cells, columns, lookups, today)
            errors.add_all(row_errors)
            if parsed is None:
                continue
            if parsed.credit_code in first_row_of:
                errors.add(RowError(number, COL_CODE, _("Duplicate credit code: it is also on row %(row)d.") % {
                    "row": first_row_of[parsed.credit_code]}))
                continue
            first_row_of[parsed.credit_code] = number
            rows.append(parsed)
    finally:
        workbook.close()
    if not rows and not errors:
        errors.add(RowError(None, None, _("The file has no enterprise rows under the header.")))
    errors.add_all(_scope_errors(rows, user))
    errors.sort(key=lambda e: (e.row or 0, COLUMNS.index(e.column) if e.column in COLUMNS else -1))
    return rows, errors


def _scope_errors(rows, user):
    """Existing enterprises the user may not see, and hosts that are neither in the file nor visible."""
    codes = {r.credit_code for r in rows}
    host_codes = {r.host_code for r in rows if r.host_code} - codes
    wanted = codes | host_codes
    if not wanted:
        return []
    existing = set(Enterprise.objects.filter(credit_code__in=wanted).values_list("credit_code", flat=True))
    visible = set(scope.visible(user, Enterprise.objects.filter(credit_code__in=wanted))
                  .values_list("credit_code", flat=True))
    importable = codes - (existing - visible)
    errors = []
    for r in rows:
        if r.credit_code in existing and r.credit_code not in visible:
            errors.append(RowError(r.row, COL_CODE, _(
                "This credit code belongs to an enterprise outside your area; it cannot be imported here.")))
        if r.host_code and r.host_code not in importable and r.host_code not in visible:
            errors.append(RowError(r.row, COL_HOST, _("No enterprise with this credit code on your roster.")))
    return errors


# -- writing --------------------------------------------------------------------------------------------------------
def _audit_value(name, value):
    """The value as django-auditlog stores it: foreign keys as ids, everything else as text."""
    if name.endswith("_id"):
        return value
    return smart_str(value)


def roster_import(*, file_obj, user, remote_addr=None, progress=None):
    """Validate the whole file, then upsert every row by credit code in one transaction.

    Returns ``{"created": n, "updated": n, "unchanged": n}``; raises ``RosterImportError`` (nothing
    written) when any row is bad. Importing the same file twice changes nothing the second time."""
    if not may_import(user):
        raise PermissionDenied(_("Your account may not import the roster."))
    rows, errors = roster_parse(file_obj, user=user, progress=progress)
    if errors:
        raise RosterImportError(errors, errors.count)
    try:
        return _write(rows, user=user, remote_addr=remote_addr)
    except IntegrityError:
        raise RosterImportError([RowError(None, None, _(
            "Someone changed the roster while the file was being imported. Import the file again."))]) from None


@transaction.atomic
def _write(rows, *, user, remote_addr):
    now = timezone.now()
    reason = _("Roster import")
    codes = [r.credit_code for r in rows]
    existing = {e.credit_code: e for e in Enterprise.objects.select_for_update().filter(credit_code__in=codes)}
    domains_of = {}
    for enterprise_id, domain_id in Enterprise.key_domains.through.objects.filter(
            enterprise_id__in=[e.pk for e in existing.values()]).values_list("enterprise_id", "keydomain_id"):
        domains_of.setdefault(enterprise_id, set()).add(domain_id)
    host_codes = {r.host_code for r in rows if r.host_code} - set(codes)
    host_ids = dict(Enterprise.objects.filter(credit_code__in=host_codes).values_list("credit_code", "pk"))
    host_ids.update({code: e.pk for code, e in existing.items()})

    # New enterprises: one INSERT per batch, then their key domains and registered changes.
    new_rows = [r for r in rows if r.credit_code not in existing]
    created = [Enterprise(credit_code=r.credit_code, is_key_sector=r.key_sector, created_at=now, updated_at=now,
                          host_id=host_ids.get(r.host_code), **r.values) for r in new_rows]
    Enterprise.objects.bulk_create(created, batch_size=1000)
    host_ids.update({e.credit_code: e.pk for e in created})
    late_hosts = []
    for r, e in zip(new_rows, created):
        if r.host_code and e.host_id is None:
            e.host_id = host_ids[r.host_code]
            late_hosts.append(e)
    Enterprise.objects.bulk_update(late_hosts, ["host"], batch_size=1000)
    Through = Enterprise.key_domains.through
    Through.objects.bulk_create([Through(enterprise_id=e.pk, keydomain_id=d)
                                 for r, e in zip(new_rows, created) for d in sorted(r.key_domain_ids)],
                                batch_size=2000)
    EnterpriseChange.objects.bulk_create([
        EnterpriseChange(enterprise_id=e.pk, kind=EnterpriseChange.Kind.REGISTERED, to_status=e.status,
                         to_township_id=e.township_id, effective_date=r.effective_date, reason=reason, by=user, at=now)
        for r, e in zip(new_rows, created)], batch_size=1000)
    domain_names = dict(KeyDomain.objects.values_list("pk", "name"))
    audit = [_log_entry(e, LogEntry.Action.CREATE, {
        "credit_code": ["None", e.credit_code],
        **{name: [None if name.endswith("_id") else "None", _audit_value(name, getattr(e, name))]
           for name in COMPARED_FIELDS},
        "key_domains": ["", "、".join(domain_names[d] for d in sorted(r.key_domain_ids))],
    }, user, remote_addr, now) for r, e in zip(new_rows, created)]

    # Existing enterprises: compare, then write only what differs.
    updated, unchanged, bulk, relinked, roster_changes = 0, 0, [], [], []
    changed_fields = set()
    for r in rows:
        e = existing.get(r.credit_code)
        if e is None:
            continue
        wanted = dict(r.values, is_key_sector=r.key_sector, host_id=host_ids.get(r.host_code))
        diff = {name: (getattr(e, name), value) for name, value in wanted.items() if getattr(e, name) != value}
        old_domains = domains_of.get(e.pk, set())
        domains_changed = old_domains != set(r.key_domain_ids)
        if not diff and not domains_changed:
            unchanged += 1
            continue
        updated += 1
        changes = {name: [_audit_value(name, before), _audit_value(name, after)] for name, (before, after) in diff.items()}
        if domains_changed:
            changes["key_domains"] = ["、".join(domain_names[d] for d in sorted(old_domains)),
                                      "、".join(domain_names[d] for d in sorted(r.key_domain_ids))]
        audit.append(_log_entry(e, LogEntry.Action.UPDATE, changes, user, remote_addr, now))
        if "status" not in diff and "township_id" not in diff:
            roster_changes.extend(_listed_changes(e, diff, old_domains if domains_changed else None, r,
                                                  domain_names, reason=reason, by=user))
        if "status" in diff or "township_id" in diff:
            # A roster change: through the service, so it is recorded like one made on the page.
            fields = {name: after for name, (before, after) in diff.items()}
            if "township_id" in diff:
                fields["grid_cell_id"] = None
            try:
                with disable_auditlog():
                    services.enterprise_update(
                        enterprise=e, by=user, effective_date=r.effective_date, reason=reason,
                        key_domains=sorted(r.key_domain_ids) if domains_changed else None, **fields)
            except ValidationError as exc:  # the whole import is rolled back with this row named
                raise RosterImportError([RowError(r.row, None, message) for message in exc.messages]) from None
            continue
        for name, (before, after) in diff.items():
            setattr(e, name, after)
            changed_fields.add(name.removesuffix("_id"))
        if diff:
            e.updated_at = now
            bulk.append(e)
        if domains_changed:
            relinked.append((e.pk, r.key_domain_ids))
    if bulk:
        Enterprise.objects.bulk_update(bulk, sorted(changed_fields | {"updated_at"}), batch_size=1000)
    if relinked:
        Through.objects.filter(enterprise_id__in=[pk for pk, _d in relinked]).delete()
        Through.objects.bulk_create([Through(enterprise_id=pk, keydomain_id=d)
                                     for pk, ids in relinked for d in sorted(ids)], batch_size=2000)
    EnterpriseChange.objects.bulk_create(roster_changes, batch_size=1000)
    LogEntry.objects.bulk_create(audit, batch_size=1000)
    return {"created": len(created), "updated": updated, "unchanged": unchanged}


def _listed_changes(e, diff, old_domains, r, domain_names, *, reason, by):
    """The roster changes the township's report lists for an import row that keeps the status and
    the township, as ``services.enterprise_update`` records them on the page: a change of the data
    enforcement targets by (dust workers per shift, the safety section) and of the key domains."""
    common = {"enterprise_id": e.pk, "from_status": e.status, "to_status": e.status, "from_township_id": e.township_id,
              "to_township_id": e.township_id, "effective_date": r.effective_date, "reason": reason, "by": by}
    out = []
    targeting = {name: [before, after] for name, (before, after) in diff.items()
                 if name in EnterpriseChange.TARGETING_FIELDS}
    if targeting:
        out.append(EnterpriseChange(kind=EnterpriseChange.Kind.TARGETING, changed_values=targeting, **common))
    if old_domains is not None:
        def names(ids):
            return "、".join(domain_names[d] for d in sorted(ids)) or "—"
        out.append(EnterpriseChange(kind=EnterpriseChange.Kind.KEY_DOMAINS,
                                    detail=f"{names(old_domains)} → {names(r.key_domain_ids)}"[:300], **common))
    return out


_content_type = None


def _log_entry(enterprise, action, changes, user, remote_addr, now):
    global _content_type
    if _content_type is None:
        _content_type = ContentType.objects.get_for_model(Enterprise)
    return LogEntry(
        content_type=_content_type, object_pk=str(enterprise.pk), object_id=enterprise.pk,
        object_repr=smart_str(enterprise), action=action, changes=changes, changes_text="",
        actor=user if user is not None and user.is_authenticated else None,
        actor_email=getattr(user, "email", None) or None, remote_addr=remote_addr, cid=get_cid(), timestamp=now,
        additional_data={"source": "roster import"},
    )


# -- the marked copy ---------------------------------------------------------------------------------------------------
def roster_errors_xlsx(file_obj, errors, more=0):
    """The uploaded workbook with each bad cell filled red and commented with its reasons, plus a
    sheet listing the errors (and how many ``more`` were not listed). ``errors``: ``RowError``
    objects or their ``as_dict()``. A sheet past MARKED_COPY_MAX_ROWS rows is not loaded whole:
    the file is then the listing alone."""
    errors = [e if isinstance(e, RowError) else RowError(e.get("row"), e.get("column"), e.get("message", ""))
              for e in errors]
    content = upload_check(file_obj)
    if upload_rows(content) > MARKED_COPY_MAX_ROWS:
        workbook = Workbook(write_only=True)
        _error_listing(workbook.create_sheet(_("Errors")), errors, more)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header = {_header(c.value): c.column
              for c in sheet[1] if c.value is not None}
    fill = PatternFill(fill_type="solid", start_color=ERROR_FILL_COLOR, end_color=ERROR_FILL_COLOR)
    by_cell = {}
    for e in errors:
        if not e.row:
            continue
        column = header.get(e.column, 1)
        by_cell.setdefault((e.row, column), []).append(e.message)
    for (row, column), messages in by_cell.items():
        cell = sheet.cell(row=row, column=column)
        cell.fill = fill
        cell.comment = Comment("\n".join(messages), _("Roster import"), width=300, height=120)
    _error_listing(workbook.create_sheet(_("Errors")), errors, more)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _error_listing(listing, errors, more):
    listing.column_dimensions["C"].width = 80
    listing.append([_("Row"), _("Column"), _("Reason")])
    for e in errors:
        listing.append([e.row, e.column or "", e.message])
    if more:
        listing.append([None, None, more_errors_text(more)])
