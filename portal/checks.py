"""Start-up checks: a production start without ``collectstatic`` fails at once with a clear message
(issue 8 §10), not with a 500 on the first page whose ``{% static %}`` finds no manifest entry."""
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

COLLECT = "run `python manage.py collectstatic --noinput` (with the same settings) before starting the portal"


def static_manifest_problem():
    """Why the static files manifest cannot serve the portal's pages, or ``None`` if it can (or if
    the storage keeps no manifest, as in development). Every file the finders know must be in it:
    one added since the last ``collectstatic`` would fail its pages just the same."""
    backend = import_string(settings.STORAGES["staticfiles"]["BACKEND"])
    if not issubclass(backend, ManifestFilesMixin):
        return None
    where = Path(settings.STATIC_ROOT) / backend.manifest_name
    try:  # the storage reads its manifest as it is made
        if staticfiles_storage.read_manifest() is None:
            return f"The static files manifest {where} is missing: {COLLECT}."
        paths, _hash = staticfiles_storage.load_manifest()
    except ValueError:
        return f"The static files manifest {where} cannot be read: {COLLECT}."
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    missing = sorted({path for finder in get_finders() for path, _storage in finder.list(ignore)} - set(paths))
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        return (f"The static files manifest {where} lacks {len(missing)} file(s) added since the last "
                f"collectstatic ({shown}): {COLLECT}.")
    return None


def static_manifest_check(app_configs=None, **kwargs):
    problem = static_manifest_problem()
    return [checks.Error(problem, id="portal.E001")] if problem else []


def require_static_manifest():
    """Called by the WSGI entry point: gunicorn runs no system checks, so the start itself fails."""
    problem = static_manifest_problem()
    if problem:
        raise ImproperlyConfigured(problem)
