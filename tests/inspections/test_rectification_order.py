"""The rectification order (整改指令书): its text read back in the layout's order, fonts embedded, one
number per order however often it is downloaded, and scope (out of scope 404, read-only may not
issue, the enterprise downloads its own)."""
import datetime
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import documents
from portal.attachments.models import Attachment
from portal.documents.models import DocumentNumber

from tests.inspections.factories import criterion, make_inspection

pytestmark = pytest.mark.django_db
D = datetime.date(2022, 5, 10)


@pytest.fixture
def inspection(world):
    """Three findings: two to rectify by a deadline (one of them major), one fixed on the spot."""
    return make_inspection(world.e_hutang, world.inspector, inspected_on=D, checklist="dust", failures={
        "DUST-03": {"description": "除尘器设置在多层厂房内", "location": "二号车间", "major_criterion": criterion("DUST-1"),
                    "deadline": datetime.date(2022, 6, 30)},
        "DUST-10": {"description": "作业现场积尘未及时清理", "location": "抛光工段",
                    "deadline": datetime.date(2022, 5, 20)},
        "DUST-01": {"description": "粉尘防爆操作规程未张贴", "on_the_spot": True},
    })


def order_url(inspection):
    return reverse("inspections:inspection_order", args=[inspection.pk])


def download(client, user, inspection):
    client.force_login(user)
    return client.get(order_url(inspection))


def pdftotext(content, tmp_path, *options):
    path = tmp_path / "order.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", *options, str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_order_reads_back_in_the_layout_order(client, world, inspection, tmp_path):
    response = download(client, world.inspector, inspection)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    year = timezone.localdate().year
    # pdftotext without -layout: the reading order of the text itself
    flat = re.sub(r"\s+", "", pdftotext(response.content, tmp_path))
    expected = [
        "湖塘镇人民政府",                                          # issuing authority (the inspection's township)
        f"湖塘应急责改〔{year}〕1号",                                # number: first of the unit's year
        "整改指令书",                                              # title
        "常州湖塘机械有限公司：",                                    # addressee
        "2022年5月10日，本机关执法人员张明（执法证号：32040001）、李强（执法证号：32040002）",
        "1.除尘器设置在多层厂房内（位置：二号车间；重大事故隐患；判定依据：DUST-1；整改期限：2022年6月30日前）",
        "2.作业现场积尘未及时清理（位置：抛光工段；一般事故隐患；整改期限：2022年5月20日前）",
        "现责令你单位对上述事故隐患于各项所列整改期限前整改完毕",
        "重大事故隐患排除前",                                        # the major-hazard paragraph
        "湖塘镇人民政府" + timezone.localdate().strftime("%Y年") + f"{timezone.localdate().month}月"
        f"{timezone.localdate().day}日",                             # signature and date in Chinese
        "抄送：武进区应急管理局。",                                   # closing block
    ]
    position = 0
    for piece in expected:
        found = flat.find(piece, position)
        assert found >= 0, f"{piece!r} missing or out of order after position {position}: {flat}"
        position = found + len(piece)
    # the hazard fixed on the spot is not ordered
    assert "粉尘防爆操作规程未张贴" not in flat


def test_fonts_are_embedded(client, world, inspection, tmp_path):
    path = tmp_path / "order.pdf"
    path.write_bytes(download(client, world.inspector, inspection).content)
    rows = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
    assert rows and all("Fandol" in row for row in rows), rows
    # columns: name type encoding emb sub uni object ID -> emb, sub and uni are "yes"
    for row in rows:
        assert re.search(r"\byes\s+yes\s+yes\b", row), row


def test_a_second_download_gives_the_same_order_and_number(client, world, inspection):
    first = download(client, world.inspector, inspection)
    second = download(client, world.bureau, inspection)
    assert first.content == second.content
    year = timezone.localdate().year
    assert DocumentNumber.objects.get(prefix="湖塘应急责改", year=year).last_number == 1
    stored = Attachment.objects.get(object_id=inspection.pk, mime_type="application/pdf")
    assert stored.original_name == f"整改指令书 湖塘应急责改〔{year}〕1号.pdf"
    assert documents.order_number(stored) == f"湖塘应急责改〔{year}〕1号"
    # the next inspection of the township takes the next number
    other = make_inspection(world.e_hutang2, world.inspector, inspected_on=D, failures={"GEN-12": {}})
    third = download(client, world.inspector, other)
    assert third.status_code == 200
    assert documents.order_number(documents.order_find(other)) == f"湖塘应急责改〔{year}〕2号"


def test_bureau_inspection_is_issued_by_the_bureau(client, world, tmp_path):
    inspection = make_inspection(world.e_luoyang, world.bureau, inspected_on=D, failures={"GEN-12": {}})
    response = download(client, world.bureau, inspection)
    flat = re.sub(r"\s+", "", pdftotext(response.content, tmp_path))
    year = timezone.localdate().year
    assert flat.index("武进区应急管理局") < flat.index(f"武进应急责改〔{year}〕1号") < flat.index("常州洛阳冶金有限公司：")
    assert "抄送：洛阳镇人民政府。" in flat


def test_out_of_scope_is_404_and_issues_nothing(client, world, inspection):
    response = download(client, world.luoyang_inspector, inspection)
    assert response.status_code == 404
    assert not DocumentNumber.objects.exists()
    assert not Attachment.objects.filter(mime_type="application/pdf").exists()
    # another enterprise's user sees nothing either
    from tests.enterprises.factories import make_enterprise_user
    outsider = make_enterprise_user(world.e_hutang2, "principal", username="other-principal")
    assert download(client, outsider, inspection).status_code == 404


def test_read_only_user_may_not_issue_but_downloads_the_issued_order(client, world, inspection):
    response = download(client, world.principal, inspection)
    assert response.status_code == 403
    assert "整改指令书尚未出具" in response.content.decode()
    assert not DocumentNumber.objects.exists()
    assert not Attachment.objects.filter(mime_type="application/pdf").exists()
    issued = download(client, world.inspector, inspection)
    own = download(client, world.principal, inspection)
    assert own.status_code == 200 and own.content == issued.content
    assert download(client, world.grid_member, inspection).content == issued.content


def test_no_order_when_every_hazard_was_fixed_on_the_spot(client, world):
    inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=D,
                                 failures={"GEN-12": {"on_the_spot": True}})
    response = download(client, world.inspector, inspection)
    assert response.status_code == 404
    assert "不出具整改指令书" in response.content.decode()
    assert not DocumentNumber.objects.exists()
    clean = make_inspection(world.e_hutang, world.inspector, inspected_on=D)
    assert download(client, world.inspector, clean).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, inspection):
    response = client.get(order_url(inspection))
    assert response.status_code == 302 and "login" in response.url
