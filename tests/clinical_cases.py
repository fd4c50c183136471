"""One table of cases for the server's safety guidance and the PWA's offline urgency check.

Each case is data only — an age in days on the day of the reading, the entry type, a temperature,
codes, how many hours ago it was read — and the level both must give. tests/diary/test_guidance.py
runs it through the server; the browser half (the PWA's offline check in Chromium) runs the same
table. Ages sit on the clause boundaries: 3 months is 90 days or more here (dates of birth are
chosen so that no month length makes a case ambiguous).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple


class Case(NamedTuple):
    name: str
    age_days: int
    segment: str  # "symptoms" or "infections"
    temperature_c: float | None
    codes: tuple[str, ...]  # symptom codes, or (kind, severity) for an infection
    hours_ago: int
    level: str


CASES: tuple[Case, ...] = (
    Case("febrile 2-month-old, symptoms", 60, "symptoms", 38.3, ("fever",), 1, "urgent"),
    Case(
        "febrile 2-month-old, infection", 60, "infections", 38.5, ("upper_respiratory", "mild"), 1, "urgent"
    ),
    Case("2-month-old just below fever", 60, "symptoms", 37.9, (), 1, "routine"),
    Case("4-month-old at 38.5", 120, "symptoms", 38.5, ("fever",), 1, "routine"),
    Case("4-month-old at 39.0, symptoms", 120, "symptoms", 39.0, ("fever",), 1, "contact_care_team"),
    Case(
        "4-month-old at 39.0, infection",
        120,
        "infections",
        39.0,
        ("otitis_media", "mild"),
        1,
        "contact_care_team",
    ),
    Case("7-month-old at 39.5", 215, "symptoms", 39.5, ("fever",), 1, "routine"),
    Case("child at 40.0", 2000, "symptoms", 40.0, ("fever",), 1, "urgent"),
    Case("child at 39.9", 2000, "symptoms", 39.9, ("fever",), 1, "routine"),
    Case("adult at 35.9", 12000, "symptoms", 35.9, (), 1, "urgent"),
    Case("adult at 36.0", 12000, "infections", 36.0, ("sinusitis", "mild"), 1, "routine"),
    Case("adult infection at 40.2", 12000, "infections", 40.2, ("pneumonia", "moderate"), 1, "urgent"),
    Case("stiff neck", 3000, "symptoms", None, ("stiff_neck", "fever"), 1, "urgent"),
    Case("blue lips, read two days ago", 3000, "symptoms", None, ("blue_lips",), 48, "urgent"),
    Case("seizure 13 days ago", 3000, "symptoms", None, ("seizure",), 13 * 24, "urgent"),
    Case("seizure 20 days ago", 3000, "symptoms", None, ("seizure",), 20 * 24, "contact_care_team"),
    Case("meningitis", 3000, "infections", None, ("meningitis", "severe"), 1, "urgent"),
    Case(
        "life-threatening pneumonia",
        12000,
        "infections",
        None,
        ("pneumonia", "life_threatening"),
        1,
        "urgent",
    ),
    Case(
        "severe ear infection", 3000, "infections", None, ("otitis_media", "severe"), 1, "contact_care_team"
    ),
    Case("a cold", 3000, "infections", None, ("upper_respiratory", "mild"), 1, "routine"),
    Case("cough and runny nose", 3000, "symptoms", 37.2, ("cough", "runny_nose"), 1, "routine"),
)


def entry_for(case: Case, now: datetime) -> dict:
    """The case as a client would send it: the entry's fields and the profile's date of birth."""
    read_at = now - timedelta(hours=case.hours_ago)
    dob = read_at.date() - timedelta(days=case.age_days)
    if case.segment == "symptoms":
        entry: dict = {
            "symptoms": list(case.codes),
            "temperature_c": case.temperature_c,
            "recorded_at": read_at.isoformat(),
        }
    else:
        kind, severity = case.codes
        entry = {
            "kind": kind,
            "severity": severity,
            "onset": read_at.date().isoformat(),
            "resolved_on": None,
            "max_temperature_c": case.temperature_c,
            "hospitalized": False,
            "icu": False,
            "iv_antibiotics": False,
        }
    return {"segment": case.segment, "dob": dob.isoformat(), "entry": entry}
