"""The API's shared pieces (portal/api_common.py): one error shape for every endpoint, documented
on every operation of the schema; a penalty without a fine is a 400, not a 500."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.test import APIClient

from inspections.models import Penalty
from portal.api_common import exception_handler, validation_body

from tests.api_errors import fields, general, refusal
from tests.inspections.factories import make_inspection

D = datetime.date(2022, 5, 10)


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _penalty(inspection, **overrides):
    data = {"inspection": inspection.pk, "decided_on": "2022-06-01", "violation": "未按规定清理粉尘",
            "legal_basis": "《安全生产法》第九十九条", "fine": "20000.00"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_penalty_without_a_fine_is_refused_in_chinese(world):
    inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=D)
    response = _client(world.inspector).post("/api/v1/penalties/", _penalty(inspection, fine=None), format="json")
    assert fields(response) == {"fine": ["该字段是必填项。"]}
    assert not Penalty.objects.exists()
    # a fine of 0 is an answer
    assert _client(world.inspector).post("/api/v1/penalties/", _penalty(inspection, fine="0"),
                                         format="json").status_code == 201


def test_every_refusal_has_the_one_shape(world):
    inspection = make_inspection(world.e_hutang, world.inspector, inspected_on=D,
                                 failures={"GEN-12": {"description": "灭火器过期"}})
    hazard = inspection.hazards.get()
    # a service's refusal of the request as a whole (inspections)
    verify = _client(world.inspector).post(f"/api/v1/hazards/{hazard.pk}/verify/", {}, format="json")
    assert refusal(verify) == general("该隐患当前状态为“已上报”，不能进行此操作。")
    # a serializer's field errors (enterprises), with a summary naming the fields
    bad = refusal(_client(world.bureau).post("/api/v1/enterprises/", {"name": "x"}, format="json"))
    assert bad["code"] == "invalid" and "credit_code" in bad["fields"] and "credit_code" in bad["detail"]
    assert bad["detail"].startswith("以下字段有误：")
    # out of scope: 404 that says nothing more; not allowed: 403; not signed in: 403
    assert refusal(_client(world.luoyang_inspector).get(f"/api/v1/hazards/{hazard.pk}/"), 404) == general(
        "没有这条记录，或不在您的账号可查看的范围内。", "not_found")
    assert refusal(_client(world.principal).post("/api/v1/penalties/", _penalty(inspection), format="json"),
                   403)["code"] == "permission_denied"
    assert refusal(APIClient().get("/api/v1/enterprises/"), 403)["code"] == "not_authenticated"
    # an unknown filter value and a page past the end
    assert "status" in fields(_client(world.bureau).get("/api/v1/hazards/?status=nonsense"))
    assert refusal(_client(world.bureau).get("/api/v1/enterprises/?page=99"), 404)["code"] == "not_found"


def test_nested_errors_are_named_by_their_path():
    body = validation_body({"non_field_errors": ["两名执法人员。"], "answers": [{}, {"item": ["未知的检查项。"]}],
                            "officers": ["请填写两名执法人员。"]})
    assert body == {"detail": "两名执法人员。", "code": "invalid",
                    "fields": {"answers.1.item": ["未知的检查项。"], "officers": ["请填写两名执法人员。"]}}


@pytest.mark.parametrize("error, expected", [
    (DjangoValidationError("整改期限不能早于发现日期。"), general("整改期限不能早于发现日期。")),
    (DjangoValidationError({"deadline": "整改期限不能早于发现日期。"}),
     {"detail": "以下字段有误：deadline。", "code": "invalid", "fields": {"deadline": ["整改期限不能早于发现日期。"]}}),
    (DjangoValidationError({"__all__": ["一次只能有一个延期申请。"]}), general("一次只能有一个延期申请。")),
])
def test_a_services_validation_error_is_a_400(db, error, expected):
    response = exception_handler(error, {})
    assert response.status_code == 400 and response.data == expected


def test_a_services_refusal_keeps_its_reason(db):
    response = exception_handler(DjangoPermissionDenied("只有企业主要负责人或安全管理人员可以制定整改方案。"), {})
    assert response.status_code == 403
    assert response.data == general("只有企业主要负责人或安全管理人员可以制定整改方案。", "permission_denied")
    # without one, DRF's own (Chinese) sentence
    assert exception_handler(DjangoPermissionDenied(), {}).data == general("您没有执行该操作的权限。",
                                                                           "permission_denied")


def test_the_schema_documents_the_error_shape_on_every_operation(world):
    schema = _client(world.bureau).get("/api/v1/schema/?format=json").json()
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code", "fields"}
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    assert len(operations) > 30
    for path, method, op in operations:
        for code in ("400", "403", "404"):
            ref = op["responses"][code]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Error", (path, method, code)
        assert ("415" in op["responses"]) == (method in ("post", "put", "patch")), (path, method)
    assert "409" in schema["paths"]["/api/v1/inspections/"]["post"]["responses"]
    # a penalty's fine is required; a hazard event's first step has no from_status
    assert "fine" in schema["components"]["schemas"]["Penalty"]["required"]
    from_status = schema["components"]["schemas"]["HazardEvent"]["properties"]["from_status"]
    assert {"type": "string", "enum": [""]} in from_status["oneOf"]
    assert {"$ref": "#/components/schemas/HazardStatusEnum"} in from_status["oneOf"]
