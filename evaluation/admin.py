"""Read-only admin views: every change goes through evaluation.services (with its audit event)."""

from django.contrib import admin

from evaluation.models import (
    Assignment,
    ClarificationRequest,
    ConflictDeclaration,
    Decision,
    Evaluation,
    EvaluationRound,
    Objection,
    PreInclusionCheck,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyAdmin):
    list_display = ["call", "method", "state", "opened_at"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "evaluator", "role", "state", "automatic", "created_at"]
    list_filter = ["role", "state"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "has_conflict", "declared_at"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["application", "level", "state", "result", "final_result", "submitted_at"]
    list_filter = ["state", "level"]


@admin.register(ClarificationRequest)
class ClarificationRequestAdmin(ReadOnlyAdmin):
    list_display = ["application", "state", "requested_at", "due_on"]


@admin.register(PreInclusionCheck)
class PreInclusionCheckAdmin(ReadOnlyAdmin):
    list_display = ["application", "state", "passed", "prior_de_minimis", "checked_at"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = [
        "protocol_number",
        "kind",
        "state",
        "amount_total",
        "ada",
        "notified_at",
        "objection_deadline",
    ]
    list_filter = ["kind", "state"]
    search_fields = ["protocol_number", "ada"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["decision", "state", "filed_at", "filing_deadline", "decision_due"]
    list_filter = ["state"]
