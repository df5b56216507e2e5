from django.apps import AppConfig


class GridConfig(AppConfig):
    name = "grid"
    verbose_name = "区域与网格"
