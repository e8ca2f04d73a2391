"""The applications API for owners (create, save steps, submit, re-edit, withdraw) and staff (read).

Each view validates the shape of its input, calls one service and renders the result; errors are
the services' own ({"code","message","fields"}), the same the UI shows. Writes accept an
Idempotency-Key header (applications.api.idempotency).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from applications import selectors, services
from applications.api.idempotency import idempotent
from applications.api.serializers import (
    ApplicationListSerializer,
    ApplicationSerializer,
    CreateSerializer,
    StepSerializer,
    SubmitResultSerializer,
    WithdrawSerializer,
)
from applications.filters import ApplicationFilter
from applications.models import Application
from opske.ids import int_or_none
from opske.pagination import IdsFirstPagination

IDEMPOTENCY = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)


def submit_result(app: Application) -> dict:
    """SubmitResultSerializer's fields, built directly: a surge answers thousands of these and a
    ModelSerializer costs more than the rest of the response (same keys and formats; the schema
    still comes from the serializer)."""
    submitted_at = timezone.localtime(app.submitted_at) if app.submitted_at else None
    return {
        "id": app.pk,
        "call": app.call_id,
        "status": app.status,
        "status_label": app.get_status_display(),
        "protocol_number": app.protocol_number,
        "priority_seq": app.priority_seq,
        "submitted_at": submitted_at.strftime("%Y-%m-%dT%H:%M:%S.%f%z") if submitted_at else None,
        "requested_amount": f"{app.requested_amount:.2f}",
        "reserved_amount": f"{app.reserved_amount:.2f}",
        "pool": services.pool_code(app),
    }


def _detail(user, pk) -> dict:
    return ApplicationSerializer(selectors.application_get_for_user(user=user, pk=pk)).data


@extend_schema(tags=["applications"])
class ApplicationListCreateApi(generics.ListAPIView):
    serializer_class = ApplicationListSerializer

    def get_queryset(self):
        return selectors.applications_for_user(self.request.user)

    @extend_schema(
        request=CreateSerializer,
        responses={201: ApplicationSerializer},
        parameters=[IDEMPOTENCY],
        summary="Νέα αίτηση (προσωρινή αποθήκευση)",
    )
    def post(self, request):
        data = CreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)

        def create():
            app = services.application_create(
                actor=request.user,
                call_id=data.validated_data["call"],
                business_afm=data.validated_data.get("business_afm", ""),
            )
            return 201, _detail(request.user, app.pk)

        return idempotent(request, "applications.create", create)


@extend_schema(tags=["applications"])
class ApplicationDetailApi(APIView):
    @extend_schema(responses=ApplicationSerializer, summary="Μία αίτηση")
    def get(self, request, pk):
        return Response(_detail(request.user, pk))

    @extend_schema(request=StepSerializer, responses=ApplicationSerializer, summary="Αποθήκευση βήματος")
    def patch(self, request, pk):
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.application_save_step(
            actor=request.user,
            application_id=pk,
            step=data.validated_data["step"],
            payload=data.validated_data["payload"],
        )
        return Response(_detail(request.user, pk))


class _ActionApi(APIView):
    action_name = ""

    def perform(self, request, pk):  # pragma: no cover - overridden
        raise NotImplementedError

    light_response = False

    def post(self, request, pk):
        # Another applicant's application: the service answers 404 (stored like any first answer).
        def run():
            app = self.perform(request, pk)
            if self.light_response:
                return 200, submit_result(app)
            return 200, _detail(request.user, pk)

        return idempotent(request, f"applications.{self.action_name}.{pk}", run)


@extend_schema(
    tags=["applications"],
    request=None,
    responses=SubmitResultSerializer,
    parameters=[IDEMPOTENCY],
    summary="Οριστικοποίηση (αριθμός, χρονοσφραγίδα, σειρά προτεραιότητας)",
)
class ApplicationSubmitApi(_ActionApi):
    """Answers with the submission's facts only (a surge endpoint: no nested reads)."""

    action_name = "submit"
    light_response = True

    def perform(self, request, pk):
        return services.application_submit(actor=request.user, application_id=pk)


@extend_schema(
    tags=["applications"],
    request=None,
    responses=ApplicationSerializer,
    parameters=[IDEMPOTENCY],
    summary="Επανεπεξεργασία (ΚΥΑ 7066 Άρθ. 6.7)",
)
class ApplicationReopenApi(_ActionApi):
    action_name = "reopen"

    def perform(self, request, pk):
        return services.application_reopen(actor=request.user, application_id=pk)


@extend_schema(
    tags=["applications"],
    request=WithdrawSerializer,
    responses=ApplicationSerializer,
    parameters=[IDEMPOTENCY],
    summary="Απόσυρση",
)
class ApplicationWithdrawApi(_ActionApi):
    action_name = "withdraw"

    def perform(self, request, pk):
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return services.application_withdraw(
            actor=request.user, application_id=pk, reason=data.validated_data.get("reason", "")
        )


@extend_schema(tags=["applications"], summary="Αιτήσεις ανά πρόσκληση (στελέχη, μόνο ανάγνωση)")
class StaffApplicationListApi(generics.ListAPIView):
    serializer_class = ApplicationListSerializer
    filterset_class = ApplicationFilter
    pagination_class = IdsFirstPagination

    def get_queryset(self):
        from opske.errors import PermissionDenied

        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Application.objects.none()
        if not selectors.can_read_all(self.request.user):
            raise PermissionDenied("Η λίστα αιτήσεων είναι για στελέχη.")
        qs = selectors.application_rows_for_staff(user=self.request.user, applicant=False)
        call = self.request.query_params.get("call")
        if (call_id := int_or_none(call or "")) is not None:
            qs = qs.filter(call_id=call_id)
        return qs
