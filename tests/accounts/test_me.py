import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_patient_becomes_a_caregiver_at_onboarding(owner):
    owner.role = "patient"
    owner.save()
    response = client_for(owner).patch(
        "/api/v1/me", {"role": "caregiver", "display_name": "Alex"}, format="json"
    )
    assert response.status_code == 200
    owner.refresh_from_db()
    assert (owner.role, owner.display_name) == ("caregiver", "Alex")


@pytest.mark.parametrize(
    "body", [{"role": "clinician"}, {"role": "admin"}, {"is_staff": True}, {"is_superuser": True}]
)
def test_it_refuses_escalation(owner, body):
    response = client_for(owner).patch("/api/v1/me", body, format="json")
    assert response.status_code == 400
    assert set(body) <= set(response.json()["errors"])
    owner.refresh_from_db()
    assert owner.role == "caregiver"
    assert not owner.is_staff and not owner.is_superuser


def test_a_clinician_cannot_become_a_patient(db):
    from tests.factories import CareTeamFactory, clinician_in

    clinician = clinician_in(CareTeamFactory())
    response = client_for(clinician).patch("/api/v1/me", {"role": "patient"}, format="json")
    assert response.status_code == 400
    clinician.refresh_from_db()
    assert clinician.role == "clinician"


def test_email_cannot_be_changed_here(owner):
    response = client_for(owner).patch("/api/v1/me", {"email": "other@example.org"}, format="json")
    owner.refresh_from_db()
    assert owner.email == "owner@example.org"
    assert response.status_code == 400 and "email" in response.json()["errors"]
