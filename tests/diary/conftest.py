import datetime as dt

import pytest

from tests.factories import CareTeamFactory, ProfileFactory, clinician_in, link_to_team

TODAY = dt.date.today()

# One valid body per entry type, as a phone would send it.
VALID = {
    "infections": {"kind": "otitis_media", "onset": str(TODAY - dt.timedelta(days=2)), "severity": "mild"},
    "symptoms": {
        "recorded_at": "2020-01-01T08:00:00+00:00",
        "symptoms": ["fever", "ear_pain"],
        "temperature_c": 38.2,
    },
    "treatments": {"kind": "antibiotic", "name": "Amoxicillin", "route": "oral", "started_on": str(TODAY)},
    "vaccinations": {"vaccine": "PCV20", "given_on": str(TODAY - dt.timedelta(days=30))},
    "labs": {
        "analyte": "IgM",
        "value": 18,
        "unit": "mg/dL",
        "reference_low": 40,
        "reference_high": 230,
        "collected_on": str(TODAY - dt.timedelta(days=10)),
    },
}
# A field each type lets you change, and a valid new value.
EDIT = {
    "infections": ("severity", "moderate"),
    "symptoms": ("severity", 4),
    "treatments": ("dose", "500 mg three times a day"),
    "vaccinations": ("notes", "left arm"),
    "labs": ("notes", "fasting"),
}
ENTRY_TYPES = list(VALID)


@pytest.fixture
def child(owner, teammate):
    """A child managed by both parents (owner and teammate)."""
    return ProfileFactory(display_name="Ada", date_of_birth=dt.date(2019, 5, 1), managed_by=[owner, teammate])


@pytest.fixture
def team(db):
    return CareTeamFactory(name="Children's Immunology")


@pytest.fixture
def clinician(team):
    return clinician_in(team, email="dr.okafor@hospital.org")


@pytest.fixture
def linked_child(child, team):
    link_to_team(child, team)
    return child
