"""The daily hazard-deadline messages (issue 8 §9): who gets which, once each, per township's
warning days, a fixed number of queries, and the outside copies through the senders."""
import datetime

from django.contrib.contenttypes.models import ContentType
import pytest

from inspections.models import Hazard
from inspections.notifications import HAZARD_DUE_SOON, HAZARD_OVERDUE, hazard_deadline_notices
from inspections.services import hazard_extension_decide, hazard_extension_request, hazard_report
from inspections.tasks import hazard_deadline_notices as hazard_deadline_notices_task
from portal.celery import app as celery_app, periodic_jobs
from portal.notifications.models import Notification
from portal.notifications.services import preferences_set
from portal.rules.services import threshold_create

from tests.enterprises.factories import make_enterprise_user
from tests.factories import jpeg

pytestmark = pytest.mark.django_db
DAY = datetime.date(2022, 6, 15)  # the job's day; the shipped warning days are 7
FOUND = datetime.date(2022, 5, 1)


def _hazard(enterprise, by, deadline, **kwargs):
    return hazard_report(enterprise=enterprise, by=by, description=f"隐患 {deadline}", found_on=FOUND,
                         deadline=deadline, source="report", **kwargs)


def _days(n):
    return DAY + datetime.timedelta(days=n)


@pytest.fixture
def hazards(world):
    """e_hutang: principal (writer) and staff (not a writer); e_luoyang: no account."""
    h = type("Hazards", (), {})()
    h.a = _hazard(world.e_hutang, world.inspector, _days(5))  # due soon -> principal
    h.b = _hazard(world.e_hutang, world.inspector, _days(-1))  # passed -> principal + 湖塘 inspector
    h.c = _hazard(world.e_luoyang, world.luoyang_inspector, _days(7))  # due soon, nobody at the enterprise
    h.d = _hazard(world.e_luoyang, world.luoyang_inspector, _days(-7))  # passed -> 洛阳 inspector
    h.e = _hazard(world.e_hutang, world.inspector, _days(8))  # not yet within 7 days
    h.f = _hazard(world.e_hutang, world.inspector, _days(-8))  # passed longer ago than the catch-up window
    h.g = _hazard(world.e_hutang, world.inspector, DAY)  # due today: due soon, not passed
    h.closed = _hazard(world.e_hutang, world.inspector, _days(1), on_the_spot=True, photos=[jpeg()])
    return h


def _sent():
    return sorted((n.user.username, n.kind.split(".")[1], n.object_id, n.key)
                  for n in Notification.objects.select_related("user"))


def test_the_job_sends_each_deadline_message_to_its_recipients(world, hazards):
    h = hazards
    result = hazard_deadline_notices(day=DAY)
    assert result == {"due_soon": 3, "overdue": 2, "messages": 5}  # a, c, g due soon; b, d passed
    assert _sent() == sorted([
        ("principal", "hazard_due_soon", h.a.pk, h.a.deadline.isoformat()),
        ("principal", "hazard_due_soon", h.g.pk, h.g.deadline.isoformat()),
        ("principal", "hazard_overdue", h.b.pk, h.b.deadline.isoformat()),
        ("hutang", "hazard_overdue", h.b.pk, h.b.deadline.isoformat()),
        ("luoyang", "hazard_overdue", h.d.pk, h.d.deadline.isoformat()),
    ])
    message = Notification.objects.get(user=world.principal, object_id=h.a.pk)
    assert message.url == f"/inspections/hazards/{h.a.pk}/"
    assert message.content_type == ContentType.objects.get_for_model(Hazard)
    # written in the deployment's language, whatever the job's
    assert message.title == f"隐患整改期限临近（2022-06-20）：{world.e_hutang.name}"
    assert "还有 5 天" in message.body and "隐患 2022-06-20" in message.body
    assert Notification.objects.get(user=world.inspector).title.startswith("隐患已超过整改期限（2022-06-14）")


def test_run_twice_the_job_sends_each_message_once(world, hazards):
    hazard_deadline_notices(day=DAY)
    first = _sent()
    hazard_deadline_notices(day=DAY)
    assert _sent() == first and len(first) == 5
    # the next day: a is still due soon, b and d still within the catch-up window: nothing again;
    # g's deadline (yesterday) has passed, to the principal and the 湖塘 inspector; e is now due in 7 days
    hazard_deadline_notices(day=_days(1))
    g, e = hazards.g.deadline.isoformat(), hazards.e.deadline.isoformat()
    assert sorted(set(_sent()) - set(first)) == [("hutang", "hazard_overdue", hazards.g.pk, g),
                                                 ("principal", "hazard_due_soon", hazards.e.pk, e),
                                                 ("principal", "hazard_overdue", hazards.g.pk, g)]


def test_a_moved_deadline_is_announced_again(world, hazards):
    hazard_deadline_notices(day=DAY)
    extension = hazard_extension_request(hazard=hazards.a, by=world.principal, new_deadline=_days(6), reason="设备到货晚")
    hazard_extension_decide(extension=extension, by=world.inspector, grant=True)
    hazard_deadline_notices(day=DAY)
    keys = list(Notification.objects.filter(user=world.principal, object_id=hazards.a.pk)
                .order_by("key").values_list("key", flat=True))
    assert keys == ["2022-06-20", "2022-06-21"]


def test_each_township_uses_its_own_warning_days(world, hazards):
    threshold_create(name="inspections.deadline_warning_days", region=world.hutang, value=3,
                     effective_from=datetime.date(2022, 6, 1))
    result = hazard_deadline_notices(day=DAY)
    # 湖塘: 3 days -> a (5 days) is not due soon yet, g (today) is; b (passed 1 day ago) is within 3 days
    # 洛阳: 7 days -> c (7 days) due soon, d (passed 7 days ago) within 7 days
    assert result == {"due_soon": 2, "overdue": 2, "messages": 4}
    assert not Notification.objects.filter(object_id=hazards.a.pk).exists()


def test_the_jobs_queries_are_fixed_for_any_number_of_hazards(world, django_assert_num_queries):
    ContentType.objects.get_for_model(Hazard)  # the content-type cache, warm as in a running worker
    _hazard(world.e_hutang, world.inspector, _days(2))
    _hazard(world.e_hutang, world.inspector, _days(-2))

    def run():
        # townships; their warning days; the candidate hazards; the enterprises' writers; the
        # townships' inspectors; one INSERT ... ON CONFLICT DO NOTHING
        with django_assert_num_queries(6):
            return hazard_deadline_notices(day=DAY)

    assert run()["messages"] == 3  # the principal twice, the 湖塘 inspector once
    second = make_enterprise_user(world.e_hutang2, "safety_manager", username="manager2")
    for n in range(6):
        _hazard(world.e_hutang2, world.inspector, _days(n - 3))
        _hazard(world.e_luoyang, world.luoyang_inspector, _days(n - 3))
    result = run()
    # 14 hazards: e_hutang's 1 and 1, e_hutang2's 3 due soon (0, 1, 2 days) and 3 passed, e_luoyang's 3 and 3
    assert (result["due_soon"], result["overdue"]) == (7, 7)
    assert Notification.objects.filter(user=second).count() == 6


def test_the_daily_task_takes_its_day_and_is_a_periodic_job(world, hazards):
    assert hazard_deadline_notices_task.delay(DAY.isoformat()).get() == {"due_soon": 3, "overdue": 2, "messages": 5}
    assert "inspections.tasks.hazard_deadline_notices" in celery_app.tasks
    assert any(job["task"] == "inspections.tasks.hazard_deadline_notices" for job in periodic_jobs().values())


def test_outside_copies_follow_each_users_choice_and_the_portal_copy_stays(
        world, hazards, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_SENDERS = ["portal.notifications.senders.EmailSender",
                                     "portal.notifications.senders.LogSender"]
    world.principal.email = "principal@example.com"
    world.principal.save(update_fields=["email"])
    world.inspector.email = "hutang@example.com"
    world.inspector.save(update_fields=["email"])
    preferences_set(user=world.principal, choices={(HAZARD_OVERDUE.name, "email"): False})
    with django_capture_on_commit_callbacks(execute=True):
        hazard_deadline_notices(day=DAY)
    # principal: 2 due-soon e-mails, the passed one turned off; 湖塘 inspector: 1; 洛阳 inspector has no address
    assert sorted(m.to[0] for m in mailoutbox) == ["hutang@example.com", "principal@example.com",
                                                   "principal@example.com"]
    overdue = Notification.objects.get(user=world.principal, kind=HAZARD_OVERDUE.name)
    assert overdue.deliveries == {"email": "off", "sms": "no_address"}  # the in-portal copy is there
    assert Notification.objects.get(user=world.luoyang_inspector).deliveries == {"email": "no_address",
                                                                                 "sms": "no_address"}
    assert Notification.objects.filter(dispatched_at__isnull=True).count() == 0
    assert HAZARD_DUE_SOON.name in {m.kind for m in Notification.objects.filter(user=world.principal)}
