"""An `X-Session-Token`'s session is read once per request, however many parts of the request
ask for it (the lifetime middleware, allauth, the API's authentication); with Redis it is read
from Redis's copy, not from the session table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
APP = "/_allauth/app/v1"


def sign_in(user) -> str:
    login = APIClient().post(f"{APP}/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert login.status_code == 200
    return login.json()["meta"]["session_token"]


def session_reads(path: str, token: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = APIClient().get(path, HTTP_X_SESSION_TOKEN=token).status_code
    reads = [q for q in queries if q["sql"].startswith("SELECT") and '"django_session"' in q["sql"]]
    return status, len(reads)


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/profiles/", f"{APP}/auth/session"])
def test_a_request_reads_its_token_session_once_from_the_database(settings, owner, path):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # no Redis
    token = sign_in(owner)
    assert session_reads(path, token) == (200, 1)


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/profiles/", f"{APP}/auth/session"])
def test_with_redis_a_request_reads_no_session_row(require_redis, owner, path):
    token = sign_in(owner)
    assert session_reads(path, token) == (200, 0)


def test_a_token_that_names_no_session_is_refused_after_one_read(settings, owner):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert session_reads("/api/v1/me", "no-such-session-token-0123456789") == (401, 1)
    assert session_reads(f"{APP}/auth/session", "no-such-session-token-0123456789") == (410, 1)
