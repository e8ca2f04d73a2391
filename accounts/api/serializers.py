from rest_framework import serializers

from accounts.models import Business, BusinessActivity


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = BusinessActivity
        fields = ["code", "description", "kind"]


class MyBusinessSerializer(serializers.ModelSerializer):
    activities = ActivitySerializer(many=True, read_only=True)
    my_roles = serializers.SerializerMethodField()

    class Meta:
        model = Business
        fields = ["afm", "name", "legal_form", "is_active", "municipality", "activities", "my_roles"]

    def get_my_roles(self, business) -> list[str]:
        return sorted(self.context["roles_by_business"].get(business.pk, []))


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    kind = serializers.CharField()
    afm = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    businesses = MyBusinessSerializer(many=True)
