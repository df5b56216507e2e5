"""Retiring a key dust site (issue 11 item 2): the page from the site list and the API call the same
service; from the day it is retired no photo is due, none is escalated and its code opens nothing.
Bad input (a day to come, before its registration or its last photo, not a day, twice) says why in
Chinese and changes nothing; out of scope is 404, a reader 403."""
import datetime
import html

from django.utils import translation
from django.utils.translation import gettext
import pytest
from rest_framework.test import APIClient

from risk_reports.models import DustSite
from risk_reports.services.dust import dust_escalate

from .dust_factories import make_site, make_upload

TODAY = datetime.date(2026, 11, 16)  # the pinned clock's day
DAY = datetime.timedelta(days=1)


@pytest.fixture
def site(world):
    return make_site(world.e_hutang, "抛光车间", created_on=TODAY - 10 * DAY)


def _retired(site):
    return DustSite.objects.get(pk=site.pk).retired_on


def test_the_list_links_to_the_page_which_retires(client, world, site):
    client.force_login(world.principal)
    listing = client.get(f"/risk/dust/?enterprise={world.e_hutang.pk}").content.decode()
    assert f"/risk/dust/{site.pk}/retire/" in listing
    page = client.get(f"/risk/dust/{site.pk}/retire/")
    assert page.status_code == 200 and 'id="dust-retire-form"' in page.content.decode()
    response = client.post(f"/risk/dust/{site.pk}/retire/", {"retired_on": "2026-11-14"})
    assert response.status_code == 302
    assert _retired(site) == datetime.date(2026, 11, 14)
    # its code opens nothing, it is off the list, and it is not escalated
    assert client.get(f"/c/{site.token}/").status_code == 404
    listing = client.get(f"/risk/dust/?enterprise={world.e_hutang.pk}").content.decode()
    assert f"/risk/dust/{site.pk}/retire/" not in listing
    assert dust_escalate(day=TODAY - DAY) == {1: 0, 3: 0, 7: 0}


def _zh(msgid, **params):
    with translation.override("zh-hans"):
        return html.escape(gettext(msgid) % params if params else gettext(msgid))


@pytest.mark.parametrize("value, message", [
    ("2026-11-17", "A site cannot be retired on a day still to come."),
    ("2026-11-01", "The site was registered on %(day)s: it cannot be retired before."),
    ("2026-11-12", "The site has a cleaning photo of %(day)s: retire it after that day."),
    ("11/14", "Give the day the site was retired (YYYY-MM-DD)."),
    ("2026-02-30", "Give the day the site was retired (YYYY-MM-DD)."),
])
def test_bad_days_change_nothing_on_the_page_and_in_the_api(client, world, site, value, message):
    make_upload(site, world.staff, datetime.date(2026, 11, 12))
    client.force_login(world.principal)
    page = client.post(f"/risk/dust/{site.pk}/retire/", {"retired_on": value}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    day = "2026-11-06" if "registered" in message else "2026-11-12"
    assert page.status_code == 400 and _zh(message, day=day) in page.content.decode(), page.content.decode()[-3000:]
    api = APIClient()
    api.force_login(world.principal)
    response = api.post(f"/api/v1/dust-sites/{site.pk}/retire/", {"retired_on": value}, format="json")
    assert response.status_code == 400
    assert _retired(site) is None


def test_the_api_retires_today_by_default_and_refuses_twice(world, site):
    api = APIClient()
    api.force_login(world.principal)
    response = api.post(f"/api/v1/dust-sites/{site.pk}/retire/", {}, format="json")
    assert response.status_code == 200 and response.json()["retired_on"] == TODAY.isoformat()
    again = api.post(f"/api/v1/dust-sites/{site.pk}/retire/", {}, format="json")
    assert again.status_code == 400
    assert _retired(site) == TODAY


def test_scope_and_capability(client, world, site):
    from tests.enterprises.factories import make_enterprise_user

    other = make_enterprise_user(world.e_hutang2, "principal")
    for user, code in ((other, 404), (world.luoyang_inspector, 404), (world.inspector, 403), (world.staff, 403)):
        client.force_login(user)
        assert client.post(f"/risk/dust/{site.pk}/retire/", {"retired_on": "2026-11-14"}).status_code == code, user
        api = APIClient()
        api.force_login(user)
        assert api.post(f"/api/v1/dust-sites/{site.pk}/retire/", {}, format="json").status_code == code, user
    assert _retired(site) is None
