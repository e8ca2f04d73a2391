from collections import defaultdict

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import MeSerializer
from accounts.models import Membership
from accounts.selectors import businesses_for_user


class MeView(APIView):
    """Who am I: account kind, staff roles and the businesses I act for (with my roles there)."""

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve")
    def get(self, request):
        user = request.user
        businesses = list(businesses_for_user(user))
        roles_by_business = defaultdict(list)
        for business_id, role in Membership.objects.filter(
            user=user, state=Membership.State.ACTIVE, business__in=businesses
        ).values_list("business_id", "role"):
            roles_by_business[business_id].append(role)
        data = {
            "username": user.username,
            "kind": user.kind,
            "afm": user.afm,
            "full_name": user.get_full_name(),
            "roles": sorted(user.role_set()),
            "businesses": businesses,
        }
        return Response(MeSerializer(data, context={"roles_by_business": roles_by_business}).data)
