from django.contrib import admin

from operations.models import (
    Modification,
    Obligation,
    ObligationCheck,
    Operation,
    OperationBudgetLine,
    OperationVersion,
)


class ReadOnly(admin.ModelAdmin):
    """Operations change only through their services (audit trail, versions): the admin reads."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BudgetLineInline(admin.TabularInline):
    model = OperationBudgetLine
    extra = 0
    can_delete = False
    readonly_fields = ("category", "label", "amount")


@admin.register(Operation)
class OperationAdmin(ReadOnly):
    list_display = ("code", "business", "call", "state", "starts_on", "ends_on", "approved_total")
    list_filter = ("state", "call")
    search_fields = ("code", "business__name", "business__afm")
    inlines = [BudgetLineInline]


@admin.register(Modification)
class ModificationAdmin(ReadOnly):
    list_display = ("protocol_number", "operation", "type_code", "severity", "state", "submitted_at")
    list_filter = ("state", "severity")


admin.site.register(OperationVersion, ReadOnly)
admin.site.register(Obligation, ReadOnly)
admin.site.register(ObligationCheck, ReadOnly)
