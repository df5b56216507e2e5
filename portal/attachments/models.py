"""Files attached to any record (photos of a patrol, a scanned rectification order, ...).

An attachment points at its owner with a generic link; whoever may see the owner (``scope``) may
see its files, so this app imports no business app."""
import os

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Attachment(models.Model):
    class Kind(models.TextChoices):
        JPEG = "image/jpeg", _("JPEG image")
        PDF = "application/pdf", _("PDF document")

    content_type = models.ForeignKey(ContentType, verbose_name=_("owner type"), on_delete=models.PROTECT,
                                     related_name="+")
    object_id = models.PositiveBigIntegerField(_("owner id"))
    owner = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("original name"), max_length=255)
    mime_type = models.CharField(_("content type"), max_length=32, choices=Kind.choices)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True,
                                    help_text=_("The capture time from the photo's EXIF data, if any."))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [
            # a record's attachments (the owner's page lists them)
            models.Index(fields=["content_type", "object_id"], name="attachment_owner"),
        ]

    def __str__(self):
        return self.original_name

    @property
    def download_name(self):
        """The uploaded name, with ``.jpg`` for a re-encoded image (a PNG is served as JPEG)."""
        if self.mime_type == self.Kind.JPEG:
            stem, ext = os.path.splitext(self.original_name)
            if ext.lower() not in (".jpg", ".jpeg"):
                return f"{stem or 'photo'}.jpg"
        return self.original_name

    @property
    def is_image(self):
        return self.mime_type == self.Kind.JPEG
