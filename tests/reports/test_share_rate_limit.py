"""The share page and its PDF are rate limited per client address, and a made-up token costs as
much as a real one: tokens cannot be probed faster than links can be used."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.conf import settings
from django.test import Client

from diary.models import AccessLogEntry
from sigmd_portal.throttles import ShareLinkThrottle
from tests.reports.test_share_links import create, path_of


@pytest.fixture
def page(owner, child, diary) -> str:
    response = create(owner, child)
    assert response.status_code == 201
    return path_of(response.json())


def made_up() -> str:
    return f"/share/{secrets.token_urlsafe(32)}/"


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_made_up_tokens_use_up_the_same_budget_as_real_ones(page, throttle_window):
    budget = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["share_link"].split("/")[0])
    prober = from_address("203.0.113.7")

    probes = [prober.get(made_up()).status_code for _ in range(budget)]
    refused = prober.get(page)

    assert probes == [404] * budget
    assert refused.status_code == 429
    assert prober.get(made_up()).status_code == 429
    assert prober.get(page + "report.pdf").status_code == 429
    assert not AccessLogEntry.objects.exists()  # the refused visit read nothing


def test_over_the_limit_a_plain_page_says_when_to_try_again(page, monkeypatch, throttle_window, time_machine):
    monkeypatch.setattr(ShareLinkThrottle, "THROTTLE_RATES", {"share_link": "3/min"})
    doctor = from_address("198.51.100.20")
    answers = [doctor.get(page).status_code, doctor.get(page + "report.pdf").status_code]
    answers.append(doctor.get(made_up()).status_code)

    refused = doctor.get(page)

    assert answers == [200, 200, 404]
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("text/html")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Referrer-Policy"] == "no-referrer"
    assert "no-store" in refused["Cache-Control"]
    html = refused.content.decode()
    assert "Too many requests" in html
    assert "Ada" not in html and "<script" not in html
    # Another address has a budget of its own, and a forged X-Forwarded-For buys none.
    assert from_address("198.51.100.21").get(page).status_code == 200
    assert doctor.get(page, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
    # A minute later the doctor is let in again.
    time_machine.shift(dt.timedelta(seconds=int(refused["Retry-After"])))
    assert doctor.get(page).status_code == 200


def test_behind_a_proxy_the_access_log_and_the_limit_see_the_doctors_address(
    child, page, settings, monkeypatch, throttle_window
):
    settings.SIGMD_TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(ShareLinkThrottle, "THROTTLE_RATES", {"share_link": "1/min"})
    proxy = from_address("10.0.0.1")

    first = proxy.get(page, HTTP_X_FORWARDED_FOR="198.51.100.30")
    again = proxy.get(page, HTTP_X_FORWARDED_FOR="198.51.100.30")
    colleague = proxy.get(page, HTTP_X_FORWARDED_FOR="198.51.100.31")

    assert [first.status_code, again.status_code, colleague.status_code] == [200, 429, 200]
    logged = AccessLogEntry.objects.filter(profile=child).order_by("at")
    assert [row.ip_address for row in logged] == ["198.51.100.30", "198.51.100.31"]
