"""Deleting a profile deletes its copies; one manager never decides alone for a shared diary;
a profile nobody manages loses its consent links."""

import pytest
from django.core import mail

from diary.models import AccessLogEntry, CareLink, InfectionEpisode, Profile
from tests.conftest import client_for
from tests.factories import ProfileFactory

from .conftest import VALID

pytestmark = pytest.mark.django_db


def profile_url(profile, rest=""):
    return f"/api/v1/profiles/{profile.id}/{rest}"


def test_deleting_a_profile_deletes_its_history_and_keeps_a_pseudonymised_access_log(owner, clinician, team):
    profile = ProfileFactory(display_name="Zelda Canary", managed_by=[owner])
    CareLink.objects.create(profile=profile, team=team)
    client = client_for(owner)
    entry = client.post(
        profile_url(profile, "infections/"), {**VALID["infections"], "notes": "canary notes"}, format="json"
    ).json()
    client.patch(profile_url(profile, f"infections/{entry['id']}/"), {"severity": "moderate"}, format="json")
    client_for(clinician).get(profile_url(profile))
    client_for(clinician).get(profile_url(profile, "infections/"))
    assert AccessLogEntry.objects.filter(profile=profile).count() == 2

    assert client.delete(profile_url(profile)).status_code == 204

    assert not Profile.history.filter(id=profile.id).exists()
    assert not InfectionEpisode.history.filter(profile_id=profile.id).exists()
    assert not Profile.history.filter(display_name="Zelda Canary").exists()
    assert not InfectionEpisode.history.filter(notes="canary notes").exists()
    kept = list(AccessLogEntry.objects.filter(profile__isnull=True))
    assert len(kept) == 2
    pseudonyms = {row.profile_pseudonym for row in kept}
    assert len(pseudonyms) == 1 and str(profile.id) not in pseudonyms and "" not in pseudonyms


def test_one_parent_cannot_delete_a_diary_both_manage(child, owner, teammate):
    response = client_for(owner).delete(profile_url(child))
    assert response.status_code == 409
    assert response.json()["code"] == "other_managers"
    assert "leave the diary, or ask the other manager" in response.json()["detail"]
    assert Profile.objects.filter(pk=child.pk).exists()
    assert set(child.managers.all()) == {owner, teammate}


def test_a_parent_can_always_leave_and_then_the_other_may_delete(
    child, owner, teammate, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        left = client_for(teammate).delete(profile_url(child, f"managers/{teammate.id}/"))
    assert left.status_code == 204
    assert mail.outbox == []  # leaving yourself tells nobody anything
    assert client_for(teammate).get(profile_url(child)).status_code == 404
    assert client_for(owner).delete(profile_url(child)).status_code == 204
    assert not Profile.objects.filter(pk=child.pk).exists()


def test_removing_the_other_manager_tells_them_without_health_data(
    child, owner, teammate, django_capture_on_commit_callbacks
):
    client_for(owner).post(
        profile_url(child, "infections/"), {**VALID["infections"], "notes": "canary notes"}, format="json"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(owner).delete(profile_url(child, f"managers/{teammate.id}/")).status_code == 204
    assert [message.to for message in mail.outbox] == [[teammate.email]]
    message = mail.outbox[0]
    text = f"{message.subject}\n{message.body}"
    assert "removed you" in text
    for secret in (child.display_name, "canary notes", "otitis", "Ear infection", owner.email):
        assert secret not in text
    assert client_for(teammate).get(profile_url(child)).status_code == 404


def test_the_only_manager_deletes_rather_than_leaves(owner):
    profile = ProfileFactory(managed_by=[owner])
    response = client_for(owner).delete(profile_url(profile, f"managers/{owner.id}/"))
    assert response.status_code == 400
    assert response.json()["errors"] == {"user": [response.json()["detail"]]}
    assert list(profile.managers.all()) == [owner]


def test_a_profile_left_with_no_manager_loses_its_care_links_at_once(owner, clinician, team):
    profile = ProfileFactory(managed_by=[owner])
    CareLink.objects.create(profile=profile, team=team)
    assert client_for(clinician).get(profile_url(profile)).status_code == 200
    owner.delete()  # e.g. an account erased
    assert client_for(clinician).get(profile_url(profile)).status_code == 404
    assert not CareLink.objects.filter(profile=profile, revoked_at__isnull=True).exists()


def test_a_profile_with_a_manager_left_keeps_its_care_links(child, teammate, clinician, team):
    CareLink.objects.create(profile=child, team=team)
    teammate.delete()
    assert client_for(clinician).get(profile_url(child)).status_code == 200


def test_a_stranger_cannot_delete_leave_or_remove(child, owner, teammate, stranger):
    client = client_for(stranger)
    assert client.delete(profile_url(child)).status_code == 404
    assert client.delete(profile_url(child, f"managers/{owner.id}/")).status_code == 404
    assert client.delete(profile_url(child, f"managers/{stranger.id}/")).status_code == 404
    assert set(child.managers.all()) == {owner, teammate}
