"""Small helpers shared by the immune-record tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> str:
    return str(today() - dt.timedelta(days=n))


def results(response) -> list:
    """A list response's rows, whether or not the list is paginated."""
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def post(client, profile, kind: str, body: dict):
    return client.post(f"/api/v1/profiles/{profile.id}/{kind}/", body, format="json")


def summary(client, profile) -> dict:
    response = client.get(f"/api/v1/profiles/{profile.id}/summary")
    assert response.status_code == 200, response.json()
    return response.json()
