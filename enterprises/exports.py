"""Roster workbooks out: the filtered roster (re-importable: the import's own columns), the
import template, and the quarterly change report.

Every text cell that a spreadsheet could read as a formula is neutralised (``portal.jobs.exports``);
the import strips that apostrophe again, so an export re-imports unchanged.
"""
import io
from types import SimpleNamespace

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from portal.accounts import scope
from portal.jobs import exports as jobs_exports
from portal.jobs.exports import (HEADER_FILL, HEADER_FONT, XLSX_CONTENT_TYPE, Column, neutralise,  # noqa: F401
                                 sheet_xlsx, xlsx_response)

from .filters import EnterpriseFilter
from .importers import (COL_ABOVE_SCALE, COL_ADDRESS, COL_CODE, COL_DATE, COL_DOMAINS, COL_DUST, COL_HOST,
                        COL_INDUSTRY, COL_KEY_SECTOR, COL_NAME, COL_PHONE, COL_PRINCIPAL, COL_SECTION, COL_STATUS,
                        COL_TOWNSHIP, COL_VILLAGE, COLUMNS, NO, STATUS_BY_TEXT, TEXT_BY_STATUS, YES)
from .models import Enterprise, Industry, KeyDomain
from .validators import credit_code_check_char

COLUMN_WIDTHS = [22, 34, 40, 12, 14, 14, 28, 10, 10, 16, 8, 12, 16, 18, 24, 12]


def _yes_no(value):
    return YES if value else NO


# -- the roster ------------------------------------------------------------------------------------------------------
def export_queryset(user, query):
    """The roster as ``user`` sees it, filtered like the roster page by ``query`` (a query string or
    QueryDict). Always re-built from scope, also inside a job."""
    if not isinstance(query, QueryDict):
        query = QueryDict(query or "")
    base = scope.visible(user, Enterprise.objects.all())
    filterset = EnterpriseFilter(query or None, queryset=base, request=SimpleNamespace(user=user))
    if filterset.is_bound and not filterset.is_valid():
        return base.none()  # an invalid filter (e.g. a township out of scope) exports nothing, never everything
    return filterset.qs.order_by("township__order", "name", "pk")


def roster_xlsx(queryset, progress=None) -> bytes:
    """The roster rows of ``queryset`` in the import's columns. Two queries (rows, key domains),
    streamed by the shared writer (``portal.jobs.exports.sheet_xlsx``)."""
    rows = queryset.values_list(
        "pk", "credit_code", "name", "address", "township__name", "village__name", "industry__name",
        "is_key_sector", "above_scale", "dust_workers_per_shift", "status", "principal_name", "principal_phone",
        "safety_section_established", "host__credit_code")
    domains = {}
    through = Enterprise.key_domains.through.objects.filter(enterprise__in=queryset.order_by().values("pk"))
    for enterprise_id, name in through.order_by("keydomain__order", "keydomain__code").values_list(
            "enterprise_id", "keydomain__name"):
        domains.setdefault(enterprise_id, []).append(name)

    def values():
        for (pk, code, name, address, township, village, industry, key_sector, above_scale, dust, status, principal,
             phone, section, host) in rows.iterator(chunk_size=2000):
            yield (code, name, address, township, village, industry, "、".join(domains.get(pk, ())),
                   _yes_no(key_sector), _yes_no(above_scale), dust, TEXT_BY_STATUS.get(status, status), principal,
                   phone, _yes_no(section), host, None)

    columns = [Column(name, width) for name, width in zip(COLUMNS, COLUMN_WIDTHS)]
    return sheet_xlsx(values(), columns, sheet_title=_("Enterprise roster"), total=queryset.count() if progress else 0,
                      progress=progress, freeze="C2")


def roster_file_name():
    return f"{_('Enterprise roster')}-{timezone.localdate():%Y%m%d}.xlsx"


def _roster_rows(user, query):
    return export_queryset(user, query), ""


def _roster_write(queryset, *, title, progress=None):
    return roster_xlsx(queryset, progress=progress)


# The roster as filtered on its page: the file at once, or past EXPORT_SYNC_MAX_ROWS the shared export job.
ROSTER_EXPORT = jobs_exports.register(jobs_exports.Export(
    kind="enterprises.roster", queryset=_roster_rows, write=_roster_write, file_name=roster_file_name,
    job_title=gettext_lazy("Roster export (%(n)d enterprises)"),
    done_message=gettext_lazy("%(n)d enterprises exported.")))


# -- the import template ---------------------------------------------------------------------------------------------
def roster_template_xlsx(user) -> bytes:
    """The header, one example row, drop-downs for the fixed answers, and a second sheet listing
    the townships ``user`` may import into, the industries and the key domains."""
    townships = list(scope.townships(user).select_related("parent").prefetch_related("children"))
    industries = list(Industry.objects.select_related("parent").order_by("order", "code"))
    domains = list(KeyDomain.objects.all())
    example_code = "91320412MA1ABCDE1"
    example_code += credit_code_check_char(example_code)
    township = townships[0] if townships else None
    villages = list(township.children.all()) if township else []
    example_domains = [d for d in domains if d.code in ("dust", "confined_space")] or domains[:1]
    example = {
        COL_CODE: example_code,
        COL_NAME: _("Example Machinery Co., Ltd. (delete this row)"),
        COL_ADDRESS: _("No. 1 Example Road"),
        COL_TOWNSHIP: township.name if township else "",
        COL_VILLAGE: villages[0].name if villages else "",
        COL_INDUSTRY: next((i.name for i in industries if i.parent_id), ""),
        COL_DOMAINS: "、".join(d.name for d in example_domains),
        COL_KEY_SECTOR: "",
        COL_ABOVE_SCALE: NO,
        COL_DUST: 12,
        COL_STATUS: "在产",
        COL_PRINCIPAL: _("Zhang San"),
        COL_PHONE: "13800000000",
        COL_SECTION: YES,
        COL_HOST: "",
        COL_DATE: timezone.localdate(),
    }

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Enterprise roster")
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    sheet.append([example[c] for c in COLUMNS])
    sheet.cell(row=2, column=COLUMNS.index(COL_DATE) + 1).number_format = "yyyy-mm-dd"
    for index, width in enumerate(COLUMN_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "C2"

    def letter(column):
        return chr(ord("A") + COLUMNS.index(column))

    status_list = DataValidation(type="list", formula1='"%s"' % ",".join(STATUS_BY_TEXT), allow_blank=False)
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    for validation in (status_list, yes_no):
        sheet.add_data_validation(validation)
    status_list.add(f"{letter(COL_STATUS)}2:{letter(COL_STATUS)}20000")
    for column in (COL_KEY_SECTOR, COL_ABOVE_SCALE, COL_SECTION):
        yes_no.add(f"{letter(column)}2:{letter(column)}20000")

    values = workbook.create_sheet(_("Valid values"))
    values.append([_("District"), COL_TOWNSHIP, COL_VILLAGE, _("Industry"), COL_INDUSTRY, COL_DOMAINS, COL_STATUS])
    for cell in values[1]:
        cell.font = HEADER_FONT
    township_rows = [(t.parent.name if t.parent_id else "", t.name,
                      "、".join(v.name for v in t.children.all())) for t in townships]
    industry_rows = [(i.parent.name if i.parent_id else i.name, i.name) for i in industries]
    status_rows = list(STATUS_BY_TEXT)
    for n in range(max(len(township_rows), len(industry_rows), len(domains), len(status_rows))):
        t = township_rows[n] if n < len(township_rows) else ("", "", "")
        i = industry_rows[n] if n < len(industry_rows) else ("", "")
        values.append([*t, *i, domains[n].name if n < len(domains) else "",
                       status_rows[n] if n < len(status_rows) else ""])
    for column, width in zip("ABCDEFG", (12, 16, 40, 10, 18, 18, 8)):
        values.column_dimensions[column].width = width
    values.append([])
    values.append([_("Key domains: several names separated by 、 (e.g. 涉爆粉尘、有限空间作业). 重点行业: leave it "
                     "empty to derive it from the key domains. 生效日期: empty means today.")])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# -- the quarterly change report --------------------------------------------------------------------------------------
def _change_details(change):
    if change.kind == "targeting":
        return change.changed_values_display
    if change.detail:  # key domains before → after
        return change.detail
    if change.kind == "transfer":
        return f"{change.from_township.name if change.from_township_id else ''} → {change.to_township.name}"
    if change.from_status:
        return f"{change.get_from_status_display()} → {change.get_to_status_display()}"
    return str(change.get_to_status_display())


def change_report_xlsx(report) -> bytes:
    """``reports.change_report()`` as a workbook: the summary (at the start, each category, at the
    end), then one row per change."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Roster changes")
    title = _("%(township)s roster changes, %(quarter)s") % {
        "township": report["township"].name, "quarter": report["quarter"].label}
    sheet.append([neutralise(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append([_("At the start of the quarter"), report["at_start"]])
    sheet.append([_("Producing at the start of the quarter"), report["producing_at_start"]])
    for _key, label, count in report["counts"]:
        sheet.append([str(label), count])
    sheet.append([_("At the end of the quarter"), report["at_end"]])
    sheet.append([_("Producing at the end of the quarter"), report["producing_at_end"]])
    sheet.append([])
    header = [_("Effective date"), _("Change"), _("Enterprise name"), _("Unified social credit code"), _("Details"),
              _("Reason"), _("Recorded by")]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for row in report["rows"]:
        change = row["change"]
        sheet.append([
            change.effective_date, neutralise(str(row["category_label"])), neutralise(change.enterprise.name),
            neutralise(change.enterprise.credit_code), neutralise(_change_details(change)), neutralise(change.reason),
            neutralise(change.by.display_name if change.by_id else ""),
        ])
        sheet.cell(row=sheet.max_row, column=1).number_format = "yyyy-mm-dd"
    for column, width in zip("ABCDEFG", (28, 14, 34, 22, 24, 30, 12)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
