from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "portal.figures"
    label = "figures"
