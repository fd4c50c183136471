"""The API's rate limits: at most N requests in any window of the rate's length, counted in
Redis in one round trip (sigmd_portal/throttles.py), and in process memory while Redis is away."""

import pytest
import redis.connection
from django.core.cache import caches

from sigmd_portal import throttles
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self, _throttle=None) -> float:
        return self.now


@pytest.fixture
def five_a_minute(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(throttles.UserRateThrottle, "THROTTLE_RATES", {"user": "5/min"})
    monkeypatch.setattr(throttles.UserRateThrottle, "timer", clock)
    return clock


def statuses(client, count: int) -> list[int]:
    return [client.get("/api/v1/me").status_code for _ in range(count)]


def test_five_a_minute_means_five_in_any_minute(require_redis, five_a_minute, owner):
    assert isinstance(caches["default"], throttles.FailOpenRedisCache)  # counted in Redis
    client, clock = client_for(owner), five_a_minute
    assert statuses(client, 3) == [200] * 3  # at 0 s
    clock.now += 40
    assert statuses(client, 3) == [200, 200, 429]  # at 40 s: five in the last minute
    refused = client.get("/api/v1/me")
    assert refused.status_code == 429
    assert 19 <= int(refused["Retry-After"]) <= 21  # the first three leave the window at 60 s
    clock.now += 20.5  # 60.5 s: the three of 0 s have left the window, the two of 40 s have not
    assert statuses(client, 4) == [200, 200, 200, 429]


def test_a_request_is_counted_in_one_redis_round_trip(require_redis, five_a_minute, owner, monkeypatch):
    client = client_for(owner)  # signed in without a session: the throttle is the request's only Redis use
    assert statuses(client, 1) == [200]  # Redis has learnt the script
    sent = []
    original = redis.connection.AbstractConnection.send_packed_command
    monkeypatch.setattr(
        redis.connection.AbstractConnection,
        "send_packed_command",
        lambda self, *args, **kwargs: sent.append(1) or original(self, *args, **kwargs),
    )
    assert statuses(client, 1) == [200]
    assert len(sent) == 1


def test_each_person_has_a_budget_of_their_own(require_redis, five_a_minute, owner, stranger):
    assert statuses(client_for(owner), 6) == [200] * 5 + [429]
    assert statuses(client_for(stranger), 5) == [200] * 5


def test_limits_hold_in_process_memory_while_redis_is_away(redis_away, five_a_minute, owner):
    assert statuses(client_for(owner), 7) == [200] * 5 + [429] * 2
