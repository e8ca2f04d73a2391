"""Read-only admin views of the comparative evaluation: changes go through the services (audited)."""

from django.contrib import admin

from evaluation.comparative.models import Committee, ComparativeScore, RankingRun


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Committee)
class CommitteeAdmin(ReadOnly):
    list_display = ("name", "round", "chair", "appointment_ref")


@admin.register(ComparativeScore)
class ComparativeScoreAdmin(ReadOnly):
    list_display = ("application", "state", "total", "eligible_budget", "public_expenditure", "fundable")
    list_filter = ("state", "round")


@admin.register(RankingRun)
class RankingRunAdmin(ReadOnly):
    list_display = ("round", "number", "state", "budget", "needs_committee", "created_by", "created_at")
    list_filter = ("state",)
