"""Clinicians are made by operators, and see no patient data until TOTP is set up."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.models import CareTeam, User
from tests.conftest import PASSWORD
from tests.factories import add_totp, totp_code

APP = "/_allauth/app/v1"
pytestmark = pytest.mark.django_db


def test_add_clinician_creates_a_verified_clinician_and_the_team(monkeypatch):
    monkeypatch.setenv("SIGMD_PASSWORD", PASSWORD)
    call_command("add_clinician", email="Dr.Lee@Hospital.org", team="Leeds Immunology")
    user = User.objects.get(email="dr.lee@hospital.org")
    assert user.role == "clinician"
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    assert list(user.care_teams.values_list("name", flat=True)) == ["Leeds Immunology"]

    # Run again for a second team: same account, two teams, no duplicates.
    call_command("add_clinician", email="dr.lee@hospital.org", team="Leeds Immunology")
    call_command("add_clinician", email="dr.lee@hospital.org", team="Children's Immunology")
    assert CareTeam.objects.count() == 2
    assert user.care_teams.count() == 2


def test_add_clinician_refuses_a_patient_address(monkeypatch, owner):
    monkeypatch.setenv("SIGMD_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="already has a caregiver account"):
        call_command("add_clinician", email=owner.email, team="Team")
    owner.refresh_from_db()
    assert owner.role == "caregiver"


def test_add_clinician_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("SIGMD_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("add_clinician", email="dr@hospital.org", team="Team")
    assert not User.objects.filter(email="dr@hospital.org").exists()


def test_a_clinician_without_totp_is_told_to_set_it_up(monkeypatch):
    monkeypatch.setenv("SIGMD_PASSWORD", PASSWORD)
    call_command("add_clinician", email="dr@hospital.org", team="Team")
    client = APIClient()
    login = client.post(
        f"{APP}/auth/login", {"email": "dr@hospital.org", "password": PASSWORD}, format="json"
    )
    assert login.status_code == 200
    token = login.json()["meta"]["session_token"]

    assert client.get("/api/v1/me", HTTP_X_SESSION_TOKEN=token).status_code == 200
    refused = client.get("/api/v1/profiles/", HTTP_X_SESSION_TOKEN=token)
    assert refused.status_code == 403
    assert refused.json()["code"] == "mfa_required"
    assert "two-factor" in refused.json()["detail"]


def test_a_clinician_with_totp_logs_in_with_a_code_and_sees_data(monkeypatch):
    monkeypatch.setenv("SIGMD_PASSWORD", PASSWORD)
    call_command("add_clinician", email="dr@hospital.org", team="Team")
    secret = add_totp(User.objects.get(email="dr@hospital.org"))
    client = APIClient()
    login = client.post(
        f"{APP}/auth/login", {"email": "dr@hospital.org", "password": PASSWORD}, format="json"
    )
    assert login.status_code == 401
    assert any(f["id"] == "mfa_authenticate" and f.get("is_pending") for f in login.json()["data"]["flows"])
    token = login.json()["meta"]["session_token"]
    # Not yet fully signed in.
    assert client.get("/api/v1/profiles/", HTTP_X_SESSION_TOKEN=token).status_code == 401

    done = client.post(
        f"{APP}/auth/2fa/authenticate",
        {"code": totp_code(secret)},
        format="json",
        HTTP_X_SESSION_TOKEN=token,
    )
    assert done.status_code == 200, done.json()
    token = done.json()["meta"]["session_token"]
    assert client.get("/api/v1/profiles/", HTTP_X_SESSION_TOKEN=token).status_code == 200
