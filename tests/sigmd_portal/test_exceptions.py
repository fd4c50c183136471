"""One exception handler: every error is JSON {"code", "detail"}, domain errors included."""

import pytest

from care.models import Alert
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_transition_the_lifecycle_forbids_is_409_illegal_transition(linked_child, clinician, team):
    alert = Alert.objects.create(
        profile=linked_child,
        team=team,
        rule="severe_infection",
        priority="urgent",
        status="resolved",
        summary="x",
        dedup_key="k",
        threshold=1,
        window_days=14,
        age_band="child",
    )
    response = client_for(clinician).post(f"/api/v1/alerts/{alert.id}/acknowledge")
    assert response.status_code == 409
    assert response.json() == {"code": "illegal_transition", "detail": "This alert is already resolved."}


def test_a_replay_conflict_and_a_stale_version_name_their_codes(child, owner):
    client = client_for(owner)
    url = f"/api/v1/profiles/{child.id}/vaccinations/"
    body = {"id": "8c5d3b0e-1d8a-4d1e-9a57-2f7c0d6a9e11", "vaccine": "PCV20", "given_on": "2026-01-05"}
    created = client.post(url, body, format="json")
    conflict = client.post(url, {**body, "vaccine": "Hib"}, format="json")
    assert (conflict.status_code, conflict.json()["code"]) == (409, "id_conflict")
    client.patch(f"{url}{body['id']}/", {"notes": "left arm"}, format="json")
    stale = client.patch(f"{url}{body['id']}/", {"notes": "x"}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert (stale.status_code, stale.json()["code"]) == (412, "stale")


def test_a_rule_broken_is_400_naming_the_field(owner):
    client = client_for(owner)
    me = {"display_name": "Me", "date_of_birth": "1990-02-02", "relationship": "self"}
    client.post("/api/v1/profiles/", me, format="json")
    second = client.post("/api/v1/profiles/", {**me, "display_name": "Me again"}, format="json")
    assert second.status_code == 400
    assert second.json() == {
        "code": "invalid",
        "detail": "You already have a profile of your own.",
        "errors": {"relationship": ["You already have a profile of your own."]},
    }


def test_a_clinician_writing_to_a_profile_they_read_is_403_read_only(linked_child, clinician):
    response = client_for(clinician).patch(
        f"/api/v1/profiles/{linked_child.id}/", {"display_name": "x"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "read_only")
