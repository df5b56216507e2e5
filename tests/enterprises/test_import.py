"""The roster import: all or nothing, errors named by row and column, idempotent upserts, scope,
audit rows, and the page flow through a job."""
import datetime
import io

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
import pytest

from enterprises import importers
from enterprises.importers import COLUMNS, RosterImportError, roster_import
from enterprises.models import Enterprise, EnterpriseChange, Status
from enterprises.validators import credit_code_check_char
from portal.jobs.models import Job

from tests.enterprises.factories import credit_code


@pytest.fixture(autouse=True)
def _english_and_fast_passwords(settings):
    # Assertions read the English msgids (the zh-hans catalogue is filled in later); the world's
    # ten users need no slow password hashing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


def row(code=None, **over):
    """One roster row as {header: value}; ``over`` keys are the Chinese headers."""
    values = {
        "统一社会信用代码": code or credit_code(), "企业名称": "常州导入测试有限公司", "地址": "湖塘镇长安路1号",
        "板块": "湖塘镇", "村(社区)": "", "行业": "钢铁", "重点行业领域": "涉爆粉尘、有限空间作业", "重点行业": "",
        "规上企业": "否", "单班作业涉粉人数": 5, "状态": "在产", "主要负责人": "张三", "主要负责人电话": "13800000001",
        "安全生产管理科挂牌": "是", "厂中厂所属企业信用代码": "", "生效日期": "2022-03-01",
    }
    values.update(over)
    return values


def xlsx_file(rows, header=COLUMNS):
    """An .xlsx (as a BytesIO) with ``header`` and one line per row dict (missing keys left empty)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for r in rows:
        sheet.append([r.get(h) for h in header])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "roster.xlsx"
    return out


def enterprise_logs(**filters):
    return LogEntry.objects.get_for_model(Enterprise).filter(**filters)


def errors_of(exc_info):
    return [str(e) for e in exc_info.value.errors]


def test_import_creates_enterprises_with_domains_registered_change_and_audit(world):
    code1, code2 = credit_code(), credit_code()
    before_logs = LogEntry.objects.count()
    result = roster_import(file_obj=xlsx_file([
        row(code1, **{"村(社区)": "湖塘村"}),
        row(code2, **{"企业名称": "常州洛阳租户有限公司", "板块": "洛阳镇", "重点行业领域": "", "状态": "停产",
                      "厂中厂所属企业信用代码": code1, "行业": "冶金"}),
    ]), user=world.bureau, remote_addr="10.0.0.7")
    assert result == {"created": 2, "updated": 0, "unchanged": 0}
    e1 = Enterprise.objects.get(credit_code=code1)
    e2 = Enterprise.objects.get(credit_code=code2)
    assert (e1.township, e1.village, e1.industry.code) == (world.hutang, world.village, "steel")
    assert sorted(e1.key_domains.values_list("code", flat=True)) == ["confined_space", "dust"]
    assert e1.is_key_sector is True  # derived: both domains count as key sectors
    assert (e1.dust_workers_per_shift, e1.safety_section_established, e1.above_scale) == (5, True, False)
    assert (e2.status, e2.host, e2.industry.code, e2.is_key_sector) == (Status.SUSPENDED, e1, "metallurgy", False)
    change = e1.changes.get()
    assert (change.kind, change.effective_date, change.by) == ("registered", datetime.date(2022, 3, 1), world.bureau)
    logs = enterprise_logs(object_pk__in=[str(e1.pk), str(e2.pk)], action=LogEntry.Action.CREATE)
    assert LogEntry.objects.count() - before_logs == 2
    log = logs.get(object_pk=str(e1.pk))
    assert (log.actor, log.remote_addr) == (world.bureau, "10.0.0.7")
    assert log.changes["name"] == ["None", "常州导入测试有限公司"]
    assert log.changes["township_id"] == [None, world.hutang.pk]


def test_one_bad_row_among_good_ones_writes_nothing_and_names_row_column_reason(world):
    bad = credit_code()[:17] + "0"
    if credit_code_check_char(bad[:17]) == "0":
        bad = bad[:17] + "1"
    counts = (Enterprise.objects.count(), EnterpriseChange.objects.count(), LogEntry.objects.count())
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=xlsx_file([row(), row(), row(bad), row()]), user=world.bureau)
    expected = credit_code_check_char(bad[:17])
    assert errors_of(exc_info) == [f"Row 4 “统一社会信用代码”: Wrong check digit: it should be {expected}."]
    error = exc_info.value.errors[0]
    assert (error.row, error.column) == (4, "统一社会信用代码")
    assert (Enterprise.objects.count(), EnterpriseChange.objects.count(), LogEntry.objects.count()) == counts


def test_every_bad_cell_is_reported_at_once(world):
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=xlsx_file([
            row(**{"状态": "关闭", "行业": "造船", "重点行业领域": "涉爆粉尘、高空作业", "单班作业涉粉人数": -3,
                   "主要负责人电话": "12345", "规上企业": "也许", "企业名称": "", "生效日期": "明天"}),
        ]), user=world.bureau)
    columns = [e.column for e in exc_info.value.errors]
    assert columns == ["企业名称", "行业", "重点行业领域", "规上企业", "单班作业涉粉人数", "状态", "主要负责人电话",
                       "生效日期"]
    assert all(e.row == 2 for e in exc_info.value.errors)


def test_duplicate_credit_code_in_file(world):
    code = credit_code()
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=xlsx_file([row(code), row(), row(code)]), user=world.bureau)
    assert errors_of(exc_info) == ["Row 4 “统一社会信用代码”: Duplicate credit code: it is also on row 2."]
    assert not Enterprise.objects.filter(credit_code=code).exists()


def test_missing_header_is_refused_naming_the_columns(world):
    header = [c for c in COLUMNS if c not in ("板块", "状态")]
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=xlsx_file([row()], header=header), user=world.bureau)
    (message,) = errors_of(exc_info)
    assert "板块、状态" in message and "header" in message


def test_optional_columns_may_be_left_out(world):
    header = [c for c in COLUMNS if c not in importers.OPTIONAL_COLUMNS]
    code = credit_code()
    assert roster_import(file_obj=xlsx_file([row(code)], header=header), user=world.bureau)["created"] == 1
    assert Enterprise.objects.get(credit_code=code).changes.get().effective_date == datetime.date.today()


def test_old_xls_is_refused_with_advice(world):
    content = io.BytesIO(importers.OLE2_MAGIC + b"\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=content, user=world.bureau)
    assert ".xls" in errors_of(exc_info)[0] and "save it as" in errors_of(exc_info)[0]


@pytest.mark.parametrize("content", [b"credit_code,name\n1,2\n", b"PK\x03\x04 not really a zip", b""])
def test_a_file_that_is_not_xlsx_is_refused(world, content):
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=io.BytesIO(content), user=world.bureau)
    assert "not an Excel workbook" in errors_of(exc_info)[0]


def test_a_zip_that_is_not_a_workbook_is_refused(world):
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=io.BytesIO(out.getvalue()), user=world.bureau)
    assert "not an Excel workbook" in errors_of(exc_info)[0]


def test_oversize_file_is_refused(world, settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=xlsx_file([row()]), user=world.bureau)
    assert "MB" in errors_of(exc_info)[0]
    assert Enterprise.objects.count() == 3


def test_formula_cell_is_refused_with_row_and_column(world):
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=xlsx_file([row(), row(**{"单班作业涉粉人数": "=2+3"})]), user=world.bureau)
    assert errors_of(exc_info) == ["Row 3 “单班作业涉粉人数”: A formula is not accepted: type the value itself."]


def test_full_width_codes_and_stray_spaces_are_normalised(world):
    code = credit_code()
    full_width_code = " " + "".join(chr(ord(c) + 0xFEE0) for c in code.lower()) + "\u3000"
    roster_import(file_obj=xlsx_file([row(full_width_code, **{
        "企业名称": "  常州ＡＢＣ　精密  机械有限公司 ", "板块": "\u3000湖塘镇 ", "行业": " 钢铁",
        "重点行业领域": "涉爆粉尘，有限空间作业 ", "主要负责人电话": "０５１９－８５６８３１２０", "状态": " 在产 ",
    })]), user=world.bureau)
    e = Enterprise.objects.get(credit_code=code)
    assert e.name == "常州ＡＢＣ 精密 机械有限公司"  # text as written, its spaces tidied
    assert e.principal_phone == "0519-85683120"
    assert e.key_domains.count() == 2


@pytest.mark.parametrize("value", [44621, 44621.0, "2022-03-01", "2022/3/1", "2022年3月1日",
                                   datetime.date(2022, 3, 1), datetime.datetime(2022, 3, 1, 0, 0)])
def test_effective_date_forms_are_read(world, value):
    code = credit_code()
    roster_import(file_obj=xlsx_file([row(code, 生效日期=value)]), user=world.bureau)
    assert Enterprise.objects.get(credit_code=code).changes.get().effective_date == datetime.date(2022, 3, 1)


def test_reimporting_the_same_file_changes_nothing(world):
    content = xlsx_file([row(), row(), row(**{"村(社区)": "湖塘村", "重点行业": "否"})]).getvalue()
    assert roster_import(file_obj=io.BytesIO(content), user=world.inspector) == {
        "created": 3, "updated": 0, "unchanged": 0}
    counts = (EnterpriseChange.objects.count(), LogEntry.objects.count())
    stamps = list(Enterprise.objects.order_by("pk").values_list("updated_at", flat=True))
    assert roster_import(file_obj=io.BytesIO(content), user=world.inspector) == {
        "created": 0, "updated": 0, "unchanged": 3}
    assert (EnterpriseChange.objects.count(), LogEntry.objects.count()) == counts
    assert list(Enterprise.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_changed_fields_are_updated_in_bulk_with_an_audit_row(world):
    e = world.e_hutang
    result = roster_import(file_obj=xlsx_file([row(e.credit_code, **{
        "企业名称": e.name, "地址": "新地址", "村(社区)": "湖塘村", "行业": "汽车零部件", "重点行业领域": "涉爆粉尘、喷涂作业",
        "单班作业涉粉人数": 12, "安全生产管理科挂牌": "否", "主要负责人": "", "主要负责人电话": ""})]),
        user=world.inspector, remote_addr="10.1.1.1")
    assert result == {"created": 0, "updated": 1, "unchanged": 0}
    e.refresh_from_db()
    assert e.address == "新地址"
    assert sorted(e.key_domains.values_list("code", flat=True)) == ["dust", "spraying"]
    assert e.grid_cell == world.cell  # not in the file: kept
    # no status or township change, but new key domains: listed for the township as on the page
    # (the dust workers, 12, and the safety section, not set up, are as they were)
    listed = e.changes.exclude(kind=EnterpriseChange.Kind.REGISTERED).get()
    assert (listed.kind, listed.detail, listed.by, listed.reason) == (
        EnterpriseChange.Kind.KEY_DOMAINS, "涉爆粉尘 → 涉爆粉尘、喷涂作业", world.inspector, "Roster import")
    log = enterprise_logs(actor=world.inspector).get(object_pk=str(e.pk), action=LogEntry.Action.UPDATE)
    assert log.changes["address"] == ["", "新地址"]
    assert log.changes["key_domains"] == ["涉爆粉尘", "涉爆粉尘、喷涂作业"]
    assert (log.actor, log.remote_addr) == (world.inspector, "10.1.1.1")


def test_targeting_data_changed_by_import_is_listed_for_the_township(world):
    e = world.e_hutang  # 12 dust workers per shift, no safety section
    roster_import(file_obj=xlsx_file([row(e.credit_code, **{
        "企业名称": e.name, "地址": e.address, "村(社区)": "湖塘村", "行业": "汽车零部件", "重点行业领域": "涉爆粉尘",
        "单班作业涉粉人数": 35, "安全生产管理科挂牌": "是", "主要负责人": e.principal_name,
        "主要负责人电话": e.principal_phone, "生效日期": "2022-06-01"})]), user=world.inspector)
    listed = e.changes.exclude(kind=EnterpriseChange.Kind.REGISTERED).get()
    assert (listed.kind, listed.changed_values, listed.effective_date) == (
        EnterpriseChange.Kind.TARGETING,
        {"dust_workers_per_shift": [12, 35], "safety_section_established": [False, True]}, datetime.date(2022, 6, 1))


def test_status_change_through_import_records_a_roster_change(world):
    e = world.e_hutang2
    result = roster_import(file_obj=xlsx_file([row(e.credit_code, **{
        "企业名称": e.name, "地址": "", "行业": "印染", "重点行业领域": "", "规上企业": "是", "单班作业涉粉人数": 0,
        "状态": "停产", "主要负责人": "", "主要负责人电话": "", "安全生产管理科挂牌": "否", "生效日期": "2022-05-10"})]),
        user=world.inspector)
    assert result == {"created": 0, "updated": 1, "unchanged": 0}
    e.refresh_from_db()
    assert e.status == Status.SUSPENDED
    change = e.changes.get(kind=EnterpriseChange.Kind.STATUS)
    assert (change.from_status, change.to_status, change.effective_date, change.reason, change.by) == (
        Status.PRODUCING, Status.SUSPENDED, datetime.date(2022, 5, 10), "Roster import", world.inspector)
    log = enterprise_logs(actor=world.inspector).get(object_pk=str(e.pk), action=LogEntry.Action.UPDATE)
    assert log.changes["status"] == ["producing", "suspended"]


def test_township_change_through_import_is_a_transfer(world):
    e = world.e_hutang
    roster_import(file_obj=xlsx_file([row(e.credit_code, **{
        "企业名称": e.name, "地址": "", "板块": "洛阳镇", "行业": "汽车零部件", "重点行业领域": "涉爆粉尘",
        "单班作业涉粉人数": 12, "主要负责人": "", "主要负责人电话": "", "安全生产管理科挂牌": "否"})]), user=world.bureau)
    e.refresh_from_db()
    assert (e.township, e.grid_cell, e.village) == (world.luoyang, None, None)
    change = e.changes.get(kind=EnterpriseChange.Kind.TRANSFER)
    assert (change.from_township, change.to_township) == (world.hutang, world.luoyang)


def test_inspector_cannot_import_into_another_township_or_touch_its_enterprises(world):
    counts = (Enterprise.objects.count(), EnterpriseChange.objects.count())
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=xlsx_file([
            row(),
            row(**{"板块": "洛阳镇"}),
            row(**{"板块": "没有这个镇"}),
            row(world.e_luoyang.credit_code, **{"企业名称": "改名"}),
            row(**{"厂中厂所属企业信用代码": world.e_luoyang.credit_code}),
        ]), user=world.inspector)
    assert errors_of(exc_info) == [
        "Row 3 “板块”: Township 洛阳镇 does not exist.",
        "Row 4 “板块”: Township 没有这个镇 does not exist.",
        "Row 5 “统一社会信用代码”: This credit code belongs to an enterprise outside your area; it cannot be imported here.",
        "Row 6 “厂中厂所属企业信用代码”: No enterprise with this credit code on your roster.",
    ]
    assert (Enterprise.objects.count(), EnterpriseChange.objects.count()) == counts
    world.e_luoyang.refresh_from_db()
    assert world.e_luoyang.name == "常州洛阳冶金有限公司"


def test_village_must_lie_in_the_township(world):
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=xlsx_file([row(**{"板块": "洛阳镇", "村(社区)": "湖塘村"})]), user=world.bureau)
    assert errors_of(exc_info) == ["Row 2 “村(社区)”: Village 湖塘村 is not in township 洛阳镇."]


def test_roles_without_the_import_cannot_call_it(world):
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        roster_import(file_obj=xlsx_file([row()]), user=world.grid_member)


def test_marked_error_file_fills_the_bad_cell_red_with_a_comment(world):
    content = xlsx_file([row(), row(**{"状态": "关闭"})]).getvalue()
    with pytest.raises(RosterImportError) as exc_info:
        roster_import(file_obj=io.BytesIO(content), user=world.bureau)
    marked = load_workbook(io.BytesIO(importers.roster_errors_xlsx(io.BytesIO(content), exc_info.value.errors)))
    sheet = marked.worksheets[0]
    cell = sheet.cell(row=3, column=COLUMNS.index("状态") + 1)
    assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == importers.ERROR_FILL_COLOR
    assert "在产" in cell.comment.text
    assert sheet.cell(row=2, column=COLUMNS.index("状态") + 1).fill.fill_type is None
    assert [c.value for c in marked.worksheets[1][2]] == [3, "状态", exc_info.value.errors[0].message]


def test_chinese_punctuation_is_kept_as_written(world):
    code = credit_code()
    roster_import(file_obj=xlsx_file([row(code, **{
        "企业名称": "常州湖塘精工（厂中厂）有限公司", "地址": "湖塘镇长安路１号（东门）：二楼、三楼"})]), user=world.bureau)
    e = Enterprise.objects.get(credit_code=code)
    assert (e.name, e.address) == ("常州湖塘精工（厂中厂）有限公司", "湖塘镇长安路１号（东门）：二楼、三楼")


def test_full_width_headers_and_names_still_match(world):
    code = credit_code()
    header = [("村（社区）" if h == "村(社区)" else h) for h in COLUMNS]
    roster_import(file_obj=xlsx_file([{**row(code), "村（社区）": "湖塘村", "板块": "武进区／湖塘镇"}], header=header),
                  user=world.bureau)
    e = Enterprise.objects.get(credit_code=code)
    assert (e.township, e.village.name) == (world.hutang, "湖塘村")


def test_the_roster_export_imports_back_unchanged(world):
    """The portal's own export, imported again, changes no enterprise and records no roster change
    (it once turned the （厂中厂） of 52 demo enterprises into ASCII brackets)."""
    from enterprises import exports
    from tests.enterprises.test_roster import roster_snapshot

    Enterprise.objects.filter(pk=world.e_hutang2.pk).update(
        name="常州湖塘纺织（厂中厂）有限公司", address="湖塘镇长安路８号（常州湖塘机械有限公司内）", host=world.e_hutang)
    Enterprise.objects.filter(pk=world.e_luoyang.pk).update(name="常州洛阳冶金有限公司（二分厂）", address="洛阳镇，工业园；Ａ区")
    content = exports.roster_xlsx(exports.export_queryset(world.bureau, ""))
    before = roster_snapshot(), LogEntry.objects.count()
    assert roster_import(file_obj=io.BytesIO(content), user=world.bureau) == {
        "created": 0, "updated": 0, "unchanged": 3}
    assert (roster_snapshot(), LogEntry.objects.count()) == before


def test_exported_formula_neutralisation_round_trips(world):
    code = credit_code()
    roster_import(file_obj=xlsx_file([row(code, 企业名称="'=常州等号有限公司")]), user=world.bureau)
    assert Enterprise.objects.get(credit_code=code).name == "=常州等号有限公司"


# -- the page ----------------------------------------------------------------------------------------------------
def _login(client, user):
    client.force_login(user)


def test_import_page_flow_upload_redirects_to_job_page_with_result(client, world, django_capture_on_commit_callbacks):
    _login(client, world.inspector)
    assert client.get(reverse("enterprises:import")).status_code == 200
    upload = xlsx_file([row(), row()])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprises:import"), {"file": upload})
    job = Job.objects.get(owner=world.inspector, kind="enterprises.import")
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.state, job.result) == ("done", {"created": 2, "updated": 0, "unchanged": 0})
    page = client.get(response.url).content.decode()
    assert 'id="count-created">2<' in page and "progress-bar" in page
    assert f'hx-get="{response.url}"' not in page  # finished: no more polling (the menu bar still fetches its count)
    partial = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="job-status"')

    # the same file posted again changes nothing
    upload.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprises:import"), {"file": upload})
    again = Job.objects.filter(owner=world.inspector).first()
    assert again.result == {"created": 0, "updated": 0, "unchanged": 2}


def test_import_page_flow_failure_lists_errors_and_offers_the_marked_file(client, world,
                                                                           django_capture_on_commit_callbacks):
    _login(client, world.inspector)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprises:import"), {"file": xlsx_file([row(), row(板块="洛阳镇")])})
    job = Job.objects.get(owner=world.inspector)
    assert job.state == "failed" and job.result["error_count"] == 1
    page = client.get(response.url).content.decode()
    assert "第 3 行 “板块”：板块 洛阳镇 不存在。" in page  # out of scope reads as "does not exist"
    errors_url = reverse("enterprises:import_errors", args=[job.pk])
    assert errors_url in page
    marked = client.get(errors_url)
    assert marked.status_code == 200
    sheet = load_workbook(io.BytesIO(marked.content)).worksheets[0]
    assert sheet.cell(row=3, column=COLUMNS.index("板块") + 1).fill.fgColor.rgb == importers.ERROR_FILL_COLOR
    # someone else's job: 404
    _login(client, world.bureau)
    assert client.get(errors_url).status_code == 404
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404


def test_import_form_refuses_xls_at_once(client, world):
    _login(client, world.bureau)
    upload = io.BytesIO(importers.OLE2_MAGIC + b"\0" * 100)
    upload.name = "roster.xls"
    response = client.post(reverse("enterprises:import"), {"file": upload})
    assert response.status_code == 200
    assert ".xlsx" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize("username", ["grid", "principal", "auditor", "admin"])
def test_import_pages_are_403_for_other_roles(client, world, username):
    """Importing is a step these roles never take: 403 (issue 8 §10), and nothing is written."""
    client.force_login(get_user_model().objects.get(username=username))
    assert client.get(reverse("enterprises:import")).status_code == 403
    assert client.get(reverse("enterprises:import_template")).status_code == 403
    assert client.post(reverse("enterprises:import"), {"file": xlsx_file([row()])}).status_code == 403
    assert Enterprise.objects.count() == 3 and not Job.objects.exists()


def test_template_has_header_example_and_valid_values(client, world):
    _login(client, world.inspector)
    response = client.get(reverse("enterprises:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, values = workbook.worksheets
    assert [c.value for c in sheet[1]] == COLUMNS
    assert sheet.cell(row=2, column=4).value == "湖塘镇"
    listed = {c.value for col in values.iter_cols() for c in col}
    assert {"湖塘镇", "钢铁", "冶金", "涉爆粉尘", "有限空间作业"} <= listed
    assert "洛阳镇" not in listed  # the inspector's own township only
    # the template's example row imports as it is
    example = io.BytesIO(response.content)
    assert roster_import(file_obj=example, user=world.inspector)["created"] == 1


def test_superuser_and_bureau_staff_may_import(client, world):
    for user in (world.superuser, world.bureau):
        client.force_login(user)
        page = client.get(reverse("enterprises:import"))
        assert page.status_code == 200 and reverse("enterprises:import_template") in page.content.decode()
