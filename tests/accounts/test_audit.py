"""The audit trail: changes recorded with who, when, from where and before/after values, and the
auditor's read-only pages over it and over the access log."""
import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enterprises.forms import EnterpriseForm
from enterprises.models import Enterprise, EnterpriseChange, KeyDomain
from portal.accounts.models import AccessLog

OTHER_ROLES = ["bureau", "city_staff", "inspector", "luoyang_inspector", "grid_member", "principal", "staff", "admin"]


@pytest.fixture(autouse=True)
def _fast_hashers(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_for(user, **extra):
    client = Client(**extra)
    client.cookies["django_language"] = "en"  # picked with the language switch
    client.force_login(user)
    return client


def edit_data(enterprise, user, **changes):
    """The edit form's POST as the page would send it, with ``changes`` applied."""
    form = EnterpriseForm(instance=enterprise, user=user)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if name == "credit_code":
            continue
        if name == "key_domains":
            data[name] = [str(pk) for pk in value or []]
        elif name == "is_key_sector":
            data[name] = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    data.update(changes)
    return data


@pytest.fixture
def edited(world):
    """湖塘机械 edited through its page by the 湖塘 inspector from 10.20.30.40: new address and
    principal, 喷涂 added to its key domains."""
    enterprise = world.e_hutang
    client = client_for(world.inspector, REMOTE_ADDR="10.20.30.40")
    domains = [str(d.pk) for d in enterprise.key_domains.all()] + [str(KeyDomain.objects.get(code="spraying").pk)]
    response = client.post(reverse("enterprises:edit", args=[enterprise.pk]), edit_data(
        enterprise, world.inspector, address="湖塘镇新街 8 号", principal_name="钱七", key_domains=domains))
    assert response.status_code == 302, response.context["form"].errors
    return enterprise


def _enterprise_entries(enterprise):
    return LogEntry.objects.get_for_object(enterprise).order_by("pk")


def test_an_edit_through_the_page_is_recorded_with_before_and_after(world, edited):
    update = _enterprise_entries(edited).filter(action=LogEntry.Action.UPDATE).exclude(
        changes__has_key="key_domains").get()  # the world's enterprises were created, not updated
    assert update.actor == world.inspector
    assert update.remote_addr == "10.20.30.40"
    assert update.changes_dict["address"] == ["", "湖塘镇新街 8 号"]
    assert update.changes_dict["principal_name"][1] == "钱七"
    assert "credit_code" not in update.changes_dict
    m2m = _enterprise_entries(edited).get(changes__has_key="key_domains", actor=world.inspector)
    assert m2m.changes_dict["key_domains"]["operation"] == "add"
    assert m2m.changes_dict["key_domains"]["objects"] == ["喷涂作业"]
    assert m2m.remote_addr == "10.20.30.40"


def test_a_refused_edit_records_nothing(world):
    before = LogEntry.objects.count()
    response = client_for(world.inspector).post(reverse("enterprises:edit", args=[world.e_hutang.pk]), edit_data(
        world.e_hutang, world.inspector, status="suspended"))  # a status change without date and reason
    assert response.status_code == 200
    assert LogEntry.objects.count() == before


# -- who may read the trail -----------------------------------------------------------------------
def _audit_urls(world):
    entry = LogEntry.objects.latest()
    return [reverse("manage:audit"), reverse("manage:audit_entry", args=[entry.pk]), reverse("manage:access_log")]


@pytest.mark.parametrize("who", OTHER_ROLES)
def test_everyone_but_the_auditor_and_superuser_gets_404(world, who):
    client = client_for(getattr(world, who))
    for url in _audit_urls(world):
        assert client.get(url).status_code == 404, url
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.AUDIT_READ).exists()


@pytest.mark.parametrize("who", ["auditor", "superuser"])
def test_auditor_and_superuser_read_the_trail(world, who):
    client = client_for(getattr(world, who))
    for url in _audit_urls(world):
        assert client.get(url).status_code == 200, url


def test_auditor_is_not_an_administrator(world):
    client = client_for(world.auditor)
    assert client.get(reverse("manage:index"))["Location"] == reverse("manage:audit")
    assert client.get(reverse("manage:users")).status_code == 404
    assert client.get(reverse("enterprises:accounts")).status_code == 404


def test_the_auditor_changes_nothing(world, edited):
    client = client_for(world.auditor)
    entry = _enterprise_entries(edited).last()
    entries, reads = LogEntry.objects.count(), AccessLog.objects.count()
    for url in _audit_urls(world) + [reverse("manage:audit_entry", args=[entry.pk])]:
        for method in (client.post, client.put, client.delete):
            assert method(url).status_code == 405, url
    assert (LogEntry.objects.count(), AccessLog.objects.count()) == (entries, reads)
    assert LogEntry.objects.filter(pk=entry.pk).exists()


# -- the trail's pages ----------------------------------------------------------------------------
def _listed(client, **params):
    response = client.get(reverse("manage:audit"), params)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def test_audit_list_filters(world, edited):
    client = client_for(world.auditor)
    enterprise_type = ContentType.objects.get_for_model(Enterprise)
    today = timezone.localdate()
    mine = set(_enterprise_entries(edited).filter(actor=world.inspector))
    assert len(mine) == 2  # the field changes and the key-domain addition

    assert mine <= set(_listed(client, content_type=enterprise_type.pk))
    assert {e.content_type for e in _listed(client, content_type=enterprise_type.pk)} == {enterprise_type}
    # the world's creation also logged two key-domain additions ("update" of a many-to-many)
    assert set(_listed(client, content_type=enterprise_type.pk, action=LogEntry.Action.UPDATE)) >= mine
    assert {e.action for e in _listed(client, action=LogEntry.Action.CREATE)} == {LogEntry.Action.CREATE}
    assert _listed(client, content_type=enterprise_type.pk, action=LogEntry.Action.DELETE) == []
    # the inspector's entries: the two above and the roster change the new key domain recorded
    change = LogEntry.objects.get(actor=world.inspector, content_type=ContentType.objects.get_for_model(EnterpriseChange))
    assert edited.changes.get(pk=change.object_pk).kind == EnterpriseChange.Kind.KEY_DOMAINS
    assert set(_listed(client, actor="hutang")) == mine | {change}
    assert _listed(client, actor="bureau") == []
    assert mine <= set(_listed(client, date_from=today, date_to=today))
    assert _listed(client, date_to=today - datetime.timedelta(days=1)) == []
    assert mine <= set(_listed(client, q="湖塘机械"))
    assert {e.object_pk for e in _listed(client, content_type=enterprise_type.pk, q=str(edited.pk))} == {str(edited.pk)}


def test_audit_list_refuses_a_reversed_date_range(world):
    response = client_for(world.auditor).get(reverse("manage:audit"), {
        "date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.context["form"].errors["date_to"] == ["The end date is before the start date."]


def test_audit_list_pages(world, edited):
    client = client_for(world.auditor)
    total = LogEntry.objects.count()
    page = client.get(reverse("manage:audit"), {"per_page": 5}).context["page"]
    assert page.paginator.count == total and len(page.object_list) == min(5, total)


def test_audit_entry_shows_each_changed_field_before_and_after(world, edited):
    update = _enterprise_entries(edited).filter(action=LogEntry.Action.UPDATE).exclude(
        changes__has_key="key_domains").get()
    response = client_for(world.auditor).get(reverse("manage:audit_entry", args=[update.pk]))
    rows = {row["field"]: row for row in response.context["rows"]}
    assert (rows["Address"]["before"], rows["Address"]["after"]) == ("", "湖塘镇新街 8 号")
    assert rows["Principal"]["after"] == "钱七"
    html = response.content.decode()
    assert "湖塘镇新街 8 号" in html and "10.20.30.40" in html and "hutang" in html


def test_audit_entry_shows_choices_relations_and_many_to_many(world, edited):
    client = client_for(world.bureau)
    response = client.post(reverse("enterprises:edit", args=[edited.pk]), edit_data(
        Enterprise.objects.get(pk=edited.pk), world.bureau, status="suspended", township=world.luoyang.pk,
        village="", grid_cell="", effective_date="2026-03-01", reason="迁址"))
    assert response.status_code == 302, response.context["form"].errors
    update = _enterprise_entries(edited).filter(actor=world.bureau, changes__has_key="status").get()
    auditor = client_for(world.auditor)
    rows = {r["field"]: r for r in auditor.get(reverse("manage:audit_entry", args=[update.pk])).context["rows"]}
    assert (rows["Status"]["before"], rows["Status"]["after"]) == ("Producing", "Suspended")
    assert (rows["Township"]["before"], rows["Township"]["after"]) == ("湖塘镇", "洛阳镇")
    m2m = _enterprise_entries(edited).get(changes__has_key="key_domains", actor=world.inspector)
    rows = auditor.get(reverse("manage:audit_entry", args=[m2m.pk])).context["rows"]
    assert rows == [{"field": "Key domains", "m2m": True, "added": True, "objects": ["喷涂作业"]}]


def test_each_read_of_the_trail_is_logged(world, edited):
    client = client_for(world.auditor, REMOTE_ADDR="10.0.0.5")
    entry = _enterprise_entries(edited).first()
    client.get(reverse("manage:audit"), {"actor": "hutang"})
    client.get(reverse("manage:audit_entry", args=[entry.pk]))
    client.get(reverse("manage:access_log"))
    reads = list(AccessLog.objects.filter(kind=AccessLog.Kind.AUDIT_READ).order_by("pk"))
    assert len(reads) == 3
    assert all(r.user == world.auditor and r.ip == "10.0.0.5" for r in reads)
    assert "actor=hutang" in reads[0].detail and str(entry.pk) in reads[1].detail


def test_administrator_actions_are_in_the_trail(world):
    admin = client_for(world.admin, REMOTE_ADDR="10.0.0.9")
    admin.post(reverse("manage:user_reset_password", args=[world.bureau.pk]))
    admin.post(reverse("manage:user_deactivate", args=[world.bureau.pk]))
    entries = LogEntry.objects.get_for_object(world.bureau).filter(actor=world.admin).order_by("pk")
    assert [list(e.changes_dict) for e in entries] == [["must_change_password"], ["is_active"]]
    assert all(e.remote_addr == "10.0.0.9" for e in entries)


# -- the access log page --------------------------------------------------------------------------
def test_access_log_lists_sign_ins_and_filters(world):
    Client().post(reverse("accounts:login"), {"username": "hutang", "password": "nope"}, REMOTE_ADDR="10.3.3.3")
    Client().post(reverse("accounts:login"), {"username": "bureau", "password": "Test-pass-2026!"})
    client = client_for(world.auditor)
    page = client.get(reverse("manage:access_log"), {"kind": AccessLog.Kind.LOGIN_FAILED}).context["page"]
    assert [(r.username, r.ip) for r in page.object_list] == [("hutang", "10.3.3.3")]
    page = client.get(reverse("manage:access_log"), {"username": "bureau"}).context["page"]
    assert [r.kind for r in page.object_list] == [AccessLog.Kind.LOGIN]
    page = client.get(reverse("manage:access_log"), {"ip": "10.3.3.3"}).context["page"]
    assert [r.username for r in page.object_list] == ["hutang"]
