"""Who may write risk reports and dust-cleaning records (issue 11 items 1 and 2): every write action
through the page and, where there is one, the API, for every role — done, invalid, 403 (in scope but
not allowed) or 404 (out of scope, or no ``view_risk``) — and a refusal leaves the database as it was.
The roles and the world are those of tests/accounts/test_capability_matrix.py; the records are
湖塘机械's (湖塘镇, a dust-domain enterprise).

A cell ``a/b`` is the page's answer, then the API's, where the two differ by design: drafting a report
on the page is for an enterprise's own account only (anyone else: 403, "only an enterprise drafts"),
while the API names the enterprise and answers 404 when it is out of the user's scope. ``-`` is an
action with no API (the township's review, verifications, model enterprises, the duty roster and a
site's registration are pages over their services).

Hand-written from the capability table: reports and dust records are the enterprise's principal's
and safety manager's (``manage_risk_points``) to write, its staff scan (``scan``: the photo), the
township and the bureau above it review (``supervise``); a grid member sees the enterprise but writes
nothing; auditor, admin, agency, expert and training hold no ``view_risk`` and find nothing."""
import datetime

import pytest
from rest_framework.test import APIClient

from portal.accounts.models import Role
from portal.sampling.models import Sample
from risk_reports.models import DustEscalation, DustSite, DustUpload, DutyRoster, ModelEnterprise, RiskReport
from risk_reports.services import reports as report_services
from risk_reports.services.dust import dust_escalate
from tests.factories import UserFactory
from tests.risk_reports.factories import make_point

from .dust_factories import make_site, make_upload, photo

pytestmark = pytest.mark.django_db
ROLES = ["bureau", "inspector", "luoyang", "grid", "principal", "staff", "auditor", "admin", "agency", "expert",
         "training"]
MATRIX = """
action              bureau  inspector luoyang grid    principal staff   auditor admin   agency  expert  training
report_draft        403     403       403/404 403     done      403     403/404 403/404 403/404 403/404 403/404
report_submit       403     403       404     403     done      403     404     404     404     404     404
report_accept       done    done      404     403     403       403     404     404     404     404     404
report_return       done    done      404     403     403       403     404     404     404     404     404
model_mark          done/-  done/-    404/-   403/-   403/-     403/-   403/-   403/-   403/-   403/-   403/-
site_register       403/-   403/-     404/-   403/-   done/-    403/-   403/-   403/-   403/-   403/-   403/-
site_retire         403     403       404     403     done      403     404     404     404     404     404
photo_upload        403     403       404     403     done      done    404     404     404     404     404
photo_send_back     done/-  done/-    404/-   403/-   403/-     403/-   403/-   403/-   403/-   403/-   403/-
photo_accept        done/-  done/-    404/-   403/-   403/-     403/-   403/-   403/-   403/-   403/-   403/-
photo_sample        done/-  done/-    invalid/- 403/- 403/-     403/-   403/-   403/-   403/-   403/-   403/-
verification_close  done/-  done/-    404/-   403/-   403/-     403/-   403/-   403/-   403/-   403/-   403/-
duty_roster_add     403/-   403/-     404/-   403/-   done/-    403/-   403/-   403/-   403/-   403/-   403/-
"""
EXPECTED = {}
for _line in MATRIX.strip().splitlines()[1:]:
    _cells = _line.split()
    EXPECTED[_cells[0]] = {role: (c.split("/") + [c])[:2] if "/" in c else [c, c]
                           for role, c in zip(ROLES, _cells[1:])}
DAY = datetime.date(2026, 11, 16)  # the pinned clock's day


@pytest.fixture
def cast(world):
    return {
        "bureau": world.bureau, "inspector": world.inspector, "luoyang": world.luoyang_inspector,
        "grid": world.grid_member, "principal": world.principal, "staff": world.staff, "auditor": world.auditor,
        "admin": world.admin, "agency": UserFactory(role=Role.AGENCY), "expert": UserFactory(role=Role.EXPERT),
        "training": UserFactory(role=Role.TRAINING),
    }


def snapshot():
    """Everything the actions can write."""
    return (list(RiskReport.objects.order_by("pk").values_list("pk", "state", "return_reason")),
            ModelEnterprise.objects.count(), list(DustSite.objects.order_by("pk").values_list("pk", "retired_on")),
            list(DustUpload.objects.order_by("pk").values_list("pk", "reviewed_at", "sent_back_at")),
            Sample.objects.count(), list(DustEscalation.objects.order_by("pk").values_list("pk", "closed_at")),
            DutyRoster.objects.count())


def outcome(response, changed):
    if response.status_code in (403, 404):
        return str(response.status_code)
    assert response.status_code in (200, 201, 302, 400), response.status_code
    return "done" if changed else "invalid"


# -- the record each side acts on, made just before its request --------------------------------------------
def _report(world, state="draft"):
    make_point(world.e_hutang, by=world.principal, name=f"点{RiskReport.objects.count()}", level="orange")
    report = report_services.report_draft(enterprise=world.e_hutang, by=world.principal, kind="change")
    if state == "submitted":
        report = report_services.report_submit(report=report, by=world.principal)
    return report


def _site(world):
    return make_site(world.e_hutang, f"场所{DustSite.objects.count()}", created_on=DAY - datetime.timedelta(days=10))


def _upload(world):
    site = _site(world)
    return make_upload(site, world.staff, DAY - datetime.timedelta(days=1))


def _verification(world):
    site = make_site(world.e_hutang, f"场所{DustSite.objects.count()}", created_on=DAY - datetime.timedelta(days=9))
    dust_escalate(day=DAY - datetime.timedelta(days=3))  # day 7 of the gap since registration
    return DustEscalation.objects.get(site=site, step=7)


def _request(action, world, client, side):  # noqa: C901 (one branch per action, read as a table)
    """Make the record ``action`` works on and return the request to send (``None``: no API)."""
    page, e = side == "page", world.e_hutang.pk
    if action == "report_draft":
        if page:
            return lambda: client.post("/risk/reports/new/", {"kind": "change", "note": "新增喷涂线"})
        return lambda: client.post("/api/v1/risk-reports/", {"kind": "change", "enterprise": e}, format="json")
    if action in ("report_submit", "report_accept", "report_return"):
        report = _report(world, "draft" if action == "report_submit" else "submitted")
        step = action.split("_")[1]
        data = {"reason": "较大风险辨识不全"} if step == "return" else {}
        if page:
            return lambda: client.post(f"/risk/reports/{report.pk}/{step}/", data)
        return lambda: client.post(f"/api/v1/risk-reports/{report.pk}/{step}/", data, format="json")
    if action == "site_retire":
        site = _site(world)
        if page:
            return lambda: client.post(f"/risk/dust/{site.pk}/retire/", {"retired_on": "2026-11-16"})
        return lambda: client.post(f"/api/v1/dust-sites/{site.pk}/retire/", {}, format="json")
    if action == "photo_upload":
        site = _site(world)
        if page:
            return lambda: client.post(f"/c/{site.token}/", {
                "client_key": f"matrix-page-{site.pk}", "opened_at": "2026-11-16T09:00:00+08:00",
                "photo": photo(site.pk, taken=datetime.datetime(2026, 11, 16, 8, 55))})
        return lambda: client.post("/api/v1/dust-uploads/", {
            "code": site.token, "uploaded_at": "2026-11-16T09:00:00+08:00", "photo_time": "2026-11-16T08:55:00",
            "photo": photo(site.pk + 100)}, format="multipart", HTTP_IDEMPOTENCY_KEY=f"matrix-api-{site.pk}")
    if not page:
        return None
    if action == "model_mark":
        return lambda: client.post("/risk/reports/models/", {"enterprise": e, "year": "2026"})
    if action == "site_register":
        return lambda: client.post(f"/risk/dust/?enterprise={e}", {"enterprise": e, "name": "新喷粉房"})
    if action in ("photo_send_back", "photo_accept"):
        upload = _upload(world)
        data = ({"action": "send_back", "reason": "照片模糊"} if action == "photo_send_back" else {"action": "ok"})
        return lambda: client.post("/risk/dust/review/", {**data, "upload": upload.pk})
    if action == "photo_sample":
        _upload(world)
        return lambda: client.post("/risk/dust/review/", {"action": "draw", "n": "1", "day_from": "2026-11-09",
                                                          "day_to": "2026-11-16"})
    if action == "verification_close":
        escalation = _verification(world)
        return lambda: client.post("/risk/dust/verifications/", {"escalation": escalation.pk,
                                                                 "finding": "现场核查：已恢复清扫"})
    if action == "duty_roster_add":
        return lambda: client.post(f"/risk/dust/duty/?enterprise={e}", {
            "enterprise": e, "starts_on": "2027-01-01", "ends_on": "2027-01-03", "person": "王值班",
            "phone": "13912345678"})
    raise AssertionError(action)


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_page_and_api_give_the_answer_of_the_table_and_a_refusal_changes_nothing(world, cast, action, role):
    want_page, want_api = EXPECTED[action][role]
    got = []
    for side, want in (("page", want_page), ("api", want_api)):
        client = APIClient()
        client.force_login(cast[role])
        send = _request(action, world, client, side)
        if send is None:
            assert want == "-", (action, role, "no API")
            got.append("-")
            continue
        before = snapshot()
        response = send()
        changed = snapshot() != before
        got.append(outcome(response, changed))
        if want != "done":
            assert not changed, (action, role, side)
    assert got == [want_page, want_api], (action, role)
