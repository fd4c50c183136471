"""Signing in at /clinic/: password, then the authenticator code, back to the page asked for;
first-time set-up after a fresh password; sign-out ends the session on the server."""

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, clinician_in, totp_code, totp_code_of

from .conftest import signed_in, wrong_code

pytestmark = pytest.mark.django_db


def password_step(client: Client, email: str, password: str = PASSWORD, next_url: str = ""):
    data = {"login": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/clinic/sign-in/", data)


def test_password_then_code_lands_on_the_inbox(clinician, alert):
    client = Client()
    page = client.get("/clinic/sign-in/")
    assert page.status_code == 200 and b'name="password"' in page.content
    first = password_step(client, clinician.email)
    assert first["Location"] == "/clinic/sign-in/code/"
    assert "_auth_user_id" not in client.session  # not signed in before the code
    second = client.post(first["Location"], {"code": totp_code_of(clinician)})
    assert second["Location"] == "/clinic/"
    inbox = client.get("/clinic/")
    assert inbox.status_code == 200 and "Alert inbox" in inbox.content.decode()
    assert "Ada" in inbox.content.decode()


def test_the_sign_in_returns_to_the_page_asked_for(clinician, alert):
    client = Client()
    asked = client.get(f"/clinic/alerts/{alert.pk}/")
    assert asked["Location"] == f"/clinic/sign-in/?next=%2Fclinic%2Falerts%2F{alert.pk}%2F"
    first = password_step(client, clinician.email, next_url=f"/clinic/alerts/{alert.pk}/")
    second = client.post(first["Location"], {"code": totp_code_of(clinician)})
    assert second["Location"] == f"/clinic/alerts/{alert.pk}/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/clinic/", "//evil.example/clinic/", "/app/#/profiles"]
)
def test_a_next_outside_the_clinic_lands_on_the_inbox(clinician, next_url):
    client = Client()
    first = password_step(client, clinician.email, next_url=next_url)
    second = client.post(first["Location"], {"code": totp_code_of(clinician)})
    assert second["Location"] == "/clinic/"


def test_a_wrong_password_or_code_signs_nobody_in(clinician):
    client = Client()
    refused = password_step(client, clinician.email, password="not the password")
    assert refused.status_code == 400 and "_auth_user_id" not in client.session
    password_step(client, clinician.email)
    wrong = client.post("/clinic/sign-in/code/", {"code": wrong_code(clinician)})
    assert wrong.status_code == 400 and "Incorrect code" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    assert Client().get("/clinic/sign-in/code/")["Location"] == "/clinic/sign-in/"  # no pending login


def test_a_family_account_signing_in_at_the_clinic_is_told_where_it_belongs(owner):
    client = Client()
    password_step(client, owner.email)
    response = client.get("/clinic/")
    assert response.status_code == 403 and 'href="/app/"' in response.content.decode()


def test_a_new_clinician_sets_up_the_authenticator_after_a_fresh_password(team):
    newcomer = clinician_in(team, totp=False, email="dr.new@hospital.org")
    client = Client()
    with time_machine.travel(timezone.now(), tick=True) as clock:
        assert password_step(client, newcomer.email)["Location"] == "/clinic/"
        assert client.get("/clinic/")["Location"] == "/clinic/setup-2fa/"
        clock.shift(600)  # ten minutes later the password is no longer fresh
        assert (
            client.get("/clinic/setup-2fa/")["Location"]
            == "/clinic/reauthenticate/?next=%2Fclinic%2Fsetup-2fa%2F"
        )
        again = client.post("/clinic/reauthenticate/", {"password": PASSWORD, "next": "/clinic/setup-2fa/"})
        assert again["Location"] == "/clinic/setup-2fa/"
        page = client.get("/clinic/setup-2fa/")
        html = page.content.decode()
        secret = client.session["mfa.totp.secret"]
        assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
        assert "otpauth://totp/" in html
        wrong = client.post(
            "/clinic/setup-2fa/", {"code": "000000" if totp_code(secret) != "000000" else "1"}
        )
        assert wrong.status_code == 400 and not newcomer.has_totp()
        done = client.post("/clinic/setup-2fa/", {"code": totp_code(secret)})
        assert done.status_code == 200 and "Save your recovery codes now" in done.content.decode()
        assert newcomer.has_totp()
        assert client.get("/clinic/").status_code == 200
        assert client.get("/clinic/setup-2fa/")["Location"] == "/clinic/"


def test_sign_out_is_a_post_that_ends_the_session_on_the_server(clinician):
    client = signed_in(clinician)
    key = client.session.session_key
    assert client.get("/clinic/sign-out/").status_code == 405
    response = client.post("/clinic/sign-out/")
    assert response["Location"] == "/clinic/sign-in/"
    assert not Session.objects.filter(session_key=key).exists()
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert stolen.get("/clinic/")["Location"] == "/clinic/sign-in/"
