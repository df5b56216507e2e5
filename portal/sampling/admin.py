from django.contrib import admin

from .models import Sample


@admin.register(Sample)
class SampleAdmin(admin.ModelAdmin):
    list_display = ("title", "content_type", "population_size", "n", "percent", "drawn_size", "region",
                    "drawn_by", "drawn_at")
    list_filter = ("content_type",)
    search_fields = ("title",)
    raw_id_fields = ("region", "drawn_by")

    # a recorded draw is evidence: readable, never edited
    def has_change_permission(self, request, obj=None):
        return False
