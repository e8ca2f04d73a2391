"""Read-only admin of applications: changes go through the services (FSM + audit), never here."""

from django.contrib import admin

from applications.models import Application, Position, RegistrySnapshot, Submission


class _ReadOnly(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PositionInline(_ReadOnly):
    model = Position


class SubmissionInline(_ReadOnly):
    model = Submission
    exclude = ["snapshot"]


class SnapshotInline(_ReadOnly):
    model = RegistrySnapshot


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "call", "business", "person", "status", "priority_seq", "submitted_at"]
    list_filter = ["call", "status"]
    search_fields = ["protocol_number", "business__afm", "business__name", "amka"]
    inlines = [PositionInline, SubmissionInline, SnapshotInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
