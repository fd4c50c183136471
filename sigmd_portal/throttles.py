"""DRF throttles that identify an anonymous client by `client_ip`, like everything else, and
count atomically, in Redis with one round trip.

DRF's throttle keeps each client's request times as one pickled list in the cache: it reads the
list, drops the times older than the window, and writes it back, two round trips per request,
and requests arriving together all read the same list and all pass (50 parallel requests against
a limit of 30 were 50 answered). Here the same times are a Redis list that one script trims,
checks and appends to: one round trip, atomic, the same rule (at most N requests in any window
of the rate's length). Without Redis to ask (away, or a cache without it) each request takes a
slot with the cache's atomic add/incr (`slot_take`, as the wrong-code limit does) in fixed
windows of the rate's period, in the fail-open cache's process memory: limits hold per process.
"""

from __future__ import annotations

from collections.abc import Callable
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
    """The sliding log of DRF's SimpleRateThrottle kept in Redis by one script; fixed windows in
    the cache at hand without Redis. Either way atomic."""

    rate: str | None
    key: str | None
    now: float
    duration: int
    num_requests: int
    _log: tuple[int, float] | None = None  # (requests in the window, the oldest's time) when refused
    _window_ends: float = 0.0  # when counted in fixed windows
    # DRF's throttle's, after this mixin in the MRO (declared, not defined, here).
    get_cache_key: Callable[[Any, Any], str | None]
    timer: Callable[[], float]

    def allow_request(self, request: Any, view: Any) -> bool:
        self._log = None
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        cache = caches["default"]
        if isinstance(cache, FailOpenRedisCache):
            reached, answer = cache.redis_script(
                SLIDING_LOG, f"{self.key}:log", repr(self.now), self.duration, self.num_requests
            )
            if reached:
                if answer[0]:
                    return True
                self._log = (int(answer[1]), float(answer[2]))
                return False
        window = int(self.now // self.duration)
        self._window_ends = (window + 1) * self.duration
        return slot_take(f"{self.key}:{window}", self.duration) <= self.num_requests

    def wait(self) -> float | None:
        """DRF's advice (Retry-After): the time until the oldest request leaves the window, or
        until the fixed window ends."""
        if self._log is None:
            return max(1.0, self._window_ends - self.now)
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


class ClientAddressRateThrottle(OneRoundTripMixin, ClientAddressMixin, throttling.SimpleRateThrottle):
    """Every request from one client address, whoever is signed in (or nobody)."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ShareLinkThrottle(ClientAddressRateThrottle):
    """The share page and its PDF, per client address. Counted before the token is looked up,
    so an unknown token costs as much as a known one and tokens cannot be probed faster; it
    also bounds how many PDFs one address can have rendered."""

    scope = "share_link"
