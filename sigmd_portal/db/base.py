"""Django's PostgreSQL backend, with a health check that costs no round trip on a sound connection.

Connections persist between requests (CONN_MAX_AGE), saving a connect per request; but one the
server has ended meanwhile (a restart, an idle timeout, `pg_terminate_backend`) would fail the
next request with a 500. Django's CONN_HEALTH_CHECKS guards against that by sending `SELECT 1`
before each request's first query: a round trip on every request. Here the check asks the socket
first. An idle, sound connection has nothing to read, so it is used as it is. Anything readable
(the server's "terminating connection" message, the end of the stream) means the server spoke
out of turn: Django's `SELECT 1` then decides, and a dead connection is replaced before the
request's first query.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
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
