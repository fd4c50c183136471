import uuid

import pytest

from diary.models import Profile
from tests.conftest import client_for, rows
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db
BODY = {"display_name": "Ada", "date_of_birth": "2019-05-01", "sex": "female", "relationship": "child"}


def test_a_caregiver_adds_a_child_and_sees_it(owner):
    client = client_for(owner)
    created = client.post("/api/v1/profiles/", BODY, format="json")
    assert created.status_code == 201, created.json()
    assert created["ETag"] and created.json()["version"] == 1
    assert created["Cache-Control"].startswith("max-age=0") or "no-store" in created["Cache-Control"]
    listed = client.get("/api/v1/profiles/")
    assert [p["display_name"] for p in rows(listed)] == ["Ada"]
    assert "no-store" in listed["Cache-Control"]


def test_both_parents_manage_the_child_after_sharing_a_code(owner, teammate):
    client = client_for(owner)
    profile_id = client.post("/api/v1/profiles/", BODY, format="json").json()["id"]
    shared = client.post(f"/api/v1/profiles/{profile_id}/managers/")
    assert shared.status_code == 201
    code = shared.json()["code"]
    other = client_for(teammate)
    assert other.get(f"/api/v1/profiles/{profile_id}/").status_code == 404
    joined = other.post("/api/v1/profiles/join", {"code": code.lower()}, format="json")
    assert joined.status_code == 201 and joined.json()["id"] == profile_id
    patched = other.patch(f"/api/v1/profiles/{profile_id}/", {"display_name": "Ada L."}, format="json")
    assert patched.status_code == 200
    assert client.get(f"/api/v1/profiles/{profile_id}/").json()["display_name"] == "Ada L."
    managers = rows(client.get(f"/api/v1/profiles/{profile_id}/managers/"))
    assert sorted(m["email"] for m in managers) == sorted([owner.email, teammate.email])


def test_a_sharing_code_works_once_and_wrong_codes_are_limited(owner, teammate, stranger):
    profile = ProfileFactory(managed_by=[owner])
    code = client_for(owner).post(f"/api/v1/profiles/{profile.id}/managers/").json()["code"]
    assert (
        client_for(teammate).post("/api/v1/profiles/join", {"code": code}, format="json").status_code == 201
    )
    assert (
        client_for(stranger).post("/api/v1/profiles/join", {"code": code}, format="json").status_code == 400
    )
    for _ in range(9):
        client_for(stranger).post("/api/v1/profiles/join", {"code": "WRONG234"}, format="json")
    fresh = client_for(owner).post(f"/api/v1/profiles/{profile.id}/managers/").json()["code"]
    assert (
        client_for(stranger).post("/api/v1/profiles/join", {"code": fresh}, format="json").status_code == 429
    )
    assert sorted(profile.managers.values_list("email", flat=True)) == sorted([owner.email, teammate.email])


def test_sharing_reveals_nothing_about_who_has_an_account(owner, teammate):
    profile = ProfileFactory(managed_by=[owner])
    response = client_for(owner).post(
        f"/api/v1/profiles/{profile.id}/managers/", {"email": teammate.email}, format="json"
    )
    assert response.status_code == 400
    assert list(profile.managers.all()) == [owner]


def test_clinicians_cannot_join_as_managers(owner, linked_child, clinician):
    code = client_for(owner).post(f"/api/v1/profiles/{linked_child.id}/managers/").json()["code"]
    assert (
        client_for(clinician).post("/api/v1/profiles/join", {"code": code}, format="json").status_code == 400
    )
    assert client_for(clinician).post(f"/api/v1/profiles/{linked_child.id}/managers/").status_code == 403


def test_the_last_manager_cannot_be_removed(owner):
    profile = ProfileFactory(managed_by=[owner])
    response = client_for(owner).delete(f"/api/v1/profiles/{profile.id}/managers/{owner.id}/")
    assert response.status_code == 400
    assert profile.managers.count() == 1


def test_a_stranger_cannot_make_a_sharing_code(owner, stranger):
    profile = ProfileFactory(managed_by=[owner])
    response = client_for(stranger).post(f"/api/v1/profiles/{profile.id}/managers/")
    assert response.status_code == 404
    assert not profile.manager_invitations.exists()


def test_a_stranger_gets_404_for_every_method(owner, stranger):
    profile = ProfileFactory(managed_by=[owner])
    client = client_for(stranger)
    url = f"/api/v1/profiles/{profile.id}/"
    assert rows(client.get("/api/v1/profiles/")) == []
    assert client.get(url).status_code == 404
    assert client.patch(url, {"display_name": "x"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    for sub in ("managers/", "access-log/", "care-links/", "summary"):
        assert client.get(url + sub).status_code == 404, sub
    profile.refresh_from_db()
    assert profile.display_name != "x"


def test_anonymous_is_401(owner):
    profile = ProfileFactory(managed_by=[owner])
    from rest_framework.test import APIClient

    assert APIClient().get(f"/api/v1/profiles/{profile.id}/").status_code == 401
    assert APIClient().get("/api/v1/profiles/").status_code == 401


def test_a_patient_has_one_profile_of_their_own(owner):
    client = client_for(owner)
    me = {**BODY, "relationship": "self", "display_name": "Me", "date_of_birth": "1990-02-02"}
    assert client.post("/api/v1/profiles/", me, format="json").status_code == 201
    second = client.post("/api/v1/profiles/", me, format="json")
    assert second.status_code == 400
    assert "relationship" in second.json()["errors"]


def test_replaying_a_profile_create_makes_one_profile(owner, stranger):
    body = {**BODY, "id": str(uuid.uuid4())}
    client = client_for(owner)
    assert client.post("/api/v1/profiles/", body, format="json").status_code == 201
    assert client.post("/api/v1/profiles/", body, format="json").status_code == 200
    assert (
        client.post("/api/v1/profiles/", {**body, "display_name": "Other"}, format="json").status_code == 409
    )
    assert client_for(stranger).post("/api/v1/profiles/", body, format="json").status_code == 409
    assert Profile.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("date_of_birth", "2999-01-01"), ("sex", "robot"), ("relationship", "cousin"), ("display_name", "")],
)
def test_invalid_profiles_are_refused_naming_the_field(owner, field, value):
    response = client_for(owner).post("/api/v1/profiles/", {**BODY, field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Profile.objects.count() == 0


def test_unknown_fields_are_refused(owner):
    response = client_for(owner).post("/api/v1/profiles/", {**BODY, "managers": ["x"]}, format="json")
    assert response.status_code == 400
    assert "managers" in response.json()["errors"]


def test_stale_if_match_is_412_and_changes_nothing(owner):
    client = client_for(owner)
    created = client.post("/api/v1/profiles/", BODY, format="json")
    url = f"/api/v1/profiles/{created.json()['id']}/"
    first = client.patch(url, {"display_name": "Ada 2"}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = client.patch(url, {"display_name": "Ada 3"}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert stale.status_code == 412
    assert client.delete(url, HTTP_IF_MATCH=created["ETag"]).status_code == 412
    assert client.get(url).json()["display_name"] == "Ada 2"
    assert client.delete(url, HTTP_IF_MATCH=first["ETag"]).status_code == 204


def test_a_clinician_cannot_create_or_change_profiles(linked_child, clinician):
    client = client_for(clinician)
    assert client.post("/api/v1/profiles/", BODY, format="json").status_code == 403
    url = f"/api/v1/profiles/{linked_child.id}/"
    assert client.get(url).status_code == 200
    assert client.patch(url, {"display_name": "x"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403


def test_history_records_who_changed_what(owner):
    client = client_for(owner)
    profile_id = client.post("/api/v1/profiles/", BODY, format="json").json()["id"]
    client.patch(f"/api/v1/profiles/{profile_id}/", {"display_name": "Ada L."}, format="json")
    history = Profile.history.filter(id=profile_id).order_by("history_date")
    assert [h.display_name for h in history] == ["Ada", "Ada L."]
    assert {h.history_user for h in history} == {owner}


def test_a_child_profile_cannot_become_a_second_profile_of_your_own(owner):
    client = client_for(owner)
    me = {**BODY, "relationship": "self", "display_name": "Me", "date_of_birth": "1990-02-02"}
    client.post("/api/v1/profiles/", me, format="json")
    child = client.post("/api/v1/profiles/", BODY, format="json").json()
    response = client.patch(f"/api/v1/profiles/{child['id']}/", {"relationship": "self"}, format="json")
    assert response.status_code == 400
    assert client.get(f"/api/v1/profiles/{child['id']}/").json()["relationship"] == "child"


def test_options_is_a_clean_405_not_an_error(owner):
    response = client_for(owner).options("/api/v1/profiles/")
    assert response.status_code == 405
