from django.contrib import admin

from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "content_type", "object_id", "mime_type", "size", "taken_at",
                    "uploaded_by", "uploaded_at")
    list_filter = ("mime_type", "content_type")
    search_fields = ("original_name", "sha256")
    raw_id_fields = ("uploaded_by",)
    readonly_fields = ("sha256", "size", "width", "height", "taken_at", "uploaded_at")
