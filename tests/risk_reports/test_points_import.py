"""The points import (issue 9 item 2): a good file records every row's point with its code; a file
with bad rows records nothing and lists each problem by row and column, in Chinese."""
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from risk_reports.importers import COLUMNS, PointImportError, points_import, points_template_xlsx
from risk_reports.models import ChanganCode, RiskCategory, RiskPoint
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db


def workbook(*rows, header=COLUMNS):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append([row.get(c) for c in header])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def row(**values):
    names = {"area": "车间/区域", "name": "风险点名称", "category": "辞典类别", "person": "责任人", "phone": "联系电话",
             "cycle": "排查周期", "method": "定级方法", "level": "风险等级", "reason": "定级理由", "items": "排查内容"}
    return {names.get(k, k): v for k, v in values.items()}


GOOD = [
    row(area="一车间", name="1号除尘器", category="dust_collector", person="张三", method="LEC", L=3, E=6, C=7),
    row(area="一车间", name="配电房", person="李四", phone="13800000001", cycle="每周", method="人工", level="较大",
        reason="参照同类企业", items="配电柜门锁闭；绝缘垫完好\n灭火器在有效期内"),
    row(area="二车间", name="喷漆房", category="干式除尘器（袋式、滤筒）", person="王五", cycle="每月", method="LS", S=3,
        **{"L": 4}),
]


def test_a_good_file_records_every_point_with_its_code(world):
    points = points_import(enterprise=world.e_hutang, by=world.principal, file_obj=workbook(*GOOD))
    assert len(points) == 3 and RiskPoint.objects.count() == 3
    assert ChanganCode.objects.filter(revoked_at__isnull=True).count() == 3
    dust = RiskPoint.objects.get(name="1号除尘器")
    category = RiskCategory.objects.get(code="dust_collector")
    # 3 × 6 × 7 = 126 → yellow; the category's cycle and check items taken
    assert (dust.basis, dust.score, dust.level) == ("lec", Decimal("126"), "yellow")
    assert dust.cycle == category.cycle and dust.check_items == category.check_items and dust.factors
    power = RiskPoint.objects.get(name="配电房")
    assert power.check_items == ["配电柜门锁闭", "绝缘垫完好", "灭火器在有效期内"]
    assert (power.basis, power.level, power.cycle, power.category) == ("manual", "orange", "week", None)
    spray = RiskPoint.objects.get(name="喷漆房")
    assert (spray.score, spray.level, spray.cycle) == (Decimal("12"), "yellow", "month")  # 4 × 3 = 12: 9–14 yellow


def test_a_file_with_bad_rows_records_nothing_and_lists_row_column_message(world):
    make_point(world.e_hutang, by=world.principal, name="冲床", area="一车间")
    bad = workbook(
        GOOD[0],
        row(area="一车间", name="冲床", person="张三", cycle="每日", method="人工", level="一般", reason="x",
            items="a"),                                                             # row 3: the name exists
        row(area="一车间", name="剪板机", person="张三", cycle="每两天", method="LEC", L=4, E=6, C=7,
            items="a"),                                                             # row 4: cycle, L
        row(area="一车间", name="行车", person="", cycle="每日", method="人工", level="紫", items="a"),  # row 5
        row(area="二车间", name="叉车", category="nonexistent", person="赵六", method="LS", L=2, S=2),  # row 6
        GOOD[0],                                                                    # row 7: twice in the file
    )
    with pytest.raises(PointImportError) as info:
        points_import(enterprise=world.e_hutang, by=world.principal, file_obj=bad)
    found = {(e.row, e.column) for e in info.value.errors}
    assert found == {(3, "风险点名称"), (4, "排查周期"), (4, "L"), (5, "责任人"), (5, "风险等级"), (5, "定级理由"),
                     (6, "辞典类别"), (7, "风险点名称")}
    texts = [str(e) for e in info.value.errors]
    assert "第 4 行 “排查周期”：请填写每班、每日、每周、每月或每季度。" in texts
    assert RiskPoint.objects.count() == 1 and ChanganCode.objects.count() == 1


def test_a_file_without_the_columns_or_not_a_workbook_is_refused(world):
    with pytest.raises(PointImportError) as info:
        points_import(enterprise=world.e_hutang, by=world.principal,
                      file_obj=workbook(row(area="一车间"), header=["车间/区域", "风险点名称"]))
    assert "责任人" in str(info.value.errors[0])
    with pytest.raises(PointImportError):
        points_import(enterprise=world.e_hutang, by=world.principal, file_obj=io.BytesIO(b"name,area\n"))
    assert not RiskPoint.objects.exists()


def test_only_the_enterprise_writer_imports(world):
    for user in (world.staff, world.inspector):
        with pytest.raises(PermissionDenied):
            points_import(enterprise=world.e_hutang, by=user, file_obj=workbook(*GOOD))
    assert not RiskPoint.objects.exists()


def test_the_template_imports_as_it_is(world):
    content = points_template_xlsx()
    book = load_workbook(io.BytesIO(content))
    assert [c.value for c in book.worksheets[0][1]] == COLUMNS
    assert book.worksheets[1].max_row == RiskCategory.objects.filter(active=True).count() + 1
    points = points_import(enterprise=world.e_hutang, by=world.principal, file_obj=io.BytesIO(content))
    assert len(points) == 2
