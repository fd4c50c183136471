"""DRF throttles that identify an anonymous client by `client_ip`, like everything else."""

from rest_framework import throttling

from .client_ip import client_ip
from .wrong_codes import slot_take


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


class AtomicRateThrottle(throttling.SimpleRateThrottle):
    """A DRF throttle (same scopes, rates and `wait()`) whose count cannot be raced. DRF's own
    reads its list of request times and writes it back, so requests arriving together all read
    the same list and all pass: 50 parallel requests against a limit of 30 were 50 answered.
    Here each request takes a slot with the cache's atomic add/incr (`slot_take`, as the
    wrong-code limit does) in fixed windows of the rate's period (a whole minute, hour...)."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        return slot_take(f"{key}:{window}", self.duration) <= self.num_requests

    def wait(self) -> float:
        return max(1.0, self.window_ends - self.now)


class ClientAddressRateThrottle(ClientAddressMixin, AtomicRateThrottle):
    """Every request from one client address, whoever is signed in (or nobody)."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ShareLinkThrottle(ClientAddressRateThrottle):
    """The share page and its PDF, per client address. Counted before the token is looked up,
    so an unknown token costs as much as a known one and tokens cannot be probed faster; it
    also bounds how many PDFs one address can have rendered."""

    scope = "share_link"
