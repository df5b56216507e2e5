"""The message centre (portal.notifications): the page, the unread badge, reading and marking,
the channel choices, the API, the senders — and nobody reads or marks anyone else's messages."""
import logging

from django.urls import reverse
from django.utils import translation
import pytest

from inspections.notifications import HAZARD_DUE_SOON, HAZARD_OVERDUE
from portal.notifications import services
from portal.notifications.kinds import register_kind
from portal.notifications.models import Notification, Preference
from portal.notifications.senders import Sender

pytestmark = pytest.mark.django_db
DUE, OVERDUE = HAZARD_DUE_SOON.name, HAZARD_OVERDUE.name


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def _send(user, title, kind=DUE, url="/inspections/hazards/1/", key=""):
    services.notification_send(user=user, kind=kind, title=title, body=f"{title} 正文", url=url, key=key or title)
    return Notification.objects.get(user=user, title=title)


@pytest.fixture
def inbox(world):
    """The principal: 2 unread due-soon, 1 unread passed, 1 read; the 湖塘 inspector: 1 unread."""
    box = type("Inbox", (), {})()
    box.due1 = _send(world.principal, "期限临近一")
    box.due2 = _send(world.principal, "期限临近二")
    box.passed = _send(world.principal, "已逾期一", kind=OVERDUE)
    box.read = _send(world.principal, "已读一")
    services.notification_mark_read(user=world.principal, notification=box.read)
    box.other = _send(world.inspector, "执法人员的消息", kind=OVERDUE)
    return box


def _read_states():
    return dict(Notification.objects.values_list("pk", "read_at"))


# -- the page and the badge --------------------------------------------------------------------------
def test_the_page_lists_only_the_users_own_messages_with_the_unread_count(client, world, inbox):
    client.force_login(world.principal)
    page = client.get(reverse("notifications:list")).content.decode()
    for title in ("期限临近一", "期限临近二", "已逾期一", "已读一"):
        assert title in page
    assert "执法人员的消息" not in page
    assert "3 条未读" in page  # due1, due2, passed
    assert reverse("notifications:open", args=[inbox.due1.pk]) in page
    assert "隐患整改期限临近" in page and "隐患整改逾期" in page  # the kinds' labels


def test_the_menu_bar_loads_the_unread_count(client, world, inbox):
    client.force_login(world.principal)
    home = client.get(reverse("home")).content.decode()
    assert f'hx-get="{reverse("notifications:unread_badge")}"' in home
    assert f'href="{reverse("notifications:list")}"' in home  # the menu entry (register_nav) and the bell
    badge = client.get(reverse("notifications:unread_badge")).content.decode()
    assert '<span class="badge rounded-pill text-bg-danger" id="unread-count"' in badge and ">3</span>" in badge
    services.notifications_mark_read(user=world.principal)
    assert "unread-count" not in client.get(reverse("notifications:unread_badge")).content.decode()


def test_every_role_has_the_messages_menu_entry(client, world):
    for user in (world.bureau, world.inspector, world.grid_member, world.principal, world.staff, world.auditor,
                 world.admin, world.superuser):
        client.force_login(user)
        page = client.get(reverse("jobs:list")).content.decode()  # a page every role opens
        assert f'class="nav-link text-nowrap" href="{reverse("notifications:list")}">消息</a>' in page, user


def test_filters_by_state_and_kind(client, world, inbox):
    client.force_login(world.principal)
    url = reverse("notifications:list")
    unread = client.get(url, {"state": "unread"}).content.decode()
    assert "期限临近一" in unread and "已逾期一" in unread and "已读一" not in unread
    read = client.get(url, {"state": "read"}).content.decode()
    assert "已读一" in read and "期限临近一" not in read
    passed = client.get(url, {"kind": OVERDUE}).content.decode()
    assert "已逾期一" in passed and "期限临近一" not in passed and "已读一" not in passed
    bad = client.get(url, {"kind": "no.such_kind"}).content.decode()
    assert 'id="filter-errors"' in bad and "期限临近一" in bad  # says why, filters nothing


def test_the_page_is_paged(client, world):
    for n in range(23):
        _send(world.principal, f"消息{n:02d}")
    client.force_login(world.principal)
    first = client.get(reverse("notifications:list")).content.decode()
    assert "消息22" in first and "消息03" in first and "消息02" not in first  # 20 a page, newest first
    second = client.get(reverse("notifications:list"), {"page": 2}).content.decode()
    assert "消息02" in second and "消息00" in second and "消息03" not in second
    assert "第 2 / 2 页" in second


# -- reading and marking -----------------------------------------------------------------------------
def test_opening_a_message_reads_it_and_goes_to_the_record(client, world, inbox):
    client.force_login(world.principal)
    response = client.get(reverse("notifications:open", args=[inbox.due1.pk]))
    assert response.status_code == 302 and response["Location"] == "/inspections/hazards/1/"
    inbox.due1.refresh_from_db()
    assert inbox.due1.read_at is not None
    assert services.unread_count(world.principal) == 2


def test_a_message_without_a_record_shows_its_text(client, world):
    note = _send(world.principal, "无链接的消息", url="")
    client.force_login(world.principal)
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 200 and "无链接的消息 正文" in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None


def test_an_outside_link_is_not_followed(client, world):
    note = _send(world.principal, "外部链接", url="https://example.com/phish")
    client.force_login(world.principal)
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 200


def test_marking_one_and_all_read(client, world, inbox):
    client.force_login(world.principal)
    back = reverse("notifications:list") + "?state=unread"
    response = client.post(reverse("notifications:read", args=[inbox.due1.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert services.unread_count(world.principal) == 2
    # all of one kind: the passed one stays unread
    client.post(reverse("notifications:read_all"), {"kind": DUE})
    assert list(services.for_user(world.principal).filter(read_at__isnull=True)) == [inbox.passed]
    client.post(reverse("notifications:read_all"))
    assert services.unread_count(world.principal) == 0
    assert services.unread_count(world.inspector) == 1  # someone else's stay unread


def test_reading_twice_keeps_the_first_time(world, inbox):
    first = inbox.read.read_at
    services.notification_mark_read(user=world.principal, notification=inbox.read)
    inbox.read.refresh_from_db()
    assert inbox.read.read_at == first


def test_another_users_message_is_a_404_and_stays_unread(client, world, inbox):
    before = _read_states()
    client.force_login(world.principal)
    assert client.get(reverse("notifications:open", args=[inbox.other.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[inbox.other.pk])).status_code == 404
    client.force_login(world.bureau)  # a region role sees no one's messages either
    assert client.get(reverse("notifications:open", args=[inbox.due1.pk])).status_code == 404
    assert _read_states() == before


def test_the_pages_need_a_sign_in(client, inbox):
    for url in (reverse("notifications:list"), reverse("notifications:unread_badge"),
                reverse("notifications:open", args=[inbox.due1.pk]), reverse("notifications:preferences")):
        assert client.get(url).status_code == 302
    assert client.post(reverse("notifications:read", args=[inbox.due1.pk])).status_code == 302
    inbox.due1.refresh_from_db()
    assert inbox.due1.read_at is None


# -- preferences ---------------------------------------------------------------------------------------
def test_the_settings_page_offers_email_and_sms_per_kind_never_the_portal_copy(client, world):
    client.force_login(world.principal)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "隐患整改期限临近" in page and "站内消息" in page
    assert f'value="{DUE}:email"' in page and f'value="{OVERDUE}:sms"' in page
    assert 'type="checkbox" checked disabled' in page  # the in-portal copy: shown, always on
    # untick the passed kind's e-mail, keep everything else
    ticked = [f"{DUE}:email", f"{DUE}:sms", f"{OVERDUE}:sms", f"{OVERDUE}:portal", "nonsense"]
    assert client.post(reverse("notifications:preferences"), {"send": ticked}).status_code == 302
    prefs = services.preferences_for(world.principal)
    assert prefs[(OVERDUE, "email")] is False
    assert prefs[(DUE, "email")] is True and prefs[(OVERDUE, "sms")] is True
    assert not Preference.objects.filter(channel="portal").exists()
    assert services.preferences_for(world.staff)[(OVERDUE, "email")] is True  # someone else's unchanged


def test_the_portal_copy_cannot_be_turned_off(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.preferences_set(user=world.principal, choices={(DUE, "portal"): False})
    with pytest.raises(ValidationError):
        services.preferences_set(user=world.principal, choices={("no.such_kind", "email"): False})
    assert not Preference.objects.exists()


def test_with_email_turned_off_the_message_still_arrives_in_the_portal(world, settings):
    settings.NOTIFICATION_SENDERS = ["tests.shared.test_notifications.RecordingSender"]
    RecordingSender.sent = []
    world.principal.email, world.principal.phone = "p@example.com", "13800000000"
    world.principal.save(update_fields=["email", "phone"])
    services.preferences_set(user=world.principal, choices={(DUE, "email"): False})
    _send(world.principal, "关闭邮件后")
    services.notifications_dispatch()
    message = Notification.objects.get(user=world.principal)
    assert message.title == "关闭邮件后" and message.read_at is None  # in the portal, unread
    assert message.deliveries == {"email": "off", "sms": "sent"}
    assert RecordingSender.sent == [("sms", "13800000000", "关闭邮件后")]


# -- the senders ---------------------------------------------------------------------------------------
class RecordingSender(Sender):
    channels = ("email", "sms")
    sent = []

    def send(self, message):
        RecordingSender.sent.append((message.channel, message.address, message.title))


class BrokenSender(Sender):
    channels = ("email",)

    def send(self, message):
        raise ConnectionError("mail server down")


def test_the_default_sender_only_logs(world, settings, caplog):
    assert settings.NOTIFICATION_SENDERS == ["portal.notifications.senders.LogSender"]
    world.principal.email = "p@example.com"
    world.principal.save(update_fields=["email"])
    _send(world.principal, "只写日志")
    with caplog.at_level(logging.INFO, logger="portal.notifications"):
        assert services.notifications_dispatch() == 1
    assert "by email <p@example.com>: 只写日志" in caplog.text
    assert Notification.objects.get().deliveries == {"email": "sent", "sms": "no_address"}


def test_a_failing_sender_marks_its_channel_and_the_others_go_on(world, settings):
    settings.NOTIFICATION_SENDERS = ["tests.shared.test_notifications.BrokenSender", "tests.shared.test_notifications.RecordingSender"]
    RecordingSender.sent = []
    world.principal.email, world.principal.phone = "p@example.com", "13800000000"
    world.principal.save(update_fields=["email", "phone"])
    _send(world.principal, "发送失败")
    services.notifications_dispatch()
    assert Notification.objects.get().deliveries == {"email": "failed", "sms": "sent"}
    assert services.notifications_dispatch() == 0  # the outbox is empty: nothing is sent twice


def test_a_bad_sender_path_fails_loudly(world, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.NOTIFICATION_SENDERS = ["portal.notifications.senders.NoSuchSender"]
    _send(world.principal, "配置错误")
    with pytest.raises(ImproperlyConfigured):
        services.notifications_dispatch()


def test_a_message_needs_a_registered_kind_and_a_kind_keeps_its_meaning(world):
    with pytest.raises(LookupError):
        services.notification_send(user=world.principal, kind="no.such_kind", title="x")
    assert register_kind(DUE, HAZARD_DUE_SOON.label, description=HAZARD_DUE_SOON.description) == HAZARD_DUE_SOON
    with pytest.raises(ValueError):
        register_kind(DUE, "另一个意思")
    assert not Notification.objects.exists()


def test_the_same_message_about_the_same_record_is_stored_once(world, inbox):
    for _ in range(2):  # any record will do: the user stands in for one
        services.notification_send(user=world.principal, kind=DUE, title="同一条", obj=world.principal, key="k")
    assert Notification.objects.filter(title="同一条").count() == 1


# -- the API -------------------------------------------------------------------------------------------
def test_the_api_lists_only_the_users_own_messages(client, world, inbox):
    client.force_login(world.principal)
    body = client.get("/api/v1/notifications/").json()
    assert body["count"] == 4 and {r["title"] for r in body["results"]} == {"期限临近一", "期限临近二", "已逾期一", "已读一"}
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 3
    assert client.get("/api/v1/notifications/", {"kind": OVERDUE}).json()["count"] == 1
    one = client.get(f"/api/v1/notifications/{inbox.due1.pk}/").json()
    assert (one["kind_label"], one["is_read"], one["url"]) == ("隐患整改期限临近", False, "/inspections/hazards/1/")
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 3}


def test_the_api_marks_read(client, world, inbox):
    client.force_login(world.principal)
    response = client.post(f"/api/v1/notifications/{inbox.due1.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert client.post("/api/v1/notifications/read-all/", {"kind": DUE}).json() == {"unread": 1}
    assert client.post("/api/v1/notifications/read-all/", {"kind": "no.such_kind"}).status_code == 400
    assert services.unread_count(world.principal) == 1
    assert client.post("/api/v1/notifications/read-all/").json() == {"unread": 0}
    assert services.unread_count(world.inspector) == 1


def test_the_api_answers_404_for_another_users_message_and_changes_nothing(client, world, inbox):
    before = _read_states()
    client.force_login(world.principal)
    assert client.get(f"/api/v1/notifications/{inbox.other.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{inbox.other.pk}/read/").status_code == 404
    client.force_login(world.superuser)  # not even the superuser reads another's messages
    assert client.get(f"/api/v1/notifications/{inbox.due1.pk}/").status_code == 404
    assert client.get("/api/v1/notifications/").json()["count"] == 0
    assert _read_states() == before


def test_the_schema_names_the_notification_endpoints(client, world):
    client.force_login(world.principal)
    paths = set(client.get("/api/v1/schema/?format=json").json()["paths"])
    assert {"/api/v1/notifications/", "/api/v1/notifications/{id}/", "/api/v1/notifications/{id}/read/",
            "/api/v1/notifications/read-all/", "/api/v1/notifications/unread-count/"} <= paths


def test_the_outbox_is_a_fixed_number_of_queries_per_batch(world, django_assert_num_queries):
    for n in range(5):
        _send(world.principal if n % 2 else world.inspector, f"外发{n}", kind=OVERDUE if n % 2 else DUE)
    # savepoint; the batch with its recipients (FOR UPDATE SKIP LOCKED); their choices; one UPDATE; release
    with django_assert_num_queries(5):
        assert services.notifications_dispatch() == 5
    assert not Notification.objects.filter(dispatched_at__isnull=True).exists()
