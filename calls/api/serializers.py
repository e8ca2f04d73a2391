"""Read-only representations of calls for the public API."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from calls.models import (
    AnnualAllocation,
    BudgetPool,
    Call,
    CallDeadline,
    CallVersion,
    EligibleArea,
    EvaluationCriterion,
    ExpenseCategory,
    PlacementService,
    RequiredAttachment,
    UnitRate,
)


class PoolSerializer(serializers.ModelSerializer):
    remaining = serializers.SerializerMethodField()

    class Meta:
        model = BudgetPool
        fields = ["code", "label", "year", "share_percent", "amount", "reserved", "committed", "remaining"]

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2))
    def get_remaining(self, obj) -> Decimal:
        return str(obj.remaining)


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallVersion
        fields = ["number", "label", "reason", "decision_ref", "created_at"]


class AreaSerializer(serializers.ModelSerializer):
    pool = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = EligibleArea
        fields = ["level", "region", "regional_unit", "municipality", "pool"]


class AnnualSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualAllocation
        fields = ["year", "amount"]


class UnitRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitRate
        fields = ["code", "label", "rate_percent", "monthly_amount", "citation"]


class ExpenseCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpenseCategory
        fields = [
            "code",
            "name",
            "gber_article",
            "budget_group",
            "is_personnel",
            "flat_rate_percent",
            "aid_intensity_percent",
            "intensity_table",
        ]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequiredAttachment
        fields = [
            "opske_code",
            "name",
            "stage",
            "mandatory",
            "applies_to",
            "max_files",
            "max_file_mb",
            "allowed_extensions",
        ]


class DeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = CallDeadline
        fields = ["kind", "label", "length", "unit", "counting", "anchor", "roll_to_working_day", "citation"]


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationCriterion
        fields = ["code", "title", "kind", "group", "weight_percent", "max_score", "sub_criteria", "citation"]


class PlacementServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlacementService
        fields = ["code", "name", "regional_unit", "positions"]


class CallListSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    phase = serializers.SerializerMethodField()
    current_version = serializers.SerializerMethodField()
    pools = PoolSerializer(many=True, read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "code",
            "title",
            "programme",
            "aid_regime",
            "applicant_kind",
            "evaluation_method",
            "phase",
            "submission_opens_at",
            "submission_closes_at",
            "total_budget",
            "current_version",
            "pools",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=Call.Phase.choices))
    def get_phase(self, obj) -> str:
        return obj.phase

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_current_version(self, obj) -> int | None:
        return obj.current_version.number if obj.current_version_id else None


class CallDetailSerializer(CallListSerializer):
    current_version = VersionSerializer(read_only=True)
    versions = VersionSerializer(many=True, read_only=True)
    annual_allocations = AnnualSerializer(many=True, read_only=True)
    areas = AreaSerializer(many=True, read_only=True)
    unit_rates = UnitRateSerializer(many=True, read_only=True)
    expense_categories = ExpenseCategorySerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    deadlines = DeadlineSerializer(many=True, read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    placement_services = PlacementServiceSerializer(many=True, read_only=True)
    budget_limits = serializers.SerializerMethodField()

    class Meta(CallListSerializer.Meta):
        fields = [
            *CallListSerializer.Meta.fields,
            "summary",
            "gber_articles",
            "action_code",
            "call_code",
            "operation_code",
            "managing_authority",
            "implementing_body",
            "official_window_start",
            "official_window_end",
            "expenditure_eligibility_end",
            "min_project_budget",
            "max_project_budget",
            "pass_mark",
            "one_application_per_afm",
            "over_pool_policy",
            "tie_policy",
            "part_funding_allowed",
            "kad_list_mode",
            "kad_scope",
            "eligible_legal_forms",
            "eligible_sizes",
            "config",
            "versions",
            "annual_allocations",
            "areas",
            "unit_rates",
            "expense_categories",
            "budget_limits",
            "attachments",
            "deadlines",
            "criteria",
            "placement_services",
        ]

    @extend_schema_field(
        serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=2))
    )
    def get_budget_limits(self, obj) -> dict:
        return {limit.budget_group: str(limit.max_share_percent) for limit in obj.budget_limits.all()}
