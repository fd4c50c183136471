"""No 500 from bad input: JSON nested too deep or too large is a 400 on every JSON endpoint,
allauth's included; the allauth endpoints this service does not use are not mounted."""

import pytest
from django.test import Client

from tests.conftest import client_for

DEEP = "[" * 5000 + "]" * 5000
ENDPOINTS = [
    "/_allauth/app/v1/auth/login",
    "/_allauth/app/v1/auth/signup",
    "/_allauth/browser/v1/auth/login",
    "/api/v1/profiles/",
    "/api/v1/me",
    "/api/v1/profiles/join",
]
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ENDPOINTS)
def test_json_nested_thousands_deep_is_a_400(path, owner):
    client = client_for(owner)
    response = client.generic("POST", path, DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "deeper" in response.json()["detail"]


def test_json_a_little_too_deep_is_refused_by_the_api_too(owner):
    thirty_three = "[" * 33 + "]" * 33
    response = client_for(owner).generic(
        "POST", "/api/v1/profiles/", thirty_three, content_type="application/json"
    )
    assert response.status_code == 400


def test_a_body_over_the_limit_is_a_400(settings, owner):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    body = '{"display_name": "' + "x" * 4000 + '"}'
    for path in ("/api/v1/profiles/", "/_allauth/app/v1/auth/login"):
        response = client_for(owner).generic("POST", path, body, content_type="application/json")
        assert response.status_code == 400, path
        assert "larger" in response.json()["detail"]


def test_ordinary_json_still_works(owner):
    response = client_for(owner).patch("/api/v1/me", {"display_name": "Ann"}, format="json")
    assert response.status_code == 200


def test_nan_is_not_json(owner):
    response = client_for(owner).generic(
        "POST", "/api/v1/profiles/", '{"display_name": NaN}', content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        f"/_allauth/{client}/v1/{rest}"
        for client in ("app", "browser")
        for rest in (
            "account/phone",
            "auth/phone/verify",
            "auth/phone/verify/resend",
            "auth/code/confirm",
        )
    ]
    + ["/_allauth/app/v1/tokens/refresh"],
)
def test_unused_allauth_endpoints_are_not_mounted(path):
    client = Client()
    assert client.get(path).status_code == 404
    assert client.post(path, {}, content_type="application/json").status_code == 404


def test_the_allauth_endpoints_in_use_are_still_mounted():
    client = Client()
    assert client.get("/_allauth/app/v1/auth/session").status_code == 401
    assert client.get("/_allauth/app/v1/config").status_code == 200
