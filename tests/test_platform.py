"""The set-up contract: production settings pass Django's deploy checks, migrations match the
models, and docker-compose names the services the README promises."""
import os
from pathlib import Path
import subprocess
import sys

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, env_extra):
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests' Playwright thread, never in deployment
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_DEBUG", "PORTAL_INSECURE_HTTP", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


PRODUCTION = {"PORTAL_DEPLOYMENT": "production", "SECRET_KEY": "k" * 60 + "-Ab3$", "ALLOWED_HOSTS": "portal.example"}


def _collected(tmp_path):
    """STATIC_ROOT as collectstatic leaves it (its manifest): the start checks for it."""
    from tests.test_static_manifest import write_manifest
    return {"STATIC_ROOT": str(write_manifest(tmp_path / "static"))}


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra={**PRODUCTION, **_collected(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr


def test_plain_http_intranet_is_an_explicit_choice_that_still_passes(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     env_extra={**PRODUCTION, **_collected(tmp_path), "PORTAL_INSECURE_HTTP": "1"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_a_secret_refuses_to_start():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", env_extra=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_migrations_match_the_models():
    result = _manage("makemigrations", "--check", "--dry-run", env_extra={})
    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_compose_names_the_services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    assert "gunicorn" in " ".join(services["web"]["command"]) if isinstance(services["web"]["command"], list) \
        else "gunicorn" in services["web"]["command"]
    assert "worker" in str(services["worker"]["command"])
    assert "beat" in str(services["beat"]["command"])
    assert "postgres" in services["db"]["image"]
    assert "redis" in services["redis"]["image"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert "DATABASE_URL" in env and "REDIS_URL" in env


def test_no_template_or_static_file_loads_from_the_internet():
    offenders = []
    for folder in ("templates", "static/portal", "enterprises/templates", "portal"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".html", ".css", ".js"}:
                text = path.read_text(encoding="utf-8", errors="ignore")
                if "http://" in text or "https://" in text:
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_periodic_jobs_are_declared_in_code():
    from portal.celery import app

    app.finalize(auto=True)  # as beat and a worker do; the schedule is made on finalize
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "portal.accounts.tasks.access_log_purge" in tasks
    assert "portal.assessments.tasks.snapshot_last_quarter" in tasks  # the quarter frozen after it ends


def test_the_english_locale_keeps_working(client, world):
    client.force_login(world.bureau)
    assert "企业名录" in client.get("/enterprises/").content.decode()  # zh-hans by default
    client.post("/i18n/setlang/", {"language": "en", "next": "/enterprises/"})
    assert "Enterprise roster" in client.get("/enterprises/").content.decode()


def test_menu_groups_entries_into_drop_downs(client, world):
    """Groups with several entries for the user become one drop-down; a single entry stays a link."""
    client.force_login(world.inspector)
    items = client.get("/").context["nav_items"]
    labels = [str(i["label"]) for i in items]
    assert labels[:3] == ["企业名录", "执法检查", "隐患治理"]
    enforcement = items[1]
    assert [str(c["label"]) for c in enforcement["children"]] == ["检查记录", "执法计划", "专项行动", "行政处罚", "企业自查清单"]
    statistics = next(i for i in items if str(i["label"]) == "统计与通报")  # the statistics of every app
    assert [str(c["label"]) for c in statistics["children"]] == ["统计分析", "统计看板", "重点工作任务", "通报"]
    client.force_login(world.principal)
    items = client.get("/inspections/hazards/").context["nav_items"]
    # an enterprise user has one hazards entry: a plain link, marked active on its page
    hazards = next(i for i in items if str(i["label"]) == "隐患台账")
    assert "children" not in hazards and hazards["active"]
