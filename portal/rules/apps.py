from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "portal.rules"
    label = "rules"
