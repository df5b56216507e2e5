from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ChecklistItem, ChecklistTemplate

# The admin site is for superusers only (portal/urls.py). A checklist version used by an
# inspection is shown read-only here, as its save()/delete() refuse any change anyway.


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ("order", "code", "section", "text", "basis", "major_criterion")

    def _editable(self, obj):
        return obj is None or obj.editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "version", "kind", "region", "status", "published_at", "used_at")
    list_filter = ("kind", "status", "code")
    search_fields = ("code", "name")
    raw_id_fields = ("region", "based_on")
    readonly_fields = ("status", "published_at", "used_at", "created_by", "created_at")
    inlines = [ChecklistItemInline]
    actions = ["new_version", "publish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.editable:
            return [f.name for f in self.model._meta.fields]
        if obj is not None:
            # code, region and version name the lineage: a new lineage is a new template
            return ("code", "region", "version", *self.readonly_fields)
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.editable) and super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        try:
            super().delete_queryset(request, queryset)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def _run(self, request, queryset, action):
        for template in queryset:
            try:
                action(template)
            except ValidationError as exc:
                self.message_user(request, f"{template}: {' '.join(exc.messages)}", messages.ERROR)

    @admin.action(description=_("Make a new draft version"))
    def new_version(self, request, queryset):
        self._run(request, queryset, lambda t: services.checklist_new_version(template=t, by=request.user))

    @admin.action(description=_("Publish (the current version retires)"))
    def publish(self, request, queryset):
        self._run(request, queryset, lambda t: services.checklist_publish(template=t, by=request.user))


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ("code", "section", "text", "template")
    list_filter = ("template__code", "template__status")
    search_fields = ("code", "section", "text")
    raw_id_fields = ("template",)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.template.editable:
            return [f.name for f in self.model._meta.fields]
        return ()

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.template.editable) and super().has_delete_permission(request, obj)
