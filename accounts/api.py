from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.generics import RetrieveUpdateAPIView

from .serializers import MeSerializer


@extend_schema(tags=["account"])
class MeView(RetrieveUpdateAPIView):
    """The signed-in person. `role` may switch only between patient and caregiver."""

    serializer_class = MeSerializer
    # Reachable before a clinician sets up TOTP: it holds no patient data.
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):  # type: ignore[no-untyped-def]
        return self.request.user
