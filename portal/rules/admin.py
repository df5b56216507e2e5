from django.contrib import admin

from .models import Threshold


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin):
    list_display = ("name", "label", "value", "unit", "region", "effective_from", "created_by", "created_at")
    list_filter = ("name", "unit")
    search_fields = ("name", "label", "source")
    raw_id_fields = ("region", "created_by")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
