from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from auditlog.registry import auditlog

        from grid.models import GridCell, Region

        from . import signals  # noqa: F401  sign-in logging
        from .models import User

        auditlog.register(Region)
        auditlog.register(GridCell)
        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"grid_cells"})
