"""With Redis away, the cache serves from process memory: the API keeps answering and rate
limits still hold (per process)."""

import pytest
from django.core.cache import cache

from tests.conftest import PASSWORD


def test_the_cache_still_counts_while_redis_is_away(redis_away):
    cache.add("attempts", 0, 60)
    assert [cache.incr("attempts") for _ in range(3)] == [1, 2, 3]
    assert cache.get("attempts") == 3
    assert cache.redis_reachable is False


@pytest.mark.django_db
def test_login_me_and_lists_answer_while_the_cache_is_away(redis_away, api, owner, child):
    login = api.post(
        "/_allauth/app/v1/auth/login", {"email": owner.email, "password": PASSWORD}, format="json"
    )
    assert login.status_code == 200
    token = login.json()["meta"]["session_token"]
    assert api.get("/api/v1/me", HTTP_X_SESSION_TOKEN=token).status_code == 200
    assert api.get("/api/v1/profiles/", HTTP_X_SESSION_TOKEN=token).status_code == 200


@pytest.mark.django_db
def test_allauth_login_limits_hold_per_process_while_the_cache_is_away(redis_away, api, owner):
    answers = [
        api.post(
            "/_allauth/app/v1/auth/login",
            {"email": owner.email, "password": "wrong password!"},
            format="json",
        )
        for _ in range(8)
    ]
    assert {answer.status_code for answer in answers} == {400}
    codes = [answer.json()["errors"][0]["code"] for answer in answers]
    # allauth's default: 5 failed logins per account per 5 minutes, then it stops checking.
    assert codes.count("too_many_login_attempts") == 3
