import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import client_for, rows

from .conftest import VALID

pytestmark = pytest.mark.django_db
FUTURE = str(timezone.localdate() + dt.timedelta(days=3))
LATER = str(timezone.localdate() - dt.timedelta(days=1))
EARLIER = str(timezone.localdate() - dt.timedelta(days=9))

CASES = [
    ("infections", {"kind": "flu"}, "kind"),
    ("infections", {"severity": "awful"}, "severity"),
    ("infections", {"onset": FUTURE}, "onset"),
    ("infections", {"onset": LATER, "resolved_on": EARLIER}, "resolved_on"),
    ("infections", {"max_temperature_c": 29.9}, "max_temperature_c"),
    ("infections", {"max_temperature_c": 45.1}, "max_temperature_c"),
    ("infections", {"hospitalized": "perhaps"}, "hospitalized"),
    ("infections", {"is_admin": True}, "is_admin"),
    ("symptoms", {"temperature_c": 46}, "temperature_c"),
    ("symptoms", {"temperature_c": 29}, "temperature_c"),
    ("symptoms", {"severity": 11}, "severity"),
    ("symptoms", {"severity": -1}, "severity"),
    ("symptoms", {"symptoms": ["sneezing"]}, "symptoms"),
    ("symptoms", {"symptoms": [], "temperature_c": None}, "symptoms"),
    ("symptoms", {"recorded_at": "2999-01-01T00:00:00Z"}, "recorded_at"),
    ("symptoms", {"recorded_at": "yesterday"}, "recorded_at"),
    ("treatments", {"kind": "magic"}, "kind"),
    ("treatments", {"route": "nasal"}, "route"),
    ("treatments", {"started_on": FUTURE}, "started_on"),
    ("treatments", {"started_on": LATER, "ended_on": EARLIER}, "ended_on"),
    ("vaccinations", {"vaccine": "PCV7"}, "vaccine"),
    ("vaccinations", {"given_on": FUTURE}, "given_on"),
    ("labs", {"unit": "mmol/L"}, "unit"),
    ("labs", {"analyte": "IgZ"}, "analyte"),
    ("labs", {"value": -1}, "value"),
    ("labs", {"reference_low": 300, "reference_high": 40}, "reference_high"),
    ("labs", {"collected_on": FUTURE}, "collected_on"),
]


@pytest.mark.parametrize(("kind", "change", "field"), CASES)
def test_invalid_entries_are_400_naming_the_field_and_save_nothing(kind, change, field, child, owner):
    client = client_for(owner)
    response = client.post(f"/api/v1/profiles/{child.id}/{kind}/", {**VALID[kind], **change}, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert rows(client.get(f"/api/v1/profiles/{child.id}/{kind}/")) == []


def test_a_patch_is_checked_against_the_stored_values(child, owner):
    client = client_for(owner)
    created = client.post(
        f"/api/v1/profiles/{child.id}/infections/", {**VALID["infections"], "onset": LATER}, format="json"
    )
    entry = f"/api/v1/profiles/{child.id}/infections/{created.json()['id']}/"
    response = client.patch(entry, {"resolved_on": EARLIER}, format="json")
    assert response.status_code == 400
    assert "resolved_on" in response.json()["errors"]
    assert client.get(entry).json()["resolved_on"] is None


def test_malformed_json_is_a_400(child, owner):
    response = client_for(owner).post(
        f"/api/v1/profiles/{child.id}/infections/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"]
