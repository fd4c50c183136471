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


class ClientAddressRateThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    """Every request from one client address, whoever is signed in (or nobody)."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ShareLinkThrottle(ClientAddressRateThrottle):
    """The share page and its PDF, per client address. Counted before the token is looked up,
    so an unknown token costs as much as a known one and tokens cannot be probed faster; it
    also bounds how many PDFs one address can have rendered."""

    scope = "share_link"
