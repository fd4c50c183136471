"""Clinicians: 30 minutes idle, 12 hours in all; families: a sliding 30 days. The browser's
session and the X-Session-Token alike. Deactivating an account ends its sessions for good."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tests.factories import add_totp, clinician_in, totp_code

APP = "/_allauth/app/v1"
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def token_for(user, secret: str | None = None) -> str:
    client = APIClient()
    login = client.post(f"{APP}/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    token = login.json()["meta"]["session_token"]
    if secret:
        with time_machine.travel(timezone.now(), tick=False):  # make and check the code at one instant
            login = client.post(
                f"{APP}/auth/2fa/authenticate",
                {"code": totp_code(secret)},
                format="json",
                HTTP_X_SESSION_TOKEN=token,
            )
        token = login.json()["meta"]["session_token"]
    assert login.status_code == 200, login.json()
    return token


def me(token: str) -> int:
    return APIClient().get("/api/v1/me", HTTP_X_SESSION_TOKEN=token).status_code


@pytest.fixture
def doctor(team):
    user = clinician_in(team, totp=False, email="dr.time@hospital.org")
    user.secret = add_totp(user)
    return user


def test_a_clinician_token_ends_after_30_idle_minutes(doctor):
    with time_machine.travel(START, tick=False) as clock:
        token = token_for(doctor, doctor.secret)
        clock.shift(dt.timedelta(minutes=29))
        assert me(token) == 200
        clock.shift(dt.timedelta(minutes=29))  # in use: the idle clock starts again
        assert me(token) == 200
        clock.shift(dt.timedelta(minutes=31))
        assert me(token) == 401


def test_a_clinician_token_ends_after_12_hours_however_busy(doctor):
    with time_machine.travel(START, tick=False) as clock:
        token = token_for(doctor, doctor.secret)
        for _ in range(28):  # a request every 25 minutes for 11 h 40 min
            clock.shift(dt.timedelta(minutes=25))
            assert me(token) == 200
        clock.shift(dt.timedelta(minutes=25))
        assert me(token) == 401


def test_a_clinician_browser_session_ends_after_30_idle_minutes(doctor):
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(doctor)
        assert client.get("/api/v1/me").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        assert client.get("/api/v1/me").status_code in (401, 403)
        assert "_auth_user_id" not in client.session


def test_the_limits_are_settings(settings, doctor):
    settings.SIGMD_CLINICIAN_IDLE_SECONDS = 120
    with time_machine.travel(START, tick=False) as clock:
        token = token_for(doctor, doctor.secret)
        clock.shift(dt.timedelta(minutes=3))
        assert me(token) == 401


def test_a_family_session_slides_for_30_days_of_use(owner):
    with time_machine.travel(START, tick=False) as clock:
        token = token_for(owner)
        for _ in range(4):  # used every 25 days: never signed out
            clock.shift(dt.timedelta(days=25))
            assert me(token) == 200
        clock.shift(dt.timedelta(days=31))
        assert me(token) == 401


def test_deactivating_an_account_ends_its_sessions_and_they_never_come_back(owner):
    token = token_for(owner)
    browser = Client()
    browser.force_login(owner)

    owner.is_active = False
    owner.save()
    owner.is_active = True
    owner.save()

    assert me(token) == 401
    assert browser.get("/api/v1/me").status_code in (401, 403)


def test_other_people_keep_their_sessions_when_one_account_is_deactivated(owner, stranger):
    kept = token_for(stranger)
    owner.is_active = False
    owner.save()
    assert me(kept) == 200
