"""What an app of the portal declares about itself, so that adding one touches ``INSTALLED_APPS``
and the import contract and nothing else outside its own package (issue 8 §6).

An app's ``AppConfig`` subclasses ``PortalAppConfig`` — imported as ``from portal import appconfig``:
Django takes the only ``AppConfig`` subclass found in ``apps.py``, and an imported class would be
a second one — and says::

    class InspectionsConfig(appconfig.PortalAppConfig):
        name = "inspections"
        urls = {"inspections/": "inspections.urls"}          # URL prefix -> its urls module
        periodic_jobs = {"hazard-deadline-notices": {         # Celery beat entries
            "task": "inspections.tasks.hazard_deadline_notices", "schedule": crontab(hour=7, minute=3)}}

        def ready(self):  # registries: menu entries and groups, to-dos, figures, enterprise-page
            ...           # sections, API routes, scope grants, job handlers, notification kinds

The project reads them: ``portal.urls`` includes every declared prefix, ``portal.celery`` makes the
beat schedule of every declared job and discovers every installed app's ``tasks`` module; the demo
command finds each app's ``demo`` module; Django finds each app's ``locale/`` and templates.
This module imports nothing of the portal, so every app may use it.
"""
from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured


class PortalAppConfig(AppConfig):
    urls = {}  # {"prefix/": "module.urls"}
    periodic_jobs = {}  # {name: {"task": "dotted.task.name", "schedule": crontab(...)}}


def _configs():
    return [c for c in apps.get_app_configs() if isinstance(c, PortalAppConfig)]


def declared_urls():
    """``[(prefix, urls module)]`` of the installed apps, in ``INSTALLED_APPS`` order; a prefix
    declared twice is a configuration error."""
    seen, out = {}, []
    for config in _configs():
        for prefix, module in config.urls.items():
            if prefix in seen:
                raise ImproperlyConfigured(f"URL prefix {prefix!r} is declared by {seen[prefix]} and {config.name}")
            seen[prefix] = config.name
            out.append((prefix, module))
    return out


def declared_periodic_jobs():
    """The beat schedule: every installed app's ``periodic_jobs``; a name declared twice is an error."""
    seen, out = {}, {}
    for config in _configs():
        for name, job in config.periodic_jobs.items():
            if name in seen:
                raise ImproperlyConfigured(f"Periodic job {name!r} is declared by {seen[name]} and {config.name}")
            seen[name] = config.name
            out[name] = dict(job)
    return out
