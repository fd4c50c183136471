"""Sign up, verify by code, log in and reach the API — through both headless clients."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, last_code

APP = "/_allauth/app/v1"
BROWSER = "/_allauth/browser/v1"

pytestmark = pytest.mark.django_db


def test_app_client_signup_verify_login_and_me():
    client = APIClient()
    signup = client.post(
        f"{APP}/auth/signup", {"email": "Mia@Example.org", "password": PASSWORD}, format="json"
    )
    assert signup.status_code == 401
    flows = {flow["id"]: flow for flow in signup.json()["data"]["flows"]}
    assert flows["verify_email"].get("is_pending") is True
    pending_token = signup.json()["meta"]["session_token"]

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mia@example.org"]
    code = last_code()

    wrong = client.post(
        f"{APP}/auth/email/verify",
        {"key": "AAAAAA"},
        format="json",
        HTTP_X_SESSION_TOKEN=pending_token,
    )
    assert wrong.status_code == 400

    verify = client.post(
        f"{APP}/auth/email/verify", {"key": code}, format="json", HTTP_X_SESSION_TOKEN=pending_token
    )
    assert verify.status_code == 200, verify.json()
    token = verify.json()["meta"]["session_token"]

    me = client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=token)
    assert me.status_code == 200
    assert me.json()["email"] == "mia@example.org"
    assert me.json()["role"] == "patient"

    logout = client.delete(f"{APP}/auth/session", HTTP_X_SESSION_TOKEN=token)
    assert logout.status_code == 401
    assert client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=token).status_code == 401

    login = client.post(
        f"{APP}/auth/login", {"email": "mia@example.org", "password": PASSWORD}, format="json"
    )
    assert login.status_code == 200
    fresh = login.json()["meta"]["session_token"]
    assert client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=fresh).json()["email"] == "mia@example.org"


def test_an_unverified_account_cannot_reach_the_api():
    client = APIClient()
    signup = client.post(
        f"{APP}/auth/signup", {"email": "sam@example.org", "password": PASSWORD}, format="json"
    )
    pending_token = signup.json()["meta"]["session_token"]
    assert client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=pending_token).status_code == 401

    login = client.post(
        f"{APP}/auth/login", {"email": "sam@example.org", "password": PASSWORD}, format="json"
    )
    assert login.status_code in (400, 401)
    token = login.json().get("meta", {}).get("session_token")
    if token:
        assert client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=token).status_code == 401


def test_api_without_credentials_is_401_json():
    response = APIClient().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_browser_client_uses_session_cookie_and_enforces_csrf(owner):
    client = APIClient(enforce_csrf_checks=True)
    # The browser client hands out its CSRF cookie on the config/session endpoints.
    client.get(f"{BROWSER}/auth/session")
    csrf = client.cookies["csrftoken"].value

    refused = client.post(
        f"{BROWSER}/auth/login", {"email": owner.email, "password": PASSWORD}, format="json"
    )
    assert refused.status_code == 403

    login = client.post(
        f"{BROWSER}/auth/login",
        {"email": owner.email, "password": PASSWORD},
        format="json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert login.status_code == 200, login.json()
    assert "session_token" not in login.json().get("meta", {})  # no token for JavaScript to keep
    csrf = client.cookies["csrftoken"].value

    assert client.get("/api/v1/me").json()["email"] == owner.email
    without_csrf = client.patch("/api/v1/me", {"display_name": "Ann"}, format="json")
    assert without_csrf.status_code == 403
    with_csrf = client.patch("/api/v1/me", {"display_name": "Ann"}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert with_csrf.status_code == 200
    assert with_csrf.json()["display_name"] == "Ann"
