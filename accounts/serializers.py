from rest_framework import serializers

from sigmd_portal.api import StrictModelSerializer

from .models import SELF_SERVICE_ROLES, Role, User


class MeSerializer(StrictModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "role", "display_name"]
        read_only_fields = ["id", "email"]

    def validate_role(self, role: str) -> str:
        current = self.instance.role if self.instance else None
        if role == current:
            return role
        if current == Role.CLINICIAN or role not in SELF_SERVICE_ROLES:
            raise serializers.ValidationError("You can only switch between patient and caregiver.")
        return role
