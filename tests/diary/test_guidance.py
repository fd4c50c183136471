import datetime as dt
from decimal import Decimal

import pytest

from diary.clinical import RED_FLAG_SYMPTOMS
from diary.guidance import guidance_for_infection, guidance_for_symptoms
from tests.conftest import client_for

TODAY = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
ADULT = dt.date(1990, 1, 1)
SCHOOL_CHILD = dt.date(2018, 6, 1)


def symptoms(codes=(), temperature=None, dob=SCHOOL_CHILD, on=TODAY, history=None):
    t = None if temperature is None else Decimal(str(temperature))
    recorded_at = dt.datetime.combine(on, dt.time(11, 0), tzinfo=dt.UTC)
    return guidance_for_symptoms(
        symptoms=list(codes),
        temperature_c=t,
        recorded_at=recorded_at,
        date_of_birth=dob,
        now=NOW,
        history=history,
    )


def infection(**overrides):
    fields = {
        "kind": "otitis_media",
        "severity": "mild",
        "onset": TODAY,
        "resolved_on": None,
        "hospitalized": False,
        "icu": False,
        "iv_antibiotics": False,
        "max_temperature_c": None,
        "date_of_birth": SCHOOL_CHILD,
        "now": NOW,
    }
    return guidance_for_infection(**{**fields, **overrides})


@pytest.mark.parametrize("flag", sorted(RED_FLAG_SYMPTOMS))
def test_each_red_flag_sends_the_person_to_urgent_care_now(flag):
    guidance = symptoms([flag, "fever"])
    assert guidance.level == "urgent"
    assert "emergency" in guidance.message and "999" in guidance.message
    assert "when-to-seek-urgent-care" in guidance.articles


@pytest.mark.parametrize(
    ("temperature", "dob", "level"),
    [
        (38.0, TODAY - dt.timedelta(days=60), "urgent"),  # under 3 months, 38 °C
        (37.9, TODAY - dt.timedelta(days=60), "routine"),
        (38.0, dt.date(2026, 8, 24), "routine"),  # exactly 3 months old today: the infant clause ends
        (38.0, dt.date(2026, 8, 25), "urgent"),  # one day younger
        (39.0, dt.date(2026, 7, 1), "contact_care_team"),  # 3-6 months, 39 °C (NICE amber)
        (40.0, ADULT, "urgent"),
        (39.9, ADULT, "routine"),
        (35.9, ADULT, "urgent"),
        (36.0, ADULT, "routine"),
    ],
)
def test_temperature_rules_are_age_aware(temperature, dob, level):
    assert symptoms(["fever"], temperature, dob=dob).level == level


def test_a_routine_entry_still_names_the_red_flags():
    guidance = symptoms(["cough", "runny_nose"], 37.5)
    assert guidance.level == "routine"
    assert "blue lips" in guidance.message and "emergency number" in guidance.message


def test_a_backfilled_red_flag_is_not_sent_to_the_emergency_department():
    guidance = symptoms(["seizure"], on=TODAY - dt.timedelta(days=40))
    assert guidance.level == "contact_care_team"
    assert "happening now" in guidance.message


@pytest.mark.parametrize(
    ("overrides", "level"),
    [
        ({"kind": "meningitis"}, "urgent"),
        ({"kind": "sepsis", "severity": "severe"}, "urgent"),
        ({"severity": "life_threatening"}, "urgent"),
        ({"icu": True}, "contact_care_team"),  # already in hospital: not "call the emergency number"
        ({"max_temperature_c": Decimal("40.1")}, "urgent"),
        ({"severity": "severe"}, "contact_care_team"),
        ({"hospitalized": True}, "contact_care_team"),
        ({"iv_antibiotics": True}, "contact_care_team"),
        ({"kind": "pneumonia", "severity": "moderate"}, "contact_care_team"),
        (
            {
                "kind": "meningitis",
                "onset": TODAY - dt.timedelta(days=60),
                "resolved_on": TODAY - dt.timedelta(days=40),
            },
            "contact_care_team",
        ),
        ({}, "routine"),
    ],
)
def test_infection_guidance_levels(overrides, level):
    assert infection(**overrides).level == level


def test_a_pneumonia_offers_the_vaccine_article():
    assert "vaccines" in infection(kind="pneumonia").articles


@pytest.mark.django_db
def test_the_api_answers_a_red_flag_with_urgent_guidance_at_once(child, owner):
    from django.utils import timezone

    body = {"recorded_at": timezone.now().isoformat(), "symptoms": ["non_blanching_rash", "fever"]}
    response = client_for(owner).post(f"/api/v1/profiles/{child.id}/symptoms/", body, format="json")
    assert response.status_code == 201
    assert response.json()["guidance"]["level"] == "urgent"
    assert "emergency" in response.json()["guidance"]["message"]

    patched = client_for(owner).patch(
        f"/api/v1/profiles/{child.id}/symptoms/{response.json()['id']}/",
        {"symptoms": ["cough"]},
        format="json",
    )
    assert patched.json()["guidance"]["level"] == "routine"


@pytest.mark.django_db
def test_every_article_guidance_names_is_published():
    from django.core.management import call_command

    from diary import guidance
    from education.selectors import published_slugs

    call_command("sync_education", verbosity=0)
    assert published_slugs() >= guidance.ARTICLES_NAMED, guidance.ARTICLES_NAMED - published_slugs()
