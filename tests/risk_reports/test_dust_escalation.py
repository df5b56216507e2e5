"""The nightly escalation of missing dust photos (一天提醒、三天督促、七天核查): each step once per gap,
a fixed number of queries, the day-7 verification closed with a finding, and the task on a real worker."""
import datetime
import time

import pytest
from django.core.exceptions import ValidationError

from portal.celery import app as celery_app
from portal.notifications.models import Notification
from risk_reports.models import DustEscalation
from risk_reports.services.dust import dust_escalate, dust_escalation_close
from tests.enterprises.factories import make_enterprise_user
from tests.workers import new_queue, start_worker, stop_worker

from .dust_factories import make_site, make_upload

D0 = datetime.date(2026, 11, 1)  # the site's first day


def day(n):
    return D0 + datetime.timedelta(days=n)


def kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_each_step_once_per_gap(world):
    site = make_site(world.e_hutang, created_on=D0)
    make_upload(site, world.staff, day(0))
    make_upload(site, world.staff, day(1))
    # day 2 missing: the gap starts on day 2 -> a reminder to the enterprise's principal
    assert dust_escalate(day=day(2)) == {1: 1, 3: 0, 7: 0}
    assert dust_escalate(day=day(2)) == {1: 0, 3: 0, 7: 0}  # a second run the same day sends nothing
    assert kinds(world.principal) == ["risk.dust_remind"] and kinds(world.inspector) == []
    assert kinds(world.staff) == []  # staff are not the enterprise's managers
    assert dust_escalate(day=day(3)) == {1: 0, 3: 0, 7: 0}
    # day 4: the third missing day -> urge the enterprise and the township
    assert dust_escalate(day=day(4)) == {1: 0, 3: 1, 7: 0}
    assert kinds(world.principal) == ["risk.dust_remind", "risk.dust_urge"]
    assert kinds(world.inspector) == ["risk.dust_urge"]
    assert kinds(world.luoyang_inspector) == []
    # day 8: the seventh -> the township verifies on site (no message to the enterprise)
    assert dust_escalate(day=day(8)) == {1: 0, 3: 0, 7: 1}
    assert kinds(world.inspector) == ["risk.dust_urge", "risk.dust_verify"]
    assert dust_escalate(day=day(9)) == {1: 0, 3: 0, 7: 0}
    # a photo on day 10 ends the gap; day 11 missing starts a new one
    make_upload(site, world.staff, day(10))
    assert dust_escalate(day=day(10)) == {1: 0, 3: 0, 7: 0}
    assert dust_escalate(day=day(11)) == {1: 1, 3: 0, 7: 0}
    assert list(DustEscalation.objects.order_by("gap_start", "step").values_list("gap_start", "step")) == [
        (day(2), 1), (day(2), 3), (day(2), 7), (day(11), 1)]


def test_a_late_run_catches_up_each_step_once(world):
    site = make_site(world.e_hutang, created_on=D0)
    # nobody ran the job for a week: every due step of the gap is written, once
    assert dust_escalate(day=day(7)) == {1: 1, 3: 1, 7: 1}
    assert dust_escalate(day=day(7)) == {1: 0, 3: 0, 7: 0}
    assert DustEscalation.objects.filter(site=site).count() == 3


def test_a_photo_sent_back_reopens_its_day(world):
    site = make_site(world.e_hutang, created_on=D0)
    make_upload(site, world.staff, day(0), sent_back=True)
    assert dust_escalate(day=day(0)) == {1: 1, 3: 0, 7: 0}


def test_retired_sites_and_deregistered_enterprises_are_not_escalated(world):
    site = make_site(world.e_hutang, created_on=D0)
    site.retired_on = day(1)
    site.save()
    assert dust_escalate(day=day(3)) == {1: 0, 3: 0, 7: 0}


def test_a_fixed_number_of_queries(world, django_assert_num_queries):
    manager = make_enterprise_user(world.e_hutang, "safety_manager")
    for n in range(5):
        make_site(world.e_hutang, f"场所{n}", created_on=D0)
    dust_escalate(day=day(0))  # warms the message type's cache
    with django_assert_num_queries(2):
        # 1 the gaps; 2 the steps already sent (nothing new)
        dust_escalate(day=day(1))
    for n in range(5, 25):
        make_site(world.e_hutang, f"场所{n}", created_on=D0)
    with django_assert_num_queries(8):
        # 1 gaps; 2 steps sent; savepoint (the test's transaction); 3 escalations; 4 managers; 5 inspectors;
        # 6 messages; release savepoint
        assert dust_escalate(day=day(2)) == {1: 20, 3: 25, 7: 0}
    assert Notification.objects.filter(user=manager, kind="risk.dust_urge").count() == 25


def test_the_township_closes_a_verification_with_a_finding(world):
    make_site(world.e_hutang, created_on=D0)
    dust_escalate(day=day(6))
    verify = DustEscalation.objects.get(step=7)
    with pytest.raises(ValidationError):
        dust_escalation_close(escalation=verify, by=world.inspector, finding=" ")
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        dust_escalation_close(escalation=verify, by=world.luoyang_inspector, finding="已清扫")
    dust_escalation_close(escalation=verify, by=world.inspector, finding="现场核查：车间已停产检修，未清扫")
    verify.refresh_from_db()
    assert verify.closed_by == world.inspector
    with pytest.raises(ValidationError):
        dust_escalation_close(escalation=verify, by=world.inspector, finding="again")


def test_the_job_is_declared_in_the_beat_schedule():
    from portal.appconfig import declared_periodic_jobs

    assert declared_periodic_jobs()["dust-escalate"]["task"] == "risk_reports.dust_escalate"


@pytest.fixture
def worker(settings):
    queue = new_queue()
    proc = start_worker(settings, queue)
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield proc
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        stop_worker(proc)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_nightly_task_on_a_real_worker_sends_each_step_once(worker, world):
    from risk_reports.tasks_dust import dust_escalate as task

    make_site(world.e_hutang, created_on=D0)
    started = time.monotonic()
    assert task.delay(day(2).isoformat()).get(timeout=90) == {"1": 1, "3": 1, "7": 0}
    # a second run the same day sends nothing
    assert task.delay(day(2).isoformat()).get(timeout=90) == {"1": 0, "3": 0, "7": 0}
    assert time.monotonic() - started < 90
    assert Notification.objects.filter(kind__startswith="risk.dust_").count() == 3  # principal ×2, inspector ×1
