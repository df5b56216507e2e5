from django.apps import AppConfig


class SamplingConfig(AppConfig):
    name = "portal.sampling"
    label = "sampling"
