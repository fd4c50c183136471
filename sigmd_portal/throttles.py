"""DRF throttles that identify an anonymous client by `client_ip`, like everything else."""

from rest_framework import throttling

from .client_ip import client_ip


class ClientAddressMixin:
    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass


class InvitationCodeThrottle(UserRateThrottle):
    """Every attempt at an invitation or sharing code, right or wrong, per person."""

    scope = "invitation_code"
