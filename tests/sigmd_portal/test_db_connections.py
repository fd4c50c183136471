"""Database connections persist between requests. One the server ended meanwhile (a restart, an
idle timeout) is replaced before the next request uses it, so that request answers normally;
a sound one is used as it is, without a `SELECT 1` round trip first (sigmd_portal/db/base.py)."""

from __future__ import annotations

import json
import time
from typing import Any

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoPostgres
from django.test import RequestFactory

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def served(method: str, path: str, data: dict | None = None, token: str | None = None) -> tuple[int, Any]:
    """One request as gunicorn serves it: through the WSGI handler, whose request start and end
    are where Django checks and recycles its connections (the test client skips that)."""
    headers = {"X-Session-Token": token} if token else {}
    request = RequestFactory().generic(
        method, path, json.dumps(data or {}), content_type="application/json", headers=headers
    )
    statuses: list[str] = []

    def start_response(status: str, _headers: Any, _exc_info: Any = None) -> None:
        statuses.append(status)

    response = WSGIHandler()(request.environ, start_response)
    body = b"".join(response)
    response.close()
    try:
        return int(statuses[0].split()[0]), json.loads(body or b"null")
    except ValueError:  # an error page
        return int(statuses[0].split()[0]), body.decode()[:500]


def server_ends(pid: int) -> None:
    """End a connection's server process from outside, as a restart or an idle timeout does,
    and wait until it is gone."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
        password=settings["PASSWORD"] or None, dbname=settings["NAME"], autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            if admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone() is None:
                return
            time.sleep(0.05)
    raise AssertionError(f"backend {pid} did not end")


@pytest.fixture
def select_ones(monkeypatch) -> list[int]:
    """Counts the health check's `SELECT 1` round trips."""
    sent: list[int] = []
    original = DjangoPostgres.is_usable

    def counted(self) -> bool:
        sent.append(1)
        return original(self)

    monkeypatch.setattr(DjangoPostgres, "is_usable", counted)
    return sent


def test_a_connection_the_server_ended_is_replaced_before_the_next_request(
    require_postgres, select_ones, owner, child
):
    status, body = served("POST", "/_allauth/app/v1/auth/login", {"email": owner.email, "password": PASSWORD})
    assert status == 200
    token = body["meta"]["session_token"]
    assert served("GET", "/api/v1/profiles/", token=token)[0] == 200
    pid = connection.connection.info.backend_pid
    assert select_ones == []  # a sound connection: used as it is, no SELECT 1 first

    server_ends(pid)
    status, body = served("GET", "/api/v1/profiles/", token=token)

    assert status == 200, body
    assert [profile["id"] for profile in body["results"]] == [str(child.id)]
    assert connection.connection.info.backend_pid != pid  # a new connection answered
    assert select_ones == [1]  # the check asked the server only when the socket had news
