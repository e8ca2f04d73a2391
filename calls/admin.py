"""Django admin for calls: read-mostly. Writes to status and versions go through the staff UI services."""

from django.contrib import admin
from django.utils.html import format_html_join

from calls import models
from calls.versioning import diff_snapshots


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PoolInline(ReadOnlyInline):
    model = models.BudgetPool
    fields = ["code", "label", "year", "amount", "reserved", "committed"]
    readonly_fields = fields


class AreaInline(ReadOnlyInline):
    model = models.EligibleArea
    fields = ["level", "region", "regional_unit", "municipality", "pool"]
    readonly_fields = fields


class VersionInline(ReadOnlyInline):
    model = models.CallVersion
    fields = ["number", "label", "decision_ref", "created_at", "created_by"]
    readonly_fields = fields


@admin.register(models.Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "legal_act"]
    search_fields = ["code", "title"]


@admin.register(models.Call)
class CallAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "status",
        "evaluation_method",
        "submission_opens_at",
        "submission_closes_at",
    ]
    list_filter = ["status", "evaluation_method", "aid_regime", "applicant_kind"]
    search_fields = ["code", "title"]
    readonly_fields = ["status", "current_version", "published_at", "created_at", "updated_at"]
    inlines = [PoolInline, AreaInline, VersionInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.CallVersion)
class CallVersionAdmin(admin.ModelAdmin):
    list_display = ["call", "number", "label", "decision_ref", "created_at"]
    list_filter = ["call"]
    readonly_fields = [
        "call",
        "number",
        "label",
        "reason",
        "decision_ref",
        "created_by",
        "created_at",
        "changes",
    ]
    exclude = ["snapshot", "schema_version"]

    @admin.display(description="Αλλαγές σε σχέση με την προηγούμενη έκδοση")
    def changes(self, obj):
        previous = obj.call.versions.filter(number=obj.number - 1).first()
        if previous is None:
            return "—"
        rows = [(c.path, c.before, c.after) for c in diff_snapshots(previous.snapshot, obj.snapshot)]
        if not rows:
            return "Καμία αλλαγή"
        return format_html_join("", "<div><code>{}</code>: {} → {}</div>", rows)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (
    models.KadRule,
    models.UnitRate,
    models.ExpenseCategory,
    models.BudgetGroupLimit,
    models.RequiredAttachment,
    models.CallDeadline,
    models.EvaluationCriterion,
    models.PlacementService,
    models.AnnualAllocation,
):

    @admin.register(model)
    class _Admin(admin.ModelAdmin):
        list_filter = ["call"]
