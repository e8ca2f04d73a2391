"""The beneficiary's verification requests (ΔΔΔ) over the API, read-only: the same scoped selectors
as the pages (another business's request is a 404 with the portal's error shape)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from verification.api.serializers import VerificationRequestListSerializer, VerificationRequestSerializer
from verification.selectors import requests as selectors


@extend_schema(tags=["verification"])
class VerificationRequestListApi(generics.ListAPIView):
    serializer_class = VerificationRequestListSerializer

    def get_queryset(self):
        return selectors.requests_for_user(self.request.user)


@extend_schema(tags=["verification"], responses=VerificationRequestSerializer)
class VerificationRequestDetailApi(APIView):
    def get(self, request, pk):
        return Response(
            VerificationRequestSerializer(selectors.request_get_for_user(user=request.user, pk=pk)).data
        )
