from django.contrib import admin

from .models import DocumentNumber


@admin.register(DocumentNumber)
class DocumentNumberAdmin(admin.ModelAdmin):
    """Read and, when a paper register says otherwise, correct the last number of a sequence."""

    list_display = ("__str__", "prefix", "year", "kind", "region", "last_number")
    list_filter = ("year", "kind")
    search_fields = ("prefix",)
    raw_id_fields = ("region",)
