"""The session engine: sessions (browser cookies and `X-Session-Token`s alike) live in the
database and are read through a copy in Redis.

The database is the truth. Redis keeps a copy of each session for at most
`SIGMD_SESSION_CACHE_SECONDS`, so a request reads its session with one Redis GET instead of a
query. Only Redis itself is asked, never the cache's per-process fallback
(`FailOpenRedisCache.redis_only`): while Redis is away every read goes to the database and the
API keeps answering; no process keeps a copy of its own that could outlive a sign-out.

Ending a session leaves a marker in Redis (not just a deleted key), so a request that read the
session from the database a moment before cannot put a copy back afterwards (`add`, not `set`).
A marker that could not be written because Redis was away is written before this process next
reads through Redis; a copy another process reads meanwhile lives at most
`SIGMD_SESSION_CACHE_SECONDS` (see SECURITY.md).

Without Redis (the embedded setup) it is Django's database session store.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.core.cache import caches
from django.utils import timezone

from sigmd_portal.cache import FailOpenRedisCache

log = logging.getLogger(__name__)

KEY_PREFIX = "sigmd.session."
ENDED = "sigmd.session.ended"  # the marker an ended session leaves
# Markers not yet written (Redis was away when their sessions ended), oldest first.
_UNWRITTEN: dict[str, None] = {}
_UNWRITTEN_MAX = 10_000
_LOCK = threading.Lock()


def shared_cache() -> FailOpenRedisCache | None:
    cache = caches["default"]
    return cache if isinstance(cache, FailOpenRedisCache) else None


def _markers_write(cache: FailOpenRedisCache) -> None:
    if not _UNWRITTEN:
        return
    with _LOCK:
        keys = list(_UNWRITTEN)
    if not keys:
        return
    reached, _ = cache.redis_only(
        "set_many", dict.fromkeys(keys, ENDED), settings.SIGMD_SESSION_CACHE_SECONDS
    )
    if reached:
        with _LOCK:
            for key in keys:
                _UNWRITTEN.pop(key, None)


def _marker_remember(key: str) -> None:
    with _LOCK:
        _UNWRITTEN[key] = None
        while len(_UNWRITTEN) > _UNWRITTEN_MAX:
            _UNWRITTEN.pop(next(iter(_UNWRITTEN)))
    log.warning("session ended while Redis was away: its end is recorded in Redis once it is back")


def live(copy: Any) -> bool:
    """A copy is (the session's expiry, its data); past its expiry by our clock it is not used,
    whatever Redis still holds (its own expiry is only a bound on memory)."""
    return isinstance(copy, tuple) and len(copy) == 2 and copy[0] > timezone.now()


class SessionStore(DatabaseStore):
    def _copy_key(self, session_key: str) -> str:
        return KEY_PREFIX + session_key

    def _copy_seconds(self, expiry: datetime | None = None) -> int:
        """How long the copy may live: never past the session's own expiry."""
        return min(settings.SIGMD_SESSION_CACHE_SECONDS, self.get_expiry_age(expiry=expiry))

    def _copy_read(self, session_key: str) -> tuple[FailOpenRedisCache | None, Any]:
        cache = shared_cache()
        if cache is None:
            return None, None
        _markers_write(cache)  # before reading: an ended session's copy must not be served
        reached, copy = cache.redis_only("get", self._copy_key(session_key))
        return (cache if reached else None), copy

    def load(self) -> dict[str, Any]:
        if self.session_key is None:
            return {}  # nothing stored yet (SessionBase does not ask then)
        cache, copy = self._copy_read(self.session_key)
        if copy == ENDED:
            self._session_key = None  # as the database store does for a session not found
            return {}
        if live(copy):
            return copy[1]
        row = self._get_session_from_db()  # type: ignore[attr-defined]  # Django's own (cached_db uses it); not in the stubs
        if row is None:
            return {}
        data = self.decode(row.session_data)
        seconds = self._copy_seconds(row.expire_date)
        if cache is not None and seconds > 0:
            # `add`: if the session was saved or ended since we read the row, that copy stands.
            cache.redis_only("add", self._copy_key(row.session_key), (row.expire_date, data), seconds)
        return data

    def exists(self, session_key: str) -> bool:
        _, copy = self._copy_read(session_key)
        if copy == ENDED:
            return False
        return live(copy) or super().exists(session_key)

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)  # raises, and copies nothing, if the row is gone meanwhile
        cache = shared_cache()
        seconds = self._copy_seconds()
        if cache is not None and seconds > 0 and self.session_key is not None:
            copy = (self.get_expiry_date(), self._session)  # type: ignore[attr-defined]  # as above
            cache.redis_only("set", self._copy_key(self.session_key), copy, seconds)

    def delete(self, session_key: str | None = None) -> None:
        super().delete(session_key)
        session_key = session_key or self.session_key
        cache = shared_cache()
        if session_key is None or cache is None:
            return
        key = self._copy_key(session_key)
        reached, _ = cache.redis_only("set", key, ENDED, settings.SIGMD_SESSION_CACHE_SECONDS)
        if not reached:
            _marker_remember(key)
