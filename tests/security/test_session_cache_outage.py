"""Sessions are read through a copy in Redis (accounts/session_store.py). Redis going away must
sign nobody out and take nothing down: the database answers instead. A session that ends while
Redis cannot be reached must stay ended when Redis answers again, even if Redis kept its copy."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts import session_store
from sigmd_portal import cache as fail_open
from tests.conftest import PASSWORD
from tests.diary.conftest import VALID

from .conftest import wait_until

pytestmark = [pytest.mark.proof, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db]
APP = "/_allauth/app/v1"


def sign_in(user) -> str:
    login = APIClient().post(f"{APP}/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert login.status_code == 200, login.json()
    return login.json()["meta"]["session_token"]


def me(token: str) -> tuple[int, int]:
    """GET /api/v1/me: its status, and how many times it read the session table."""
    with CaptureQueriesContext(connection) as queries:
        status = APIClient().get("/api/v1/me", HTTP_X_SESSION_TOKEN=token).status_code
    reads = [q for q in queries if q["sql"].startswith("SELECT") and '"django_session"' in q["sql"]]
    return status, len(reads)


@pytest.fixture
def quick_retry(monkeypatch):
    # After a failure the cache leaves Redis alone for a while (5 s): 2 s here, still long enough
    # that the sign-out below does not try Redis (a command sent to a frozen Redis would run
    # when it thaws, and the test would not show that this process writes the session's end).
    monkeypatch.setattr(fail_open, "RETRY_AFTER_SECONDS", 2.0)


def redis_answers_again() -> bool:
    return wait_until(lambda: caches["default"].redis_reachable, timeout=5, every=0.1)


def test_a_signed_in_phone_keeps_working_while_redis_is_stopped(own_redis, quick_retry, owner, child):
    token = sign_in(owner)
    assert me(token) == (200, 0)  # the session came from Redis's copy, not the database

    own_redis.stop()
    assert me(token) == (200, 1)  # from the database: still signed in
    created = APIClient().post(
        f"/api/v1/profiles/{child.id}/symptoms/", VALID["symptoms"], format="json", HTTP_X_SESSION_TOKEN=token
    )
    assert created.status_code == 201

    own_redis.start()  # empty: a crashed Redis loses its copies
    assert redis_answers_again()
    assert me(token) == (200, 1)  # read from the database, and copied to Redis again
    assert me(token) == (200, 0)
    print(
        "\nsession cache, Redis stopped: GET /api/v1/me 200 reading the session from the database "
        f"(Redis up: from its copy, 0 session queries); a diary write {created.status_code}; "
        "after Redis came back empty, one read from the database, then from the copy again"
    )


def test_a_session_ended_while_redis_is_unreachable_stays_ended_when_redis_answers(
    own_redis, quick_retry, owner
):
    token = sign_in(owner)
    assert me(token) == (200, 0)  # Redis holds a copy of the session

    own_redis.freeze()  # unreachable, but it keeps the copy
    assert me(token) == (200, 1)
    signed_out = APIClient().delete(f"{APP}/auth/session", HTTP_X_SESSION_TOKEN=token)
    assert signed_out.status_code == 401  # allauth's answer to a sign-out: no session any more
    assert me(token)[0] == 401

    own_redis.thaw()  # the copy is still in Redis
    assert redis_answers_again()
    assert me(token)[0] == 401
    # What any other process reads for this token now: the session's end, not its copy.
    assert caches["default"].get(session_store.KEY_PREFIX + token) == session_store.ENDED
    print(
        "\nsession cache, Redis frozen (keeping its copy): signed out meanwhile (401); once Redis "
        "answered again the token stayed refused (401) and Redis held the session's end, not its copy"
    )


def test_an_account_deactivated_while_redis_is_unreachable_is_signed_out_everywhere(
    own_redis, quick_retry, owner
):
    token = sign_in(owner)
    assert me(token) == (200, 0)

    own_redis.freeze()
    assert me(token) == (200, 1)
    owner.is_active = False
    owner.save()  # ends every session of the account (accounts/signals.py)
    owner.is_active = True
    owner.save()
    own_redis.thaw()
    assert redis_answers_again()

    assert me(token)[0] == 401  # re-activated, but the old session does not come back
    print("\nsession cache, Redis frozen: account deactivated and re-activated meanwhile; its old token 401")
