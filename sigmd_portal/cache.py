"""The shared cache on Redis, failing open to a per-process memory cache while Redis is away.

Throttles, allauth's rate limits and the wrong-code limiter count in the cache. If every cache
call raised while Redis is down, every request would answer 500; instead each call that cannot
reach Redis is served by a local memory cache, so limits still hold per process, and Redis is
not tried again for a few seconds (a dead Redis costs one short timeout, not one per call).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError as RedisResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
T = TypeVar("T")
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER_SECONDS = 5.0


class FailOpenRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._local = LocMemCache(f"fail-open-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def redis_reachable(self) -> bool:
        """False while calls are being served locally (the last attempt at Redis failed)."""
        return time.monotonic() >= self._down_until

    def ping(self) -> bool:
        """Ask Redis itself, bypassing the fallback (for /readyz)."""
        try:
            return bool(self._cache.get_client(write=False).ping())  # type: ignore[attr-defined]  # RedisCache's client, untyped
        except UNREACHABLE:
            return False

    def redis_only(self, name: str, *args: Any, **kwargs: Any) -> tuple[bool, Any]:
        """Call Redis itself, never the per-process fallback: (True, its answer), or (False, None)
        while Redis is away. For what every process must agree on (a session's copy: one kept in
        a single process's memory could outlive the session's end in the others)."""
        return self._on_redis(lambda: getattr(RedisCache, name)(self, *args, **kwargs))

    def redis_script(self, script: str, key: str, *args: Any) -> tuple[bool, Any]:
        """Run a Lua script on one key in Redis, in one round trip: (True, its answer), or
        (False, None) while Redis is away or cannot run scripts."""
        full_key = self.make_and_validate_key(key)
        client = self._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]  # RedisCache's client, untyped
        try:
            return self._on_redis(lambda: client.register_script(script)(keys=[full_key], args=list(args)))
        except RedisResponseError:  # scripting disabled on this server: not an outage
            log.warning("Redis refused a Lua script", exc_info=True)
            return False, None

    def _on_redis(self, call: Callable[[], T]) -> tuple[bool, T | None]:
        if not self.redis_reachable:
            return False, None
        try:
            result = call()
        except UNREACHABLE:
            self._mark_down()
            return False, None
        if self._down_until:
            self._mark_up()
        return True, result

    def _either(self, name: str, *args: Any, **kwargs: Any) -> Any:
        reached, result = self.redis_only(name, *args, **kwargs)
        return result if reached else getattr(self._local, name)(*args, **kwargs)

    def _mark_down(self) -> None:
        with self._lock:
            was_up = self._down_until == 0.0
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
        if was_up:
            log.warning("Redis cache unreachable: serving the cache from process memory")

    def _mark_up(self) -> None:
        with self._lock:
            self._down_until = 0.0
        log.info("Redis cache reachable again")


def _fail_open(name: str) -> Callable[..., Any]:
    def method(self: FailOpenRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._either(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
):
    setattr(FailOpenRedisCache, _name, _fail_open(_name))
