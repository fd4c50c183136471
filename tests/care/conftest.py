import datetime as dt

import pytest

from tests.factories import CareTeamFactory, ProfileFactory, clinician_in, link_to_team


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


@pytest.fixture
def other_team_clinician(db):
    return clinician_in(CareTeamFactory(name="Another hospital"), email="dr.other@elsewhere.org")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a request would run after commit (task dispatch), as a real commit would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def teams(db):
    """Two teams with two clinicians each."""
    first, second = CareTeamFactory(name="North"), CareTeamFactory(name="South")
    for team in (first, second):
        clinician_in(team)
        clinician_in(team)
    return first, second
