"""The demo's key tasks (issue 12, Demo): this year's list of the demo district, copied forward from
the shipped 2022 one, shows every state on the board whatever today is — checked on the days that
break calendar code (the year's last and first day)."""
import datetime
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command
import pytest

from portal.assessments import services_key_tasks as services
from portal.assessments.models import KeyTaskBonus, KeyTaskEvidence, KeyTaskList


@pytest.mark.parametrize("day", [datetime.date(2026, 12, 31), datetime.date(2027, 1, 1)], ids=str)
def test_the_demo_board_shows_every_state(day, db, settings, clock):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.move_to(datetime.datetime.combine(day, datetime.time(10), tzinfo=ZoneInfo("Asia/Shanghai")))
    call_command("demo_data", enterprises=200, seed=1, stdout=StringIO())
    task_list = KeyTaskList.objects.get(year=day.year, region__name="武进区")
    assert task_list.copied_from is not None and task_list.copied_from.year == 2022
    result = services.board(task_list, day)
    assert {c.status for c in result.cells.values()} == set(services.STATUSES)
    assert set(KeyTaskEvidence.objects.filter(task__task_list=task_list).values_list("state", flat=True)) == {
        "submitted", "accepted", "returned"}
    assert KeyTaskBonus.objects.filter(task_list=task_list).exists() and services.bonus_candidates(result)
