"""Verification requests (ΔΔΔ) as the beneficiary's API shows them (read-only)."""

from rest_framework import serializers

from opske.serializers import AmountSerializerField
from verification.models import ExpenditureItem, VerificationRequest


class ExpenditureItemSerializer(serializers.ModelSerializer):
    amount = AmountSerializerField()
    vat = AmountSerializerField()
    total_amount = AmountSerializerField(allow_null=True)

    class Meta:
        model = ExpenditureItem
        fields = [
            "id",
            "category",
            "description",
            "supplier_name",
            "supplier_afm",
            "document_number",
            "document_date",
            "amount",
            "vat",
            "total_amount",
            "payment_method",
            "payment_date",
            "payment_proof",
        ]


class VerificationRequestListSerializer(serializers.ModelSerializer):
    operation = serializers.CharField(source="operation.code")
    # Plain strings: their choices grow with the check's states (and «kind» collides in the schema).
    kind = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    kind_label = serializers.CharField(source="get_kind_display")
    declared_total = AmountSerializerField()

    class Meta:
        model = VerificationRequest
        fields = [
            "id",
            "operation",
            "seq",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "declared_total",
            "protocol_number",
            "submitted_at",
        ]


class VerificationRequestSerializer(VerificationRequestListSerializer):
    items = ExpenditureItemSerializer(many=True)
    warnings = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta(VerificationRequestListSerializer.Meta):
        fields = [*VerificationRequestListSerializer.Meta.fields, "items", "warnings"]
