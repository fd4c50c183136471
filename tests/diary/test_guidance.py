import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diary.clinical import RED_FLAG_SYMPTOMS
from diary.guidance import (
    POST_VACCINATION_NOTE,
    History,
    guidance_for_infection,
    guidance_for_infusion,
    guidance_for_symptoms,
)
from tests.clinical_cases import CASES
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


# --- one table with the PWA's offline check ---------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_shared_table_of_cases_gets_its_level_from_the_server(case):
    dob = (NOW - dt.timedelta(hours=case.hours_ago)).date() - dt.timedelta(days=case.age_days)
    temperature = None if case.temperature_c is None else Decimal(str(case.temperature_c))
    read_at = NOW - dt.timedelta(hours=case.hours_ago)
    if case.segment == "symptoms":
        found = guidance_for_symptoms(
            symptoms=list(case.codes),
            temperature_c=temperature,
            recorded_at=read_at,
            date_of_birth=dob,
            now=NOW,
        )
    else:
        kind, severity = case.codes
        found = infection(
            kind=kind,
            severity=severity,
            onset=read_at.date(),
            max_temperature_c=temperature,
            date_of_birth=dob,
        )
    assert found.level == case.level


# --- the same levels from infection entries as from symptom entries ----------------------------


@pytest.mark.parametrize("temperature", ["35.5", "37.0", "38.0", "38.4", "39.0", "39.5", "40.0", "41.0"])
@pytest.mark.parametrize("age_days", [30, 89, 100, 150, 200, 3000, 12000])
def test_an_infections_temperature_gives_the_level_a_readings_does(temperature, age_days):
    dob = TODAY - dt.timedelta(days=age_days)
    reading = symptoms([], temperature, dob=dob)
    episode = infection(kind="upper_respiratory", max_temperature_c=Decimal(temperature), date_of_birth=dob)
    assert episode.level == reading.level


# --- call now, or "if this is happening now" ---------------------------------------------------


def test_call_now_only_for_a_reading_of_the_last_24_hours():
    fresh = guidance_for_symptoms(
        symptoms=["seizure"], temperature_c=None, recorded_at=NOW - dt.timedelta(hours=23),
        date_of_birth=SCHOOL_CHILD, now=NOW,
    )  # fmt: skip
    older = guidance_for_symptoms(
        symptoms=["seizure"], temperature_c=None, recorded_at=NOW - dt.timedelta(hours=25),
        date_of_birth=SCHOOL_CHILD, now=NOW,
    )  # fmt: skip
    assert fresh.level == older.level == "urgent"
    assert "now" in fresh.message and "If this is happening now" not in fresh.message
    assert "If this is happening now" in older.message and "tell your care team" in older.message
    assert "999" in fresh.message and "999" in older.message


# --- a fever over several days ------------------------------------------------------------------


def fever_on(*days_ago):
    return History(fever_days=tuple(TODAY - dt.timedelta(days=d) for d in days_ago))


def test_fever_on_entries_spanning_five_days_needs_a_same_day_assessment():
    assert symptoms(["fever"], 38.2, history=fever_on(4, 2, 1)).level == "contact_care_team"
    assert "same-day" not in symptoms(["fever"], 38.2, history=fever_on(3, 2, 1)).message
    assert symptoms(["fever"], 38.2, history=fever_on(3, 2, 1)).level == "routine"  # four days
    assert symptoms(["fever"], 38.2, history=fever_on(4, 1)).level == "contact_care_team"  # a 2-day gap
    assert symptoms(["fever"], 38.2, history=fever_on(5, 1)).level == "routine"  # a 3-day gap breaks it
    assert symptoms(["cough"], 37.0, history=fever_on(4, 3, 2, 1)).level == "routine"  # no fever today


def test_a_long_fever_on_infection_entries_counts_too():
    found = infection(max_temperature_c=Decimal("38.6"), history=fever_on(5, 3, 1))
    assert found.level == "contact_care_team" and "5 days" in found.message


# --- after a baby's vaccination ------------------------------------------------------------------

BABY = TODAY - dt.timedelta(days=130)


def test_a_fever_within_48_hours_of_an_infant_vaccination_keeps_its_level_and_adds_the_note():
    after = History(vaccinations=(("MenB", TODAY - dt.timedelta(days=1)),))
    plain = symptoms(["fever"], 38.4, dob=BABY)
    noted = symptoms(["fever"], 38.4, dob=BABY, history=after)
    assert noted.level == plain.level == "routine"
    assert POST_VACCINATION_NOTE in noted.message and POST_VACCINATION_NOTE not in plain.message
    assert "vaccines" in noted.articles
    amber = symptoms(["fever"], 39.2, dob=BABY, history=after)
    assert amber.level == "contact_care_team" and POST_VACCINATION_NOTE in amber.message


def test_no_vaccination_note_later_or_for_older_children():
    three_days = History(vaccinations=(("MenB", TODAY - dt.timedelta(days=3)),))
    assert POST_VACCINATION_NOTE not in symptoms(["fever"], 38.4, dob=BABY, history=three_days).message
    recent = History(vaccinations=(("PCV20", TODAY),))
    assert POST_VACCINATION_NOTE not in symptoms(["fever"], 38.4, dob=SCHOOL_CHILD, history=recent).message
    assert POST_VACCINATION_NOTE not in symptoms(["cough"], 37.0, dob=BABY, history=recent).message


# --- every level links its articles ---------------------------------------------------------------


def test_every_level_names_articles():
    assert "when-to-seek-urgent-care" in symptoms(["blue_lips"]).articles
    assert "when-to-seek-urgent-care" in infection(severity="severe").articles
    assert symptoms(["cough"]).articles == ["keeping-an-infection-diary"]
    assert "caring-for-a-child" in symptoms(["fever"], 38.1).articles


def test_an_infusion_with_a_red_flag_reaction_is_urgent():
    urgent = guidance_for_infusion(
        reactions=["face_or_throat_swelling"],
        route="subcutaneous",
        given_on=TODAY,
        date_of_birth=ADULT,
        now=NOW,
    )
    assert urgent.level == "urgent" and "immunoglobulin-infusions-at-home" in urgent.articles
    mild = guidance_for_infusion(
        reactions=["headache"], route="subcutaneous", given_on=TODAY, date_of_birth=ADULT, now=NOW
    )
    assert mild.level == "routine"


def test_a_headache_in_the_days_after_an_iv_infusion_needs_an_assessment_today():
    after_iv = guidance_for_infusion(
        reactions=["headache"],
        route="iv",
        given_on=TODAY - dt.timedelta(days=2),
        date_of_birth=ADULT,
        now=NOW,
    )
    assert after_iv.level == "contact_care_team" and "aseptic meningitis" in after_iv.message
    later = guidance_for_infusion(
        reactions=["headache"],
        route="iv",
        given_on=TODAY - dt.timedelta(days=5),
        date_of_birth=ADULT,
        now=NOW,
    )
    assert later.level == "routine"


@given(
    tenths=st.integers(min_value=300, max_value=450),
    age_days=st.integers(min_value=0, max_value=40000),
    days_ago=st.integers(min_value=0, max_value=30),
)
def test_any_reading_and_any_age_give_an_infection_the_level_of_a_symptom_entry(tenths, age_days, days_ago):
    temperature = Decimal(tenths) / 10
    on = TODAY - dt.timedelta(days=days_ago)
    dob = on - dt.timedelta(days=age_days)
    reading = symptoms([], float(temperature), dob=dob, on=on)
    episode = infection(kind="upper_respiratory", onset=on, max_temperature_c=temperature, date_of_birth=dob)
    assert episode.level == reading.level
