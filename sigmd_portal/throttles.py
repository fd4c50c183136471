"""DRF throttles that identify an anonymous client by `client_ip`, like everything else, and
count in Redis with one round trip.

DRF's throttle keeps each client's request times as one pickled list in the cache: it reads the
list, drops the times older than the window, and writes it back, two round trips per request.
Here the same times are a Redis list that one script trims, checks and appends to: one round
trip, the same rule (at most N requests in any window of the rate's length). While Redis is away
DRF's own code counts instead, in the fail-open cache's process memory, so limits hold per process.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from rest_framework import throttling

from .cache import FailOpenRedisCache
from .client_ip import client_ip
from .wrong_codes import slot_take

# KEYS[1]: the client's request times, newest first. ARGV: now, window seconds, limit.
# Answers {1, count} when the request is allowed (and recorded), {0, count, oldest} when not.
SLIDING_LOG = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
while true do
  local oldest = redis.call('LINDEX', key, -1)
  if not oldest or tonumber(oldest) > now - window then break end
  redis.call('RPOP', key)
end
local count = redis.call('LLEN', key)
if count >= limit then
  return {0, count, redis.call('LINDEX', key, -1)}
end
redis.call('LPUSH', key, ARGV[1])
redis.call('EXPIRE', key, math.ceil(window))
return {1, count + 1}
"""


class OneRoundTripMixin:
    """The sliding log of DRF's SimpleRateThrottle, kept in Redis by one script."""

    rate: str | None
    key: str | None
    now: float
    duration: int
    num_requests: int
    _log: tuple[int, float] | None = None  # (requests in the window, the oldest's time) when refused

    def allow_request(self, request: Any, view: Any) -> bool:
        self._log = None
        cache = caches["default"]
        if self.rate is None or not isinstance(cache, FailOpenRedisCache):
            return super().allow_request(request, view)  # type: ignore[misc]  # DRF's throttle, after this mixin in the MRO
        self.key = self.get_cache_key(request, view)  # type: ignore[attr-defined]  # as above
        if self.key is None:
            return True
        self.now = self.timer()  # type: ignore[attr-defined]  # as above
        reached, answer = cache.redis_script(
            SLIDING_LOG, f"{self.key}:log", repr(self.now), self.duration, self.num_requests
        )
        if not reached:
            return super().allow_request(request, view)  # type: ignore[misc]  # counted in process memory
        if answer[0]:
            return True
        self._log = (int(answer[1]), float(answer[2]))
        return False

    def wait(self) -> float | None:
        """DRF's advice (Retry-After): the time until the oldest request leaves the window."""
        if self._log is None:
            return super().wait()  # type: ignore[misc]  # DRF's own, when DRF counted
        count, oldest = self._log
        available = self.num_requests - count + 1
        if available <= 0:
            return None
        return (self.duration - (self.now - oldest)) / available


class ClientAddressMixin:
    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"


class AnonRateThrottle(OneRoundTripMixin, ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(OneRoundTripMixin, ClientAddressMixin, throttling.UserRateThrottle):
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
