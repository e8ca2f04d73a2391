"""Serializers of the applications API: validate the shape of input, render output."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications import services
from applications.models import Application, BudgetLine, ClusterPartner, Position, RegistrySnapshot
from applications.services import STEPS
from opske.money import AmountError, parse_api_amount
from opske.serializers import AmountSerializerField


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = [
            "specialty",
            "qualifications",
            "category",
            "persons",
            "place_label",
            "place_region",
            "place_regional_unit",
            "place_municipality",
        ]


class PartnerSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="research | sme | large | other")

    class Meta:
        model = ClusterPartner
        fields = ["afm", "name", "kind", "size"]


class BudgetLineSerializer(serializers.ModelSerializer):
    amount = AmountSerializerField(max_digits=14)

    class Meta:
        model = BudgetLine
        fields = ["category", "description", "total_amount", "amount", "research_type", "dissemination"]


class BudgetFiguresSerializer(serializers.Serializer):
    """Call 004: what the budget table computes (§6.5.1, §7.2, §7.4, §7.5), as decimal strings."""

    total_budget = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="the whole plan")
    subsidised_budget = serializers.DecimalField(max_digits=14, decimal_places=2, source="subsidised_total")
    public_aid = serializers.DecimalField(max_digits=14, decimal_places=2)
    private_participation = serializers.DecimalField(max_digits=14, decimal_places=2)
    private_share_percent = serializers.DecimalField(max_digits=6, decimal_places=2)
    problems = serializers.SerializerMethodField(help_text="why the table cannot be submitted as it is")

    def get_problems(self, obj) -> list[dict]:
        return [{"code": v.code, "message": v.reason} for v in obj.violations]


class SnapshotSerializer(serializers.ModelSerializer):
    registry = serializers.CharField(read_only=True, help_text="aade | ergani | deminimis | dypa")
    status = serializers.CharField(read_only=True, help_text="ok | refused | manual")

    class Meta:
        model = RegistrySnapshot
        fields = ["registry", "status", "data", "fetched_at"]


APPLICATION_STATUSES = (
    "draft | submitted | reserve | under_evaluation | approved | approved_not_funded | rejected | withdrawn"
)


class ApplicationSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="call_id")
    kind = serializers.CharField(read_only=True, help_text="business | cluster | natural_person")
    status = serializers.CharField(read_only=True, help_text=APPLICATION_STATUSES)
    business_afm = serializers.CharField(source="business.afm", default=None)
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%S.%f%z", allow_null=True)
    positions = PositionSerializer(many=True)
    partners = PartnerSerializer(many=True)
    budget_lines = BudgetLineSerializer(many=True)
    registry = SnapshotSerializer(many=True, source="registry_snapshots")
    receipt_url = serializers.SerializerMethodField()
    budget = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "call",
            "kind",
            "business_afm",
            "status",
            "status_label",
            "title",
            "email",
            "data",
            "amka",
            "education",
            "placement_preferences",
            "protocol_number",
            "priority_seq",
            "submitted_at",
            "first_submitted_at",
            "requested_amount",
            "reserved_amount",
            "reopened_count",
            "positions",
            "partners",
            "budget_lines",
            "registry",
            "receipt_url",
            "budget",
        ]

    @extend_schema_field(BudgetFiguresSerializer(allow_null=True))
    def get_budget(self, obj) -> dict | None:
        if obj.kind != Application.Kind.CLUSTER:
            return None
        return BudgetFiguresSerializer(services.budget_check(obj)).data

    def get_receipt_url(self, obj) -> str | None:
        if obj.receipt_id and obj.receipt.state == "ready":
            return f"/documents/{obj.receipt_id}/download/"
        return None


class ApplicationListSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="call_id")
    kind = serializers.CharField(read_only=True, help_text="business | cluster | natural_person")
    status = serializers.CharField(read_only=True, help_text=APPLICATION_STATUSES)
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%S.%f%z", allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "call",
            "kind",
            "status",
            "status_label",
            "protocol_number",
            "priority_seq",
            "submitted_at",
            "requested_amount",
            "reserved_amount",
        ]


class CreateSerializer(serializers.Serializer):
    call = serializers.IntegerField()
    business_afm = serializers.CharField(required=False, allow_blank=True, max_length=9)


# Where a step's payload carries amounts: (list key, amount key, error field), or (None, key, field).
_STEP_AMOUNTS = {
    "budget": [("lines", "amount", "budget")],
    "de_minimis": [("grants", "amount", "de_minimis")],
    "person": [(None, "individual_income", "individual_income"), (None, "family_income", "family_income")],
}


class StepSerializer(serializers.Serializer):
    """A step's payload; its amounts are read the API way (JSON numbers or "1234.56", opske.money)
    here, so the service receives Decimals and reads only the pages' text in Greek notation."""

    step = serializers.ChoiceField(choices=STEPS)
    payload = serializers.DictField()

    def validate(self, attrs):
        payload = dict(attrs["payload"])
        for rows_key, key, field in _STEP_AMOUNTS.get(attrs["step"], []):
            if rows_key is None:
                payload[key] = self._amount(payload.get(key), field, "")
                continue
            rows = payload.get(rows_key)
            if isinstance(rows, list):
                payload[rows_key] = [
                    {**row, key: self._amount(row.get(key), field, f"Γραμμή {i}: ")}
                    if isinstance(row, dict)
                    else row
                    for i, row in enumerate(rows, 1)
                ]
        attrs["payload"] = payload
        return attrs

    @staticmethod
    def _amount(value, field: str, label: str):
        if value is None or value == "":
            return value
        try:
            return parse_api_amount(value)
        except AmountError as exc:
            raise serializers.ValidationError({field: [f"{label}{exc.message}"]}, code=exc.code) from None


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class SubmitResultSerializer(serializers.ModelSerializer):
    """What a final submission stamped: number, timestamp (microseconds), priority, reservation."""

    call = serializers.IntegerField(source="call_id")
    status = serializers.CharField(read_only=True, help_text=APPLICATION_STATUSES)
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%S.%f%z", allow_null=True)
    pool = serializers.CharField(source="pool.code", default=None)

    class Meta:
        model = Application
        fields = [
            "id",
            "call",
            "status",
            "status_label",
            "protocol_number",
            "priority_seq",
            "submitted_at",
            "requested_amount",
            "reserved_amount",
            "pool",
        ]
