"""The guidance in the answer to a write takes the diary around the entry into account: fevers
logged on earlier days (symptom entries and infections), a baby's recent vaccination. Only this
profile's entries count, not the entry itself, and the month is read in one query."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diary.guidance import POST_VACCINATION_NOTE
from diary.models import SymptomEntry
from diary.selectors import guidance_history
from tests.conftest import client_for
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


def log_fever(client, profile, days_ago: int, temperature: float = 38.2) -> dict:
    at = NOW - dt.timedelta(days=days_ago)
    body = {"recorded_at": at.isoformat(), "symptoms": ["fever"], "temperature_c": temperature}
    answer = client.post(f"/api/v1/profiles/{profile.id}/symptoms/", body, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()["guidance"]


def test_a_fever_logged_over_five_days_needs_a_same_day_assessment(owner, child):
    client = client_for(owner)
    assert log_fever(client, child, 4)["level"] == "routine"
    log_fever(client, child, 2)
    log_fever(client, child, 1)
    today = log_fever(client, child, 0)
    assert today["level"] == "contact_care_team"
    assert "5 days" in today["message"]


def test_an_infection_with_a_fever_temperature_counts_as_a_fever_day(owner, child):
    client = client_for(owner)
    infection = {
        "kind": "upper_respiratory",
        "onset": str((NOW - dt.timedelta(days=4)).date()),
        "severity": "mild",
        "max_temperature_c": 38.6,
    }
    assert (
        client.post(f"/api/v1/profiles/{child.id}/infections/", infection, format="json").status_code == 201
    )
    log_fever(client, child, 2)
    assert log_fever(client, child, 0)["level"] == "contact_care_team"


def test_fevers_in_another_profile_do_not_count(owner, child):
    sibling = ProfileFactory(display_name="Bea", date_of_birth=child.date_of_birth, managed_by=[owner])
    client = client_for(owner)
    for days_ago in (4, 2, 1):
        log_fever(client, sibling, days_ago)
    assert log_fever(client, child, 0)["level"] == "routine"


def test_a_fever_two_days_after_a_babys_vaccination_carries_the_note(owner):
    baby = ProfileFactory(date_of_birth=(NOW - dt.timedelta(days=130)).date(), managed_by=[owner])
    client = client_for(owner)
    vaccination = {"vaccine": "MenB", "given_on": str((NOW - dt.timedelta(days=1)).date())}
    assert (
        client.post(f"/api/v1/profiles/{baby.id}/vaccinations/", vaccination, format="json").status_code
        == 201
    )
    assert POST_VACCINATION_NOTE in log_fever(client, baby, 0, temperature=38.4)["message"]


def test_an_entry_without_a_fever_reads_nothing_of_the_month_around_it(owner, child):
    client = client_for(owner)
    body = {"recorded_at": NOW.isoformat(), "symptoms": ["cough"], "temperature_c": 37.1}
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(f"/api/v1/profiles/{child.id}/symptoms/", body, format="json")
    assert answer.status_code == 201 and answer.json()["guidance"]["level"] == "routine"
    assert not [q for q in queries if "diary_vaccination" in q["sql"]]  # the history's query


def test_the_entry_itself_is_not_its_own_history_and_the_month_is_one_query(owner, child):
    client = client_for(owner)
    for days_ago in (4, 2):
        log_fever(client, child, days_ago)
    entry = SymptomEntry.objects.get(recorded_at=NOW - dt.timedelta(days=2))
    with CaptureQueriesContext(connection) as queries:
        history = guidance_history(child, day=entry.recorded_at.date(), exclude=entry.pk)
    assert len(queries) == 1
    assert history.fever_days == ((NOW - dt.timedelta(days=4)).date(),)
