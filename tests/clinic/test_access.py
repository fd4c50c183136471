"""Every clinic page: the team's clinician gets it, another team's clinician finds nothing,
a family account is told the clinic is for care teams, an anonymous visitor goes to sign-in."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from diary.models import AccessLogEntry, CareTeamInvitation
from tests.factories import clinician_in, totp_code_of

from .conftest import family_client, signed_in, wrong_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(team, clinician):
    return CareTeamInvitation.objects.create(
        team=team, code="ABCD2345", created_by=clinician, expires_at=timezone.now() + dt.timedelta(days=3)
    )


@pytest.fixture
def pages(alert, linked_child, team, invitation) -> dict[str, str]:
    """Pages about one team's things (404 for others) and pages everyone of a team has."""
    return {
        "alert": f"/clinic/alerts/{alert.pk}/",
        "patient": f"/clinic/patients/{linked_child.pk}/",
        "team": f"/clinic/teams/{team.pk}/",
        "invitation": f"/clinic/teams/{team.pk}/invitations/{invitation.pk}/",
    }


GENERAL_PAGES = ["/clinic/", "/clinic/patients/", "/clinic/inbox/status.json"]


def test_the_teams_clinician_opens_every_page(clinician, pages):
    client = signed_in(clinician)
    for path in [*GENERAL_PAGES, *pages.values()]:
        assert client.get(path).status_code == 200, path


def test_another_teams_clinician_finds_none_of_the_teams_things(other_team_clinician, pages, alert, team):
    client = signed_in(other_team_clinician)
    for path in pages.values():
        assert client.get(path).status_code == 404, path
    for path in (f"/clinic/alerts/{alert.pk}/acknowledge", f"/clinic/alerts/{alert.pk}/resolve"):
        assert client.post(path, {"note": "x", "confirmed": "on"}).status_code == 404
    assert client.post(f"/clinic/teams/{team.pk}/").status_code == 404
    assert client.post(f"/clinic/teams/{team.pk}/invitations/").status_code == 404
    for path in GENERAL_PAGES:
        response = client.get(path)
        assert response.status_code == 200 and b"Ada" not in response.content
    alert.refresh_from_db()
    assert alert.status == "open"
    assert not AccessLogEntry.objects.filter(actor=other_team_clinician).exists()


def test_a_family_account_is_told_the_clinic_is_for_care_teams(owner, pages):
    client = family_client(owner)
    for path in [*GENERAL_PAGES, *pages.values()]:
        response = client.get(path)
        assert response.status_code == 403, path
        html = response.content.decode()
        assert "The clinic is for care teams" in html and 'href="/app/"' in html
        assert "Ada" not in html


def test_anonymous_visitors_are_sent_to_the_clinics_sign_in(pages):
    for path in [*GENERAL_PAGES, *pages.values()]:
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/clinic/sign-in/"), response["Location"]
        if path != "/clinic/":
            assert "next=" in response["Location"]


def test_a_clinician_without_an_authenticator_sees_no_patient_until_set_up(team, pages):
    newcomer = clinician_in(team, totp=False, email="dr.new@hospital.org")
    client = signed_in(newcomer)
    for path in [*GENERAL_PAGES, *pages.values()]:
        assert client.get(path)["Location"] == "/clinic/setup-2fa/", path


def test_a_session_that_did_not_pass_the_second_factor_is_asked_for_the_code(clinician, pages, monkeypatch):
    client = Client()
    client.force_login(clinician)  # signed in some other way: no code in this session
    monkeypatch.setattr("care.clinic.access.session_passed_mfa", lambda request: False)
    monkeypatch.setattr("care.clinic.signin.session_passed_mfa", lambda request: False)
    response = client.get(pages["patient"])
    assert (
        response["Location"]
        == f"/clinic/verify/?next=%2Fclinic%2Fpatients%2F{pages['patient'].split('/')[3]}%2F"
    )
    form = client.get(response["Location"])
    assert form.status_code == 200 and b"Ada" not in form.content and b'name="code"' in form.content
    wrong = client.post(response["Location"], {"code": wrong_code(clinician)})
    assert wrong.status_code == 400
    right = client.post(response["Location"], {"code": totp_code_of(clinician)})
    assert right["Location"] == pages["patient"]
