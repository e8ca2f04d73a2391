"""Public, read-only API for calls (AllowAny): list with filters, and one call in full."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny

from calls import selectors
from calls.api.serializers import CallDetailSerializer, CallListSerializer
from calls.filters import CallFilterSet


@extend_schema(tags=["calls"], summary="Δημοσιευμένες προσκλήσεις")
class CallListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = CallListSerializer
    filterset_class = CallFilterSet

    def get_queryset(self):
        return selectors.call_list_public()


@extend_schema(tags=["calls"], summary="Μία πρόσκληση με ταμεία, τρέχουσα έκδοση και διαμόρφωση")
class CallDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = CallDetailSerializer

    def get_object(self):
        # NotFound (ApplicationError) renders as {"code": "not_found", ...}.
        return selectors.call_get_public(pk=self.kwargs["pk"])
