from django.contrib import admin

from .models import RegistryCall, RegistryWait


@admin.register(RegistryCall)
class RegistryCallAdmin(admin.ModelAdmin):
    list_display = ["started_at", "registry", "operation", "subject", "outcome", "http_status", "duration_ms"]
    list_filter = ["registry", "outcome"]
    search_fields = ["subject", "error_code", "request_id"]
    date_hierarchy = "started_at"

    # The call log is evidence: nobody edits or deletes it by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegistryWait)
class RegistryWaitAdmin(admin.ModelAdmin):
    list_display = [
        "registry",
        "operation",
        "content_type",
        "object_id",
        "status",
        "attempts",
        "first_failed_at",
    ]
    list_filter = ["registry", "status"]
    readonly_fields = [f.name for f in RegistryWait._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
