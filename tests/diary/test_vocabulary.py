"""GET /api/v1/vocabulary: one source of codes, labels and thresholds for every client."""

import datetime as dt

import pytest

from diary import clinical, guidance
from diary.models import InfectionEpisode, Profile, SymptomCode, Treatment, Vaccination

pytestmark = pytest.mark.django_db
URL = "/api/v1/vocabulary"


def test_anyone_reads_it_and_it_is_publicly_cacheable(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
    assert response["ETag"] == f'"{response.json()["version"]}"'


def test_a_stale_session_token_does_not_make_it_a_401(client):
    response = client.get(URL, HTTP_X_SESSION_TOKEN="not-a-real-token")
    assert response.status_code == 200


def test_the_etag_answers_304_and_nothing_else(client):
    etag = client.get(URL)["ETag"]
    again = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get(URL, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_it_has_the_shape_the_clients_rely_on(client):
    body = client.get(URL).json()
    assert set(body["enums"]) == {
        "infection_kind", "severity", "treatment_kind", "treatment_route", "vaccine", "analyte", "lab_unit",
        "sex", "relationship", "infusion_route", "titre_timing", "alert_status", "alert_priority",
    }  # fmt: skip
    assert body["temperature"] == {
        "red_flag_high_c": 40.0, "red_flag_low_c": 36.0, "fever_c": 38.0, "infant_fever_c": 38.0,
        "infant_months": 3, "amber_fever_c": 39.0, "amber_months": [3, 6],
    }  # fmt: skip
    assert (body["recent_days"], body["call_now_hours"], body["prolonged_fever_days"]) == (14, 24, 5)
    assert body["child_until_years"] == 18
    assert body["urgent_infection_kinds"] == ["meningitis", "sepsis"]
    assert body["urgent_severities"] == ["life_threatening"]
    assert body["emergency_numbers"]["default"] == "112" and body["emergency_numbers"]["GB"] == "999"
    assert set(body["guidance"]["messages"]) == {"urgent_now", "urgent_past", "contact_care_team", "routine"}
    assert [level["code"] for level in body["guidance"]["levels"]] == [
        "routine",
        "contact_care_team",
        "urgent",
    ]
    assert body["articles"]["urgent_care"] == "when-to-seek-urgent-care"


def test_the_models_and_the_vocabulary_share_one_set_of_codes_and_labels(client):
    enums = client.get(URL).json()["enums"]
    fields = {
        "infection_kind": InfectionEpisode._meta.get_field("kind"),
        "severity": InfectionEpisode._meta.get_field("severity"),
        "treatment_route": Treatment._meta.get_field("route"),
        "vaccine": Vaccination._meta.get_field("vaccine"),
        "sex": Profile._meta.get_field("sex"),
    }
    for name, field in fields.items():
        assert [tuple(c.values()) for c in enums[name]] == list(field.choices), name
    assert dict(SymptomCode.choices)["fatigue"] == "Tiredness"  # one word for families and clinicians


def test_red_flags_and_rules_come_from_the_clinical_module(client):
    body = client.get(URL).json()
    flagged = {s["code"] for s in body["symptoms"] if s["red_flag"]}
    assert flagged == set(clinical.RED_FLAG_SYMPTOMS) >= {"stiff_neck", "blue_lips", "seizure"}
    reactions = {r["code"] for r in body["infusion_reactions"] if r["red_flag"]}
    assert reactions == {"breathing_difficulty", "face_or_throat_swelling", "severe_headache_stiff_neck"}
    rules = {r["code"]: r for r in body["rules"]}
    assert rules["recurrent_ear_infections"]["child"] == {"count": 4, "window_days": 365, "enabled": True}
    assert rules["recurrent_ear_infections"]["adult"]["count"] == 2
    assert rules["frequent_antibiotic_courses"]["child"]["count"] == 5
    assert rules["frequent_antibiotic_courses"]["adult"]["count"] == 3
    for code in ("severe_infection", "red_flag_symptoms", "infusion_reaction"):
        assert (
            rules[code]["can_disable"],
            rules[code]["min_window_days"],
            rules[code]["max_window_days"],
        ) == (
            False,
            2,
            14,
        )
    assert rules["persistent_thrush"]["can_disable"] is True


def test_the_schema_documents_it(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    get = schema["paths"]["/api/v1/vocabulary"]["get"]
    assert {"200", "304"} <= set(get["responses"])
    properties = schema["components"]["schemas"]["Vocabulary"]["properties"]
    assert {"version", "enums", "symptoms", "temperature", "guidance", "rules", "emergency_numbers"} <= set(
        properties
    )


def test_the_offline_infusion_check_and_the_measurement_bounds_are_the_servers_own(client):
    """What the PWA's offline check says about an infusion, and the bounds its growth form
    enforces, are the very facts the server's guidance and validation use."""
    body = client.get(URL).json()
    infusion = body["infusion_guidance"]
    assert infusion["headache_reactions"] == sorted(clinical.HEADACHE_REACTIONS)
    assert infusion["no_reaction"] == "none_reported"
    assert (infusion["headache_route"], infusion["headache_watch_days"]) == ("iv", 3)
    labels = "Difficulty breathing or wheezing; Swelling of the face, lips or throat"
    said = guidance.guidance_for_infusion(
        reactions=["breathing_difficulty", "face_or_throat_swelling"],
        route="subcutaneous",
        given_on=dt.date(2026, 11, 24),
        date_of_birth=dt.date(2019, 5, 1),
        now=dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC),
    ).message
    assert said.startswith(infusion["red_flag_reason"].replace("{reactions}", labels))
    headache = guidance.guidance_for_infusion(
        reactions=["headache"],
        route="iv",
        given_on=dt.date(2026, 11, 22),
        date_of_birth=dt.date(2019, 5, 1),
        now=dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC),
    ).message
    assert headache.startswith(infusion["headache_reason"])
    assert body["measurement_limits"] == {
        "weight_kg": {"min": 0.2, "max": 400.0},
        "height_cm": {"min": 20.0, "max": 275.0},
    }
