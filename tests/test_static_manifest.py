"""A production start without collectstatic fails at once with a clear message (issue 8 §10), rather
than answering 500 on the sign-in page for a missing manifest entry."""
import json

import pytest
from django.apps import apps
from django.contrib.staticfiles.finders import get_finders

from portal.checks import static_manifest_check, static_manifest_problem

from tests.test_platform import PRODUCTION, _manage

MANIFEST_STORAGE = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}


def found_static_files():
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    return sorted({path for finder in get_finders() for path, _storage in finder.list(ignore)})


def write_manifest(static_root, leave_out=()):
    """The manifest collectstatic would write, without its minutes of hashing and compressing."""
    static_root.mkdir(parents=True, exist_ok=True)
    paths = {path: path for path in found_static_files() if path not in leave_out}
    (static_root / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1", "hash": "x"}))
    return static_root


@pytest.fixture
def manifest_storage(settings, tmp_path):
    settings.STORAGES = MANIFEST_STORAGE
    settings.STATIC_ROOT = tmp_path / "static"
    return settings.STATIC_ROOT


def test_development_keeps_no_manifest_and_needs_none():
    assert static_manifest_problem() is None


def test_a_missing_manifest_is_an_error_that_says_what_to_run(manifest_storage):
    problem = static_manifest_problem()
    assert "staticfiles.json is missing" in problem and "manage.py collectstatic --noinput" in problem
    [error] = static_manifest_check()
    assert (error.id, error.msg) == ("portal.E001", problem)


def test_a_complete_manifest_passes(manifest_storage):
    write_manifest(manifest_storage)
    assert "js/portal.js" in found_static_files()
    assert static_manifest_problem() is None
    assert static_manifest_check() == []


def test_a_file_added_since_the_last_collectstatic_is_named(manifest_storage):
    write_manifest(manifest_storage, leave_out={"js/portal.js"})
    problem = static_manifest_problem()
    assert "lacks 1 file(s)" in problem and "js/portal.js" in problem and "collectstatic" in problem


def test_an_unreadable_manifest_is_an_error(manifest_storage):
    manifest_storage.mkdir(parents=True)
    (manifest_storage / "staticfiles.json").write_text("{not json")
    assert "cannot be read" in static_manifest_problem()


# -- the real start, in a separate process with the production settings --------------------------
def _python(code, env_extra):
    import os
    import subprocess
    import sys

    from tests.test_platform import ROOT
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_wsgi_start_fails_without_collectstatic(tmp_path):
    result = _python("import portal.wsgi", {**PRODUCTION, "STATIC_ROOT": str(tmp_path / "empty")})
    assert result.returncode != 0
    assert "ImproperlyConfigured: The static files manifest" in result.stderr
    assert "collectstatic --noinput" in result.stderr


def test_the_wsgi_start_succeeds_after_collectstatic(tmp_path):
    root = write_manifest(tmp_path / "static")
    result = _python("import portal.wsgi; print('started')", {**PRODUCTION, "STATIC_ROOT": str(root)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_manage_py_reports_it_and_collectstatic_itself_still_runs(tmp_path):
    env = {**PRODUCTION, "STATIC_ROOT": str(tmp_path / "empty")}
    check = _manage("check", env_extra=env)
    assert check.returncode != 0 and "portal.E001" in check.stderr
    collect = _manage("collectstatic", "--noinput", "--dry-run", "-v", "0", env_extra=env)
    assert collect.returncode == 0, collect.stderr


def test_the_image_collects_the_static_files_that_compose_serves():
    """docker-compose's web service runs the image the Dockerfile builds, which collects the static
    files at build time into its own STATIC_ROOT; nothing in compose moves or hides them."""
    import yaml

    from tests.test_platform import ROOT
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "manage.py collectstatic --noinput" in dockerfile
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]["web"]
    assert web["build"] == "."
    assert "STATIC_ROOT" not in web["environment"]
    assert not any("staticfiles" in str(volume) for volume in web.get("volumes", []))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    production = readme[readme.index("## Production"):]
    assert production.index("manage.py collectstatic --noinput") < production.index("gunicorn portal.wsgi")
