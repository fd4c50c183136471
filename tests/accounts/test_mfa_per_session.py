"""A clinician's session sees health data only if *it* passed the second factor; adding or
removing a factor ends every other session; enrolment asks for a fresh re-authentication."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tests.factories import add_totp, clinician_in, totp_code

APP = "/_allauth/app/v1"
pytestmark = pytest.mark.django_db


@pytest.fixture
def bare_clinician(team):
    """A clinician who has not set up an authenticator app yet."""
    return clinician_in(team, totp=False, email="dr.new@hospital.org")


def password_login(user) -> str:
    login = APIClient().post(f"{APP}/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert login.status_code == 200, login.json()
    return login.json()["meta"]["session_token"]


def totp_login(user, secret: str) -> str:
    # One instant for making the code and checking it: a 30-second step may not pass in between.
    with time_machine.travel(timezone.now(), tick=False):
        return _totp_login(user, secret)


def _totp_login(user, secret: str) -> str:
    client = APIClient()
    login = client.post(f"{APP}/auth/login", {"email": user.email, "password": PASSWORD}, format="json")
    assert login.status_code == 401
    token = login.json()["meta"]["session_token"]
    done = client.post(
        f"{APP}/auth/2fa/authenticate", {"code": totp_code(secret)}, format="json", HTTP_X_SESSION_TOKEN=token
    )
    assert done.status_code == 200, done.json()
    return done.json()["meta"]["session_token"]


def profiles(token: str):
    return APIClient().get("/api/v1/profiles/", HTTP_X_SESSION_TOKEN=token)


def reauthenticate(token: str) -> None:
    done = APIClient().post(
        f"{APP}/auth/reauthenticate", {"password": PASSWORD}, format="json", HTTP_X_SESSION_TOKEN=token
    )
    assert done.status_code == 200, done.json()


def enrol_totp(token: str) -> int:
    """Set up TOTP through the headless API, as the PWA or a native app would; returns the status."""
    client = APIClient()
    pending = client.get(f"{APP}/account/authenticators/totp", HTTP_X_SESSION_TOKEN=token)
    assert pending.status_code == 404, pending.json()  # not active yet: allauth offers a secret
    secret = pending.json()["meta"]["secret"]
    with time_machine.travel(timezone.now(), tick=False):
        return client.post(
            f"{APP}/account/authenticators/totp",
            {"code": totp_code(secret)},
            format="json",
            HTTP_X_SESSION_TOKEN=token,
        ).status_code


def test_a_password_only_session_stays_refused_after_totp_is_set_up_elsewhere(bare_clinician, linked_child):
    old_token = password_login(bare_clinician)
    assert profiles(old_token).json()["code"] == "mfa_required"

    add_totp(bare_clinician)  # set up from somewhere else (another device, the clinic page)

    refused = profiles(old_token)
    assert refused.status_code == 403
    assert refused.json()["code"] == "mfa_required"
    assert "sign in again" in refused.json()["detail"]


def test_a_session_that_passed_totp_sees_linked_patients(team, linked_child):
    clinician = clinician_in(team, totp=False, email="dr.b@hospital.org")
    secret = add_totp(clinician)
    token = totp_login(clinician, secret)
    response = profiles(token)
    assert response.status_code == 200
    assert str(linked_child.pk) in response.content.decode()


@pytest.mark.django_db(transaction=True)  # allauth signals the new authenticator after commit
def test_enrolling_ends_every_other_session_and_lets_the_enrolling_one_in(bare_clinician, linked_child):
    elsewhere = password_login(bare_clinician)
    enrolling = password_login(bare_clinician)
    reauthenticate(enrolling)

    assert enrol_totp(enrolling) == 200

    assert profiles(enrolling).status_code == 200  # it proved the new app's code
    assert profiles(elsewhere).status_code == 401  # ended: it may be an attacker's


def test_enrolment_needs_a_fresh_reauthentication(bare_clinician):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        token = password_login(bare_clinician)
        assert enrol_totp(token) == 401  # signing in is not enough: allauth asks for the password again
        reauthenticate(token)
        clock.shift(dt.timedelta(minutes=6))  # allauth's window for "recent" is 5 minutes
        assert enrol_totp(token) == 401
        assert not bare_clinician.has_totp()
        reauthenticate(token)
        assert enrol_totp(token) == 200
    assert bare_clinician.has_totp()


def test_removing_totp_ends_every_other_session(team, django_capture_on_commit_callbacks):
    clinician = clinician_in(team, totp=False, email="dr.c@hospital.org")
    secret = add_totp(clinician)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        elsewhere = totp_login(clinician, secret)
        clock.shift(dt.timedelta(seconds=31))  # a TOTP code is accepted once: wait for the next one
        here = totp_login(clinician, secret)
        reauthenticate(here)

        with django_capture_on_commit_callbacks(execute=True):
            removed = APIClient().delete(f"{APP}/account/authenticators/totp", HTTP_X_SESSION_TOKEN=here)

        assert removed.status_code == 200, removed.json()
        assert not clinician.has_totp()
        assert profiles(elsewhere).status_code == 401
        assert profiles(here).json()["code"] == "mfa_required"


def test_families_need_no_second_factor(owner, child):
    assert profiles(password_login(owner)).status_code == 200
