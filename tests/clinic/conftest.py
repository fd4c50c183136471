"""The clinic's characters: a clinician of the team, one of another team, a family account,
and an anonymous visitor; clinicians sign in for real (password, then the TOTP code)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from care import evaluation
from care.models import Alert
from diary.models import InfectionEpisode, SymptomEntry
from tests.factories import (
    PASSWORD,
    CareTeamFactory,
    ProfileFactory,
    clinician_in,
    link_to_team,
    totp_code_of,
)


def today() -> dt.date:
    return timezone.localdate()


def csrf_token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def signed_in(user, *, client: Client | None = None) -> Client:
    """Through the clinic's own pages: the password, then the code from the authenticator."""
    client = client or Client()
    token = csrf_token_in(client.get("/clinic/sign-in/").content.decode())
    first = client.post(
        "/clinic/sign-in/", {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert first.status_code == 302, first.content.decode()[:2000]
    if first["Location"].startswith("/clinic/sign-in/code/"):
        token = csrf_token_in(client.get(first["Location"]).content.decode())
        code = totp_code_of(user)
        second = client.post(first["Location"], {"code": code, "csrfmiddlewaretoken": token})
        assert second.status_code == 302, second.content.decode()[:2000]
    return client


def family_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def severe_episode(profile, **fields) -> InfectionEpisode:
    fields = {"kind": "meningitis", "onset": today(), "severity": "severe", **fields}
    return InfectionEpisode.objects.create(profile=profile, **fields)


def red_flag_symptoms(profile, **fields) -> SymptomEntry:
    fields = {"recorded_at": timezone.now(), "symptoms": ["stiff_neck"], "severity": 8, **fields}
    return SymptomEntry.objects.create(profile=profile, **fields)


def raise_alerts(profile) -> list[Alert]:
    """Evaluate the profile as the worker would; the alerts this raised (not those it updated)."""
    before = set(Alert.objects.filter(profile=profile).values_list("pk", flat=True))
    return [
        a
        for a in evaluation.profile_evaluate(profile=profile, on=today(), now=timezone.now())
        if a.pk not in before
    ]


@pytest.fixture
def alert(linked_child) -> Alert:
    severe_episode(linked_child, organism="Neisseria meningitidis")
    [alert] = raise_alerts(linked_child)
    return alert


@pytest.fixture
def other_team_clinician(db):
    return clinician_in(CareTeamFactory(name="Another hospital"), email="dr.other@elsewhere.org")


@pytest.fixture
def other_teams_alert(other_team_clinician) -> Alert:
    profile = ProfileFactory(display_name="Zed")
    link_to_team(profile, other_team_clinician.care_teams.get())
    severe_episode(profile)
    [alert] = raise_alerts(profile)
    return alert


def wrong_code(user) -> str:
    right = totp_code_of(user)
    return "000000" if right != "000000" else "111111"


@pytest.fixture
def adult(owner, team):
    """A self-managing adult patient linked to the team."""
    profile = ProfileFactory(
        display_name="Sam", date_of_birth=dt.date(1985, 3, 3), relationship="self", managed_by=[owner]
    )
    link_to_team(profile, team)
    return profile


@pytest.fixture
def second_clinician(team):
    return clinician_in(team, email="nurse.ade@hospital.org")
