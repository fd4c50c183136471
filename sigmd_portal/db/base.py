"""Django's PostgreSQL backend, with a health check that costs no round trip on a sound connection.

Connections persist between requests (CONN_MAX_AGE), saving a connect per request; but one the
server has ended meanwhile (a restart, an idle timeout, `pg_terminate_backend`) would fail the
next request with a 500. Django's CONN_HEALTH_CHECKS guards against that by sending `SELECT 1`
before each request's first query: a round trip on every request. Here the check asks the socket
first. An idle, sound connection has nothing to read, so it is used as it is. Anything readable
(the server's "terminating connection" message, the end of the stream) means the server spoke
out of turn: Django's `SELECT 1` then decides, and a dead connection is replaced before the
request's first query.

Timestamps come back through psycopg's C loader. Django registers its own, a subclass of
psycopg's pure-Python loader (it parses each value with a regular expression, then sets the time
zone): about a tenth of a batch evaluation's CPU, and of a page of entries. The connection's time
zone is UTC (Django sets it), so the C loader's aware values are the same instants in the same
zone; Django's own is kept where the zone is another or the C loader is missing.
"""

from __future__ import annotations

import select
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db.backends.postgresql import base
from psycopg.types.string import TextLoader

try:  # psycopg's C extension (psycopg[binary]); its classes are not in the type stubs
    CTimestamptzLoader: Any = import_module("psycopg_binary._psycopg").TimestamptzLoader
except (ImportError, AttributeError):
    CTimestamptzLoader = None


class DatabaseWrapper(base.DatabaseWrapper):
    uuids_as_text = False  # see sigmd_portal.db.uuids_as_text

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = super().create_cursor(name)
        if CTimestamptzLoader is not None and settings.USE_TZ and self.timezone_name == "UTC":
            # The cursor's own map (Django's check on the connection's loader stays as it is).
            cursor.adapters.register_loader("timestamptz", CTimestamptzLoader)
        if self.uuids_as_text:
            cursor.adapters.register_loader("uuid", TextLoader)
        return cursor

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or getattr(connection, "broken", False):
            return False
        poller = select.poll()
        try:
            poller.register(connection.fileno(), select.POLLIN)
            spoke = bool(poller.poll(0))
        except (OSError, ValueError):  # no socket any more
            return False
        return not spoke or super().is_usable()
