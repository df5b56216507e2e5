"""The quarter computed by real Celery workers on Redis (issue 10 "Done when"): the hand-built city's
quarter through a worker, every part a task; then a worker killed with SIGKILL half-way through a
recomputation leaves the previous snapshot current, and the part it held comes back (a short
visibility timeout) to the next worker, which completes the run."""
import os
import signal
import time

import psycopg2
import pytest
from django.db import connection

from portal.assessments import services
from portal.assessments.models import Snapshot, SnapshotValue
from portal.assessments.problems import problems_for
from portal.assessments.tasks import snapshot_part
from portal.celery import app as celery_app
from tests.assessments.test_snapshots import stored
from tests.risk_reports.test_figures_city import Q3, city  # noqa: F401  (the hand-built city)
from tests.workers import new_queue, start_worker, stop_worker, worker_log

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
VISIBILITY = 4  # seconds before an unacknowledged task goes back to the queue


@pytest.fixture
def queue(settings):
    name = new_queue()
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = name
    workers = []

    def start():
        proc = start_worker(settings, name, loglevel="INFO", CELERY_VISIBILITY_TIMEOUT=VISIBILITY)
        workers.append(proc)
        return proc

    yield start
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
    for proc in workers:
        stop_worker(proc)


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def state(pk):
    return Snapshot.objects.get(pk=pk).state


def overdue(snapshot):
    return {r.region.name: (r.value, r.rank) for r in SnapshotValue.objects.filter(
        snapshot=snapshot, figure="risk.overdue_rate").select_related("region")}


def test_a_killed_worker_leaves_the_previous_snapshot_current(city, queue):  # noqa: F811
    first = queue()
    previous = services.snapshot_request(region=city.city, period=Q3, by=None)  # committed: sent at once
    wait_for(lambda: state(previous.pk) == Snapshot.State.CURRENT, 90, "the first snapshot")
    published = overdue(previous)
    # what the worker stored is what was counted by hand (tests/risk_reports/test_figures_city.py)
    assert stored(previous, "risk.overdue_rate") == {
        "甲一镇": (31.82, 7, 22, 2), "甲二镇": (54.55, 6, 11, 3), "甲三镇": (28.57, 2, 7, 1),
        "乙一镇": (0, 0, 4, 1), "乙二镇": (91.67, 11, 12, 2),
        "甲区": (37.5, 15, 40, 1), "乙区": (68.75, 11, 16, 2), "测试市": (46.43, 26, 56, None)}
    assert stored(previous, "risk.points_per_enterprise") == {
        "甲一镇": (2.5, 5, 2, 1), "甲二镇": (1.5, 3, 2, 2), "甲三镇": (1, 2, 2, 3),
        "乙一镇": (2, 2, 1, 1), "乙二镇": (2, 4, 2, 1),
        "甲区": (1.67, 10, 6, 2), "乙区": (2, 6, 3, 1), "测试市": (1.78, 16, 9, None)}
    assert {unit: v[0] for unit, v in stored(previous, "risk.enterprises_using").items()} == {
        "甲一镇": 2, "甲二镇": 2, "甲三镇": 1, "乙一镇": 1, "乙二镇": 1, "甲区": 5, "乙区": 2, "测试市": 7}
    assert {unit: v[3] for unit, v in stored(previous, "risk.principal_participation").items()
            if unit in ("甲区", "乙区")} == {"甲区": 1, "乙区": 2}
    # and the problems the shipped rules name from it (seed 001 problem (二), counted by hand)
    findings = problems_for(services.snapshot_table(previous, city.city))
    assert [[(region.name, cell.value) for region, cell in f.units] for f in findings] == [
        [("甲区", 1.67)], [("乙区", 68.75), ("甲区", 37.5)], [("乙区", 0.33), ("甲区", 0.5)], [("乙区", 50)]]

    # a recomputation whose first part blocks on a lock this test holds, so the worker is killed
    # while that part is in hand (computed, not yet written)
    again = Snapshot.objects.create(region=city.city, period=str(Q3), period_start=Q3.start, period_end=Q3.end,
                                    parts_expected=2, computed_on=previous.computed_on)
    db = connection.settings_dict
    locker = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1",
                              port=db["PORT"] or 5432)
    try:
        with locker.cursor() as cursor:
            cursor.execute("SELECT id FROM assessments_snapshot WHERE id = %s FOR UPDATE", [again.pk])
        snapshot_part.delay(again.pk, city.a.pk)
        snapshot_part.delay(again.pk, city.b.pk)

        def waiting():  # asked on the test's own connection: a transaction sees pg_stat_activity frozen
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                               [db["NAME"]])
                return cursor.fetchone()[0] > 0
        try:
            wait_for(waiting, 60, "the worker to hold the first part")
        except AssertionError:
            raise AssertionError(worker_log(first)[-3000:]) from None
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=15)
    finally:
        locker.rollback()
        locker.close()

    assert state(again.pk) == Snapshot.State.BUILDING
    assert not SnapshotValue.objects.filter(snapshot=again).exists()
    assert state(previous.pk) == Snapshot.State.CURRENT
    assert services.current_snapshot(city.city, Q3).pk == previous.pk

    # the next worker gets the part back once the visibility timeout has passed, and finishes the run
    time.sleep(VISIBILITY + 1)
    queue()
    wait_for(lambda: state(again.pk) == Snapshot.State.CURRENT, 120, "the recomputation after the redelivery")
    assert state(previous.pk) == Snapshot.State.REPLACED
    assert overdue(again) == published
    assert Snapshot.objects.get(pk=again.pk).parts_done == 2
