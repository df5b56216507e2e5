"""Risk points from .xlsx (风险点导入): one point per row, for the importer's own enterprise.

All or nothing, like the roster import (``enterprises.importers``, whose file checks, row errors and
messages are reused here): every row is read and checked first, and one bad row means no point is
written; the user gets every problem at once by row and column ("第 5 行 “排查周期”：…"). The writes
go through ``services.points.point_create`` (each point with its Changan code) in one transaction,
so an imported point is the same as one recorded on the page.

A file is an enterprise's points, a few hundred rows: it is imported in the request, up to
``MAX_ROWS`` rows.
"""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
import io
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from enterprises.importers import RosterImportError, RowError, upload_check
from enterprises.validators import normalize_key, normalize_text
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.jobs.exports import HEADER_FILL, HEADER_FONT, neutralise

from .dictionary_catalogue import CHECK_CYCLES
from .models import METHOD_FACTORS, CheckCycle, GradingBasis, GradingMethod, GradingScale, RiskCategory, RiskLevel, \
    RiskPoint, plain
from .services.points import _require_open, grading_of, point_create

# The file format: these Chinese headers are the data's own names (like a CSV dialect), not UI text.
COL_AREA = "车间/区域"
COL_NAME = "风险点名称"
COL_CATEGORY = "辞典类别"
COL_PERSON = "责任人"
COL_PHONE = "联系电话"
COL_CYCLE = "排查周期"
COL_METHOD = "定级方法"
COL_L, COL_E, COL_C, COL_S = "L", "E", "C", "S"
COL_LEVEL = "风险等级"
COL_REASON = "定级理由"
COL_ITEMS = "排查内容"
COLUMNS = [COL_AREA, COL_NAME, COL_CATEGORY, COL_PERSON, COL_PHONE, COL_CYCLE, COL_METHOD, COL_L, COL_E, COL_C,
           COL_S, COL_LEVEL, COL_REASON, COL_ITEMS]
REQUIRED_COLUMNS = [COL_AREA, COL_NAME, COL_PERSON, COL_METHOD]
COLUMN_WIDTHS = [14, 24, 22, 10, 16, 10, 10, 6, 6, 6, 6, 10, 24, 48]
MAX_ROWS = 5000

METHOD_BY_TEXT = {"LEC": GradingBasis.LEC, "LS": GradingBasis.LS, "风险矩阵": GradingBasis.LS,
                  "人工": GradingBasis.MANUAL, "手工": GradingBasis.MANUAL, "MANUAL": GradingBasis.MANUAL}
METHOD_TEXT = {GradingBasis.LEC: "LEC", GradingBasis.LS: "LS", GradingBasis.MANUAL: "人工"}
LEVEL_BY_TEXT = {"重大": "red", "红": "red", "较大": "orange", "橙": "orange", "一般": "yellow", "黄": "yellow",
                 "低": "blue", "蓝": "blue", **{v.upper(): v for v in RiskLevel.values}}
LEVEL_TEXT = {"red": "重大", "orange": "较大", "yellow": "一般", "blue": "低"}
CYCLE_BY_TEXT = {**{text: code for code, text in CHECK_CYCLES}, "每天": "day", "每季": "quarter",
                 **{v.upper(): v for v in CheckCycle.values}}
CYCLE_TEXT = dict(CHECK_CYCLES)
ITEM_SEPARATORS = re.compile(r"[；;\r\n]+")
# a service's field as the file's column
COLUMN_OF_FIELD = {"name": COL_NAME, "area": COL_AREA, "responsible_person": COL_PERSON,
                   "responsible_phone": COL_PHONE, "cycle": COL_CYCLE, "basis": COL_METHOD, "method": COL_METHOD,
                   "level": COL_LEVEL, "level_reason": COL_REASON, "check_items": COL_ITEMS, "L": COL_L, "E": COL_E,
                   "C": COL_C, "S": COL_S, "factors": COL_CATEGORY, "accident_types": COL_CATEGORY,
                   "measures": COL_CATEGORY, "__all__": COL_NAME}
FIELD_LIMITS = {COL_AREA: 60, COL_NAME: 100, COL_PERSON: 32, COL_PHONE: 32, COL_REASON: 300}


class PointImportError(RosterImportError):
    """The file was refused and nothing was written; ``errors`` lists the ``RowError``s."""


@dataclass
class PointRow:
    row: int
    fields: dict  # point_create's keyword arguments


def may_import(user, enterprise=None):
    return scope.can(user, caps.MANAGE_RISK_POINTS, enterprise)


def _text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"^'(?=[=+\-@\t\r])", "", normalize_text(value))


def _key(value):
    return normalize_key(_text(value)).replace(" ", "").upper()


def _header_map(cells):
    found = {}
    for index, cell in enumerate(cells):
        name = normalize_key(cell.value).replace(" ", "").lstrip("*").replace("／", "/").upper()
        for column in COLUMNS:
            if name == column.upper() and column not in found:
                found[column] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        raise PointImportError([RowError(1, None, _(
            "The header row lacks these columns: %(columns)s. Use the template's first row as the header.") % {
            "columns": "、".join(missing)})])
    return found


class _Lookups:
    """The dictionary and the grading scales, read once per file."""

    def __init__(self, enterprise):
        self.categories = {}
        for category in RiskCategory.objects.filter(active=True):
            self.categories[category.code.upper()] = category
            self.categories[normalize_key(category.name).replace(" ", "").upper()] = category
        self.existing = set(RiskPoint.objects.filter(enterprise=enterprise, retired_on__isnull=True)
                            .values_list("area", "name"))


def _number(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except InvalidOperation:
        return "bad"


def _parse_row(number, cells, columns, lookups):
    errors = []

    def cell(column):
        index = columns.get(column)
        return cells[index].value if index is not None and index < len(cells) else None

    def error(column, message):
        errors.append(RowError(number, column, str(message)))

    text = {c: _text(cell(c)) for c in (COL_AREA, COL_NAME, COL_PERSON, COL_PHONE, COL_REASON)}
    for column, limit in FIELD_LIMITS.items():
        if len(text[column]) > limit:
            error(column, _("At most %(n)d characters.") % {"n": limit})
    for column, message in ((COL_AREA, _("Name the workshop or area.")), (COL_NAME, _("Name the risk point.")),
                            (COL_PERSON, _("Name the person responsible."))):
        if not text[column]:
            error(column, message)

    category = None
    category_text = _key(cell(COL_CATEGORY))
    if category_text:
        category = lookups.categories.get(category_text)
        if category is None:
            error(COL_CATEGORY, _("No dictionary category has this code or name (see the sheet of categories)."))

    cycle_text = _key(cell(COL_CYCLE))
    cycle = CYCLE_BY_TEXT.get(cycle_text) if cycle_text else (category.cycle if category else None)
    if cycle_text and cycle is None:
        error(COL_CYCLE, _("Write 每班, 每日, 每周, 每月 or 每季度."))
    elif cycle is None and not category_text:
        error(COL_CYCLE, _("Give the check cycle (or a dictionary category, whose cycle is then taken)."))

    raw_items = cell(COL_ITEMS)  # a text keeps its new lines: they separate the items
    items_text = raw_items if isinstance(raw_items, str) else _text(raw_items)
    items = [normalize_text(i) for i in ITEM_SEPARATORS.split(items_text) if normalize_text(i)]
    if not items and category is not None:
        items = list(category.check_items)
    if not items and not category_text:
        error(COL_ITEMS, _("Name at least one check item (separate them with ；or new lines)."))

    method_text = _key(cell(COL_METHOD))
    basis = METHOD_BY_TEXT.get(method_text)
    level_text = _key(cell(COL_LEVEL))
    level = LEVEL_BY_TEXT.get(level_text) if level_text else None
    if level_text and level is None:
        error(COL_LEVEL, _("Write 重大, 较大, 一般 or 低 (or 红, 橙, 黄, 蓝)."))
    grading = None
    if basis is None:
        error(COL_METHOD, _("Write LEC, LS or 人工."))
    elif basis == GradingBasis.MANUAL:
        if not level_text:
            error(COL_LEVEL, _("Give the class when it is set by hand."))
        if not text[COL_REASON]:
            error(COL_REASON, _("Say why the class is set by hand."))
    else:
        values, bad = {}, False
        for factor in METHOD_FACTORS[GradingMethod(basis)]:
            value = _number(cell(factor))
            if value is None or value == "bad":
                error(factor, _("Give %(factor)s as a number of the method's scale.") % {"factor": factor})
                bad = True
            else:
                values[factor] = value
        if not bad:
            try:
                grading = grading_of(basis=basis, values=values, level_reason=text[COL_REASON])
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        error(COLUMN_OF_FIELD.get(field, COL_METHOD), message)
            else:
                if level and level != grading["level"]:
                    error(COL_LEVEL, _("By %(method)s the class is %(level)s (score %(score)s); leave the class "
                                       "empty or correct it.") % {
                        "method": METHOD_TEXT[basis], "level": LEVEL_TEXT[grading["level"]],
                        "score": plain(grading["score"])})
    if (text[COL_AREA], text[COL_NAME]) in lookups.existing:
        error(COL_NAME, _("This workshop already has a risk point of this name."))
    if errors:
        return None, errors
    fields = {"area": text[COL_AREA], "name": text[COL_NAME], "category": category,
              "responsible_person": text[COL_PERSON], "responsible_phone": text[COL_PHONE], "cycle": cycle,
              "check_items": items, "basis": basis, "level_reason": text[COL_REASON]}
    if basis == GradingBasis.MANUAL:
        fields["level"] = level
    else:
        fields["values"] = {k: Decimal(v) for k, v in grading["grading_values"].items()}
    return PointRow(number, fields), []


def points_parse(file_obj, *, enterprise):
    """``(rows, errors)`` of the whole file; a file-level problem raises ``PointImportError``."""
    try:
        content = upload_check(file_obj)
    except RosterImportError as exc:
        raise PointImportError(exc.errors) from None
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - whatever openpyxl raises, the file is no workbook we read
        raise PointImportError([RowError(None, None, _(
            "This file is not an Excel workbook (.xlsx). Download the template and fill it in."))]) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows_iter = sheet.iter_rows(min_row=1)
        header = next(rows_iter, None)
        if header is None:
            raise PointImportError([RowError(None, None, _("The workbook's first sheet is empty."))])
        columns = _header_map(header)
        lookups = _Lookups(enterprise)
        rows, errors, first_row_of = [], [], {}
        for number, cells in enumerate(rows_iter, start=2):
            if all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in cells):
                continue
            if number - 1 > MAX_ROWS:
                raise PointImportError([RowError(None, None, _(
                    "At most %(n)d risk points can be imported at once; split the file.") % {"n": MAX_ROWS})])
            parsed, row_errors = _parse_row(number, cells, columns, lookups)
            errors.extend(row_errors)
            if parsed is None:
                continue
            key = (parsed.fields["area"], parsed.fields["name"])
            if key in first_row_of:
                errors.append(RowError(number, COL_NAME, _(
                    "The same workshop and point name are also on row %(row)d.") % {"row": first_row_of[key]}))
                continue
            first_row_of[key] = number
            rows.append(parsed)
    finally:
        workbook.close()
    if not rows and not errors:
        errors.append(RowError(None, None, _("The file has no risk point rows under the header.")))
    return rows, errors


def points_import(*, enterprise, by, file_obj):
    """Validate the whole file, then record every row's point and its code in one transaction.
    Returns the points; raises ``PointImportError`` (nothing written) when any row is bad."""
    scope.require(by, caps.MANAGE_RISK_POINTS, enterprise)
    _require_open(enterprise)
    rows, errors = points_parse(file_obj, enterprise=enterprise)
    if errors:
        raise PointImportError(errors)
    return _write(rows, enterprise=enterprise, by=by)


@transaction.atomic
def _write(rows, *, enterprise, by):
    points, errors = [], []
    for row in rows:
        try:
            with transaction.atomic():
                points.append(point_create(enterprise=enterprise, by=by, **row.fields))
        except ValidationError as exc:
            items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.messages)]
            errors.extend(RowError(row.row, COLUMN_OF_FIELD.get(field, COL_NAME), message)
                          for field, messages in items for message in messages)
    if errors:
        raise PointImportError(errors)  # rolls back the rows written before
    return points


# -- the template ---------------------------------------------------------------------------------------------------
def points_template_xlsx() -> bytes:
    """The header, two example rows (one graded by LEC, one by hand), drop-downs for the fixed
    answers, and a sheet listing the dictionary's categories and the methods' scale values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "风险点"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    first = RiskCategory.objects.filter(active=True).first()
    sheet.append(["一车间", first.name if first else "冲压机", first.code if first else "", "张三", "13800000000",
                  "每日", "LEC", 3, 6, 7, None, None, None, None])
    sheet.append(["一车间", "配电房", None, "李四", None, "每周", "人工", None, None, None, None, "一般",
                  "参照同类企业定级", "配电柜门锁闭；绝缘垫完好；灭火器在有效期内"])
    for index, width in enumerate(COLUMN_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "C2"

    def letter(column):
        return chr(ord("A") + COLUMNS.index(column))

    for column, answers in ((COL_CYCLE, [t for _c, t in CHECK_CYCLES]), (COL_METHOD, ["LEC", "LS", "人工"]),
                            (COL_LEVEL, list(LEVEL_TEXT.values()))):
        validation = DataValidation(type="list", formula1='"%s"' % ",".join(answers), allow_blank=True)
        sheet.add_data_validation(validation)
        validation.add(f"{letter(column)}2:{letter(column)}{MAX_ROWS + 1}")

    listing = workbook.create_sheet("辞典类别")
    listing.append(["代码", "名称", "典型等级", "默认排查周期"])
    for cell in listing[1]:
        cell.font = HEADER_FONT
    for category in RiskCategory.objects.filter(active=True):
        listing.append([category.code, neutralise(category.name), LEVEL_TEXT[category.typical_level],
                        CYCLE_TEXT.get(category.cycle, category.cycle)])
    for column, width in zip("ABCD", (22, 30, 10, 12)):
        listing.column_dimensions[column].width = width

    scales = workbook.create_sheet("定级取值")
    scales.append(["方法", "因素", "取值", "含义"])
    for cell in scales[1]:
        cell.font = HEADER_FONT
    for scale in GradingScale.objects.all():
        scales.append([METHOD_TEXT[scale.method], scale.factor, float(scale.value), scale.meaning])
    scales.append([])
    scales.append([_("LEC: fill L, E and C; LS: fill L and S; 人工: fill the class and the reason. Check items: "
                     "separate them with ；or new lines; empty takes the category's. Cycle empty takes the "
                     "category's.")])
    scales.cell(row=scales.max_row, column=1).font = Font(italic=True)
    for column, width in zip("ABCD", (8, 6, 8, 36)):
        scales.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
