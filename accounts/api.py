from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import ListAPIView, RetrieveUpdateAPIView

from .models import CareTeam
from .permissions import IsClinician
from .serializers import MeSerializer


@extend_schema(tags=["account"])
class MeView(RetrieveUpdateAPIView):
    """The signed-in person. `role` may switch only between patient and caregiver."""

    serializer_class = MeSerializer
    # Reachable before a clinician sets up TOTP: it holds no patient data.
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "patch", "head"]

    def get_object(self):
        return self.request.user


class CareTeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareTeam
        fields = ["id", "name", "escalation_delay_minutes", "created_at"]


@extend_schema(tags=["care teams"])
class CareTeamListView(ListAPIView):
    """The clinician's care teams."""

    serializer_class = CareTeamSerializer
    permission_classes = [IsClinician]

    def get_queryset(self):
        return CareTeam.objects.filter(memberships__user=self.request.user).order_by("name")
