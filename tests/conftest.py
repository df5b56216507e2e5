"""Shared test world: the shipped territory (常州市, its districts, Wujin's townships), one user per
role, and a few enterprises in two townships.

With CI=true, a missing PostgreSQL, Redis or Chromium fails the run: nothing skips.

Every test runs on a pinned clock (``PORTAL_TEST_NOW``, default below; it ticks on from there), so
the suite gives the same answer on any day it is run: ``PORTAL_TEST_NOW=2028-02-29T23:30:00+08:00
make test`` runs it as if on that day. Tests that need another day move the ``clock`` fixture.
Browser journeys and the real Celery worker keep the real clock: Chromium and the worker process
are not ours to pin, so those tests build their data relative to the real today (a task takes its
day as an argument; a browser test that needs a date sets the page's clock)."""
import datetime
import os

import pytest
import time_machine

from grid.models import GridCell, Region
from portal.celery import app as celery_app

from tests.enterprises.factories import make_enterprise, make_enterprise_user
from tests.factories import GridCellFactory, RegionFactory, UserFactory

CI = os.environ.get("CI", "").lower() == "true"


PINNED_NOW = datetime.datetime.fromisoformat(os.environ.get("PORTAL_TEST_NOW") or "2026-11-16T10:00:00+08:00")
REAL_CLOCK_MARKERS = ("browser", "celery_worker", "real_clock")


@pytest.fixture(autouse=True)
def clock(request):
    """The pinned clock (a ``time_machine`` traveller: ``clock.move_to(...)``), or None for the
    tests that keep the real one."""
    if any(request.node.get_closest_marker(m) for m in REAL_CLOCK_MARKERS):
        yield None
        return
    with time_machine.travel(PINNED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _eager_celery(settings, tmp_path):
    """Tasks run in process unless a test asks for the real worker; files go to a temp dir;
    passwords hash fast (the policy is checked by validators, not by the hasher)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def wujin(db):
    return Region.objects.get(name="武进区")


@pytest.fixture
def world(db):
    """Two Wujin townships, a village with a grid cell in the first, enterprises in each, and one
    user per role. Hand-made: every test counts from it."""
    class World:
        pass

    w = World()
    w.city = Region.objects.get(name="常州市")
    w.wujin = Region.objects.get(name="武进区")
    w.tianning = Region.objects.get(name="天宁区")
    w.hutang = Region.objects.get(name="湖塘镇")
    w.luoyang = Region.objects.get(name="洛阳镇")
    w.village = RegionFactory(name="湖塘村", parent=w.hutang, level=Region.Level.VILLAGE)
    w.cell = GridCellFactory(name="湖塘一网格", region=w.village)
    w.other_cell = GridCellFactory(name="洛阳一网格", region=w.luoyang)

    w.e_hutang = make_enterprise(township=w.hutang, name="常州湖塘机械有限公司", key_domains=["dust"],
                                 dust_workers_per_shift=12, village=w.village, grid_cell=w.cell)
    w.e_hutang2 = make_enterprise(township=w.hutang, name="常州湖塘纺织有限公司", industry="dyeing", above_scale=True)
    w.e_luoyang = make_enterprise(township=w.luoyang, name="常州洛阳冶金有限公司", industry="steel",
                                  key_domains=["smelting"], grid_cell=w.other_cell)

    w.bureau = UserFactory(username="bureau", role="bureau_staff", region=w.wujin)
    w.city_staff = UserFactory(username="city", role="bureau_staff", region=w.city)
    w.inspector = UserFactory(username="hutang", role="township_inspector", region=w.hutang)
    w.luoyang_inspector = UserFactory(username="luoyang", role="township_inspector", region=w.luoyang)
    w.grid_member = UserFactory(username="grid", role="grid_member", cells=[w.cell])
    w.principal = make_enterprise_user(w.e_hutang, "principal", username="principal")
    w.staff = make_enterprise_user(w.e_hutang, "staff", username="staff")
    w.auditor = UserFactory(username="auditor", role="auditor")
    w.admin = UserFactory(username="admin", role="admin")
    w.superuser = UserFactory(username="root", role="admin", is_superuser=True, is_staff=True)
    return w
