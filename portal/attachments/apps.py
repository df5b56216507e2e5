from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "portal.attachments"
    label = "attachments"
