"""Attachments through the API: list the call's documents and upload/delete them (multipart).

Same services, rules and error codes as the «Επισυναπτόμενα» step of the browser form, so an API
client can complete every application the UI can.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiTypes, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import selectors
from applications.attachments import (
    attachment_delete,
    attachment_get_for_user,
    attachment_rows,
    attachment_upload,
)
from opske.errors import ValidationFailed
from opske.ids import int_or_none


class AttachmentFileSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    file_name = serializers.CharField(source="original_name")
    size = serializers.IntegerField(help_text="bytes")
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class ApplicationAttachmentSerializer(serializers.Serializer):
    """One document of the call with its current files (`files`); `id`, `file_name`, `size`,
    `sha256` and `uploaded_at` describe the latest of them (kept for existing clients)."""

    id = serializers.IntegerField(source="upload.pk", allow_null=True, default=None)
    required_attachment = serializers.IntegerField(source="required.pk", allow_null=True, default=None)
    code = serializers.CharField(source="required.opske_code", allow_null=True, default=None)
    name = serializers.CharField(source="required.name", allow_null=True, default=None)
    mandatory = serializers.BooleanField(source="required.mandatory", default=False)
    file_name = serializers.CharField(source="upload.original_name", allow_null=True, default=None)
    size = serializers.IntegerField(source="upload.size", allow_null=True, default=None)
    sha256 = serializers.CharField(source="upload.sha256", allow_null=True, default=None)
    uploaded_at = serializers.DateTimeField(source="upload.uploaded_at", allow_null=True, default=None)
    max_files = serializers.IntegerField(source="required.max_files", allow_null=True, default=None)
    files = AttachmentFileSerializer(source="uploads", many=True)


def _rows(app) -> list[dict]:
    return ApplicationAttachmentSerializer(attachment_rows(app), many=True).data


class ApplicationAttachmentsApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=["applications"],
        summary="Δικαιολογητικά της αίτησης (απαιτούμενα και ανεβασμένα)",
        responses=ApplicationAttachmentSerializer(many=True),
    )
    def get(self, request, pk):
        app = selectors.application_get_for_user(user=request.user, pk=pk)
        return Response(_rows(app))

    @extend_schema(
        tags=["applications"],
        summary="Ανέβασμα δικαιολογητικού (PDF, JPEG ή PNG)",
        request=inline_serializer(
            "AttachmentUpload",
            {
                "required_attachment": serializers.IntegerField(),
                "file": serializers.FileField(),
                "replaces": serializers.IntegerField(
                    required=False, help_text="id of the current file of the document this one replaces"
                ),
            },
        ),
        responses={201: ApplicationAttachmentSerializer(many=True)},
    )
    def post(self, request, pk):
        app = selectors.application_get_for_user(user=request.user, pk=pk)
        file = request.FILES.get("file")
        required = request.data.get("required_attachment", "")
        fields = {}
        if file is None:
            fields["file"] = ["Επιλέξτε αρχείο."]
        if int_or_none(str(required)) is None:
            fields["required_attachment"] = ["Δηλώστε ποιο δικαιολογητικό ανεβάζετε (αριθμός)."]
        replaces = str(request.data.get("replaces", "") or "").strip()
        if replaces and int_or_none(replaces) is None:
            fields["replaces"] = ["Δηλώστε το αρχείο που αντικαθιστάτε με τον αριθμό του."]
        if fields:
            raise ValidationFailed(fields=fields)
        attachment_upload(
            actor=request.user,
            application_id=app.pk,
            required_attachment_id=int(required),
            file=file,
            replaces_id=int(replaces) if replaces else None,
        )
        return Response(_rows(app), status=201)


class ApplicationAttachmentDetailApi(APIView):
    @extend_schema(
        tags=["applications"],
        summary="Αφαίρεση δικαιολογητικού από το προσχέδιο",
        responses=OpenApiTypes.NONE,
    )
    def delete(self, request, pk, attachment_pk):
        attachment_get_for_user(user=request.user, application_id=pk, pk=attachment_pk)
        attachment_delete(actor=request.user, application_id=pk, attachment_id=attachment_pk)
        return Response(status=204)
