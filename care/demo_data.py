"""The demo's content as plain data: who the people are, their profiles and a year of diary
entries, each dated by how many days ago it happened. `manage.py load_demo` (care) writes it
through the services, so the demo is made the way a real account's data is.

Every key is stable: ids are uuid5 of the key, so a rerun recognises what it already wrote.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

DEMO_PASSWORD = "sigmd-demo-2026"  # noqa: S105 — demo accounts, DEBUG only
# base32 of b"SIgMD-demo-TOTP-2026": enter it in any authenticator app (TOTP, SHA-1, 6 digits, 30 s).
DEMO_TOTP_SECRET = "KNEWOTKEFVSGK3LPFVKE6VCQFUZDAMRW"  # noqa: S105 — demo clinician, DEBUG only
DEMO_NAMESPACE = uuid.UUID("5f1d7a52-3c0e-5b7e-9a41-2d6f0c8e5a13")

TEAM_NAME = "Demo Immunology Team"
CLINICIAN: dict[str, str] = {"email": "clinician@demo.sigmd.example", "display_name": "Dr Demo"}
PEOPLE: list[dict[str, Any]] = [
    {"key": "patient", "email": "patient@demo.sigmd.example", "role": "patient", "display_name": "Sam"},
    {
        "key": "parent",
        "email": "parent@demo.sigmd.example",
        "role": "caregiver",
        "display_name": "Jo (Maya and Leo's parent)",
    },
]
PROFILES: list[dict[str, Any]] = [
    {
        "key": "sam",
        "manager": "patient",
        "display_name": "Sam",
        "date_of_birth": date(1988, 6, 21),
        "sex": "female",
        "relationship": "self",
        "linked": True,
    },
    {
        "key": "maya",
        "manager": "parent",
        "display_name": "Maya",
        "date_of_birth": date(2019, 3, 14),
        "sex": "female",
        "relationship": "child",
        "linked": True,
        "contact_phone": "+44 20 7946 0123",
    },
    {
        "key": "leo",
        "manager": "parent",
        "display_name": "Leo",
        "date_of_birth": date(2023, 8, 2),
        "sex": "male",
        "relationship": "child",
        "linked": False,
    },
]

# Diary items: "infection" (an episode, that evening's symptom entry, and an antibiotic course
# if `antibiotic` is named), "lab" (mg/dL with the report's range) and "vaccination".

MAYA_DIARY: list[dict[str, Any]] = [
    dict(
        type="infection",
        key="maya/ear-1",
        kind="otitis_media",
        days_ago=335,
        lasted=9,
        severity="mild",
        temperature="38.4",
        symptoms=["fever", "ear_pain"],
        notes="Pulling at her left ear and up at night. GP saw a red eardrum.",
        antibiotic="Amoxicillin",
        dose="250 mg three times a day",
        course_days=7,
    ),
    dict(
        type="infection",
        key="maya/ear-2",
        kind="otitis_media",
        days_ago=248,
        lasted=10,
        severity="moderate",
        temperature="38.9",
        symptoms=["fever", "ear_pain", "runny_nose"],
        notes="Both ears this time, started after a cold from nursery.",
        antibiotic="Amoxicillin",
        dose="250 mg three times a day",
        course_days=10,
    ),
    dict(
        type="vaccination",
        key="maya/flu",
        vaccine="influenza",
        days_ago=160,
        notes="Yearly flu vaccine (nasal spray) at the GP.",
    ),
    dict(
        type="infection",
        key="maya/pneumonia",
        kind="pneumonia",
        days_ago=122,
        lasted=16,
        severity="moderate",
        temperature="39.0",
        symptoms=["cough", "fatigue", "fever"],
        notes="Fast breathing and high fever, so we went to the emergency department. The chest X-ray showed pneumonia on the right. Sent home with antibiotics.",
        antibiotic="Amoxicillin",
        dose="450 mg three times a day (high dose)",
        course_days=7,
        er_visit=True,
    ),
    dict(
        type="lab",
        key="maya/lab-1/igm",
        analyte="IgM",
        value="18",
        low="40",
        high="230",
        days_ago=110,
        notes="Low again. The immunologist says this fits selective IgM deficiency.",
    ),
    dict(type="lab", key="maya/lab-1/igg", analyte="IgG", value="820", low="500", high="1300", days_ago=110),
    dict(type="lab", key="maya/lab-1/iga", analyte="IgA", value="95", low="30", high="200", days_ago=110),
    dict(
        type="vaccination",
        key="maya/pcv20",
        vaccine="PCV20",
        days_ago=95,
        notes="Extra pneumococcal vaccine dose after the pneumonia, as the care team advised.",
    ),
    dict(
        type="infection",
        key="maya/ear-3",
        kind="otitis_media",
        days_ago=75,
        lasted=8,
        severity="mild",
        temperature="38.3",
        symptoms=["ear_pain", "fever"],
        notes="Ear pain after swimming lessons. Cleared up well.",
        antibiotic="Amoxicillin",
        dose="250 mg three times a day",
        course_days=7,
    ),
    dict(
        type="infection",
        key="maya/ear-4",
        kind="otitis_media",
        days_ago=26,
        lasted=9,
        severity="moderate",
        temperature="38.7",
        symptoms=["ear_pain", "fever", "runny_nose"],
        notes="Fourth ear infection this year. Some fluid came out of the right ear.",
        antibiotic="Amoxicillin",
        dose="250 mg three times a day",
        course_days=10,
    ),
    dict(
        type="lab",
        key="maya/lab-2/igm",
        analyte="IgM",
        value="21",
        low="40",
        high="230",
        days_ago=12,
        notes="Still below the normal range.",
    ),
]

LEO_DIARY: list[dict[str, Any]] = [
    dict(
        type="infection",
        key="leo/cold-1",
        kind="upper_respiratory",
        days_ago=300,
        lasted=6,
        severity="mild",
        temperature="37.9",
        symptoms=["cough", "runny_nose"],
        notes="Runny nose and a cough, like the rest of the nursery group.",
        confirmed=False,
    ),
    dict(
        type="infection",
        key="leo/cold-2",
        kind="upper_respiratory",
        days_ago=140,
        lasted=5,
        severity="mild",
        temperature="38.1",
        symptoms=["runny_nose", "fatigue"],
        notes="Sleepy and snotty for a few days, eating fine.",
        confirmed=False,
    ),
    dict(
        type="infection",
        key="leo/ear-1",
        kind="otitis_media",
        days_ago=55,
        lasted=8,
        severity="moderate",
        temperature="38.5",
        symptoms=["ear_pain", "fever"],
        notes="Crying and rubbing his ear. First ear infection.",
        antibiotic="Amoxicillin",
        dose="125 mg three times a day",
        course_days=7,
    ),
]

SAM_DIARY: list[dict[str, Any]] = [
    dict(
        type="infection",
        key="sam/sinus-1",
        kind="sinusitis",
        days_ago=290,
        lasted=14,
        severity="moderate",
        temperature="38.2",
        symptoms=["headache", "runny_nose", "sinus_pain"],
        notes="Pressure behind the eyes for over ten days. GP prescribed antibiotics.",
        antibiotic="Amoxicillin-clavulanate",
        dose="625 mg three times a day",
        course_days=10,
    ),
    dict(
        type="infection",
        key="sam/bronchitis",
        kind="bronchitis",
        days_ago=200,
        lasted=21,
        severity="mild",
        temperature="37.8",
        symptoms=["cough", "fatigue"],
        notes="Cough for three weeks. The GP said it was viral, no antibiotics needed.",
    ),
    dict(
        type="vaccination",
        key="sam/ppsv23",
        vaccine="PPSV23",
        days_ago=180,
        notes="Pneumococcal polysaccharide vaccine. Blood test of the response in 4 to 6 weeks.",
    ),
    dict(
        type="vaccination",
        key="sam/flu",
        vaccine="influenza",
        days_ago=170,
        notes="Yearly flu vaccine at the pharmacy.",
    ),
    dict(
        type="lab",
        key="sam/lab-1/igm",
        analyte="IgM",
        value="28",
        low="40",
        high="230",
        days_ago=150,
        notes="IgM below the normal range, as before.",
    ),
    dict(type="lab", key="sam/lab-1/igg", analyte="IgG", value="1040", low="700", high="1600", days_ago=150),
    dict(type="lab", key="sam/lab-1/iga", analyte="IgA", value="190", low="70", high="400", days_ago=150),
    dict(
        type="infection",
        key="sam/sinus-2",
        kind="sinusitis",
        days_ago=45,
        lasted=12,
        severity="moderate",
        temperature="38.4",
        symptoms=["headache", "sinus_pain"],
        notes="Second sinus infection this year. Told the immunology team at the visit.",
        antibiotic="Doxycycline",
        dose="100 mg twice a day",
        course_days=7,
    ),
]

DIARIES: dict[str, list[dict[str, Any]]] = {"maya": MAYA_DIARY, "leo": LEO_DIARY, "sam": SAM_DIARY}


def demo_id(key: str) -> uuid.UUID:
    """The fixed id of a demo row: the same on every run, on every machine."""
    return uuid.uuid5(DEMO_NAMESPACE, key)
