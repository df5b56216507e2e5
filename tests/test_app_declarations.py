"""An app declares itself (issue 8 §6): installing one adds its page, API route, menu entry and
group, figure, periodic job and to-do, with nothing changed outside its package. Shown with
``tests/throwaway_app``, an app no deployment installs, put into INSTALLED_APPS for the test."""
import importlib

from django.test import override_settings
from django.urls import clear_url_caches, reverse
import pytest

from portal import appconfig, ui
from portal.api import router
from portal.celery import periodic_jobs
from portal.figures import registry
from portal.figures.periods import Period


def _reload_urls():
    import portal.urls

    importlib.reload(portal.urls)
    clear_url_caches()


@pytest.fixture
def throwaway(settings):
    """The app installed (its ``ready()`` runs with every other app's); afterwards every registry
    as it was, and the URLs without it."""
    saved = (dict(ui._nav), list(ui._todo_providers), dict(ui.NAV_GROUPS), dict(registry._figures),
             list(router.registry))
    try:
        with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "tests.throwaway_app.apps.ThrowawayConfig"]):
            _reload_urls()
            yield
    finally:
        ui._nav.clear(), ui._nav.update(saved[0])
        ui._todo_providers[:] = saved[1]
        ui.NAV_GROUPS.clear(), ui.NAV_GROUPS.update(saved[2])
        registry._figures.clear(), registry._figures.update(saved[3])
        router.registry[:] = saved[4]
        if hasattr(router, "_urls"):
            del router._urls
        _reload_urls()


def test_an_installed_app_brings_its_page_api_menu_figure_job_and_todo(client, world, throwaway):
    client.force_login(world.bureau)
    # its page, at the prefix it declared
    page = client.get("/throwaway/")
    assert page.status_code == 200 and "临时应用的页面" in page.content.decode()
    # its API route, in the one router
    api = client.get("/api/v1/throwaway-things/")
    assert api.status_code == 200 and api.json() == [{"thing": "临时"}]
    # its menu group and entries, each for the holders of its capability
    home = client.get(reverse("home")).content.decode()
    assert "临时分组" in home and "临时页面" in home and "临时统计" in home
    held = {item.url_name for item in ui.nav_items_for({"view_roster"})}
    assert "throwaway:page" in held and "throwaway:figures" not in held
    # its to-do on the home page
    assert "临时待办" in home and [t.label for t in ui.todos_for(world.bureau)].count("临时待办") == 1
    # its figure, in the registry the statistics and the notice read
    table = registry.table(["throwaway.count"], world.wujin, Period.quarter(2026, 3))
    assert {row["throwaway.count"].value for row in table.rows} == {7}
    # its periodic job, in the beat schedule
    assert periodic_jobs()["throwaway-tick"]["task"] == "tests.throwaway_app.tasks.tick"


def test_without_the_app_nothing_of_it_remains(client, world):
    client.force_login(world.bureau)
    assert client.get("/throwaway/").status_code == 404
    assert client.get("/api/v1/throwaway-things/").status_code == 404
    assert "throwaway-tick" not in periodic_jobs()
    assert "临时待办" not in [t.label for t in ui.todos_for(world.bureau)]
    with pytest.raises(LookupError):
        registry.get("throwaway.count")


def test_a_prefix_declared_twice_is_refused(settings):
    class Clash(appconfig.PortalAppConfig):
        urls = {"enterprises/": "somewhere.urls"}

    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    clash = Clash("tests.throwaway_app", importlib.import_module("tests.throwaway_app"))
    apps.app_configs["clash"] = clash
    try:
        with pytest.raises(ImproperlyConfigured, match="enterprises/"):
            appconfig.declared_urls()
    finally:
        del apps.app_configs["clash"]
        apps.clear_cache()
