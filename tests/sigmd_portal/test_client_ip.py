"""One notion of the client's address, behind SIGMD_TRUSTED_PROXY_COUNT proxies, for DRF's
throttles, allauth's rate limits and the access log alike."""

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory
from rest_framework.request import Request

from sigmd_portal.client_ip import client_ip
from sigmd_portal.throttles import AnonRateThrottle

CASES = [
    # (trusted proxies, REMOTE_ADDR, X-Forwarded-For, the client)
    (0, "203.0.113.9", None, "203.0.113.9"),
    (0, "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # nobody trusted: a forged header is ignored
    (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
    (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client wrote 6.6.6.6 itself
    (2, "10.0.0.3", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
    (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
]


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "expected"), CASES)
def test_everyone_agrees_on_the_clients_address(settings, proxies, remote, forwarded, expected):
    settings.SIGMD_TRUSTED_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **extra)

    assert client_ip(request) == expected
    assert get_adapter().get_client_ip(request) == expected
    assert AnonRateThrottle().get_ident(Request(request)) == expected


@pytest.mark.django_db
def test_rotating_x_forwarded_for_does_not_buy_anonymous_requests(monkeypatch, api):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "5/min"})
    answers = [
        api.get("/api/v1/education/articles/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(12)
    ]
    print(f"rotating X-Forwarded-For: {answers.count(429)} of 12 anonymous requests throttled")
    assert answers.count(200) == 5
    assert answers.count(429) == 7
