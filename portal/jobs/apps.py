from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "portal.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self):
        from . import exports  # noqa: F401  (the shared export job's handler, in the web process and the worker)
