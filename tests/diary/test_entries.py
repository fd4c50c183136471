import threading
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diary.models import AccessLogEntry, EvaluationRequest, InfectionEpisode, SymptomEntry
from tests.conftest import client_for, rows

from .conftest import EDIT, ENTRY_TYPES, VALID

pytestmark = pytest.mark.django_db


def url(profile, kind, entry_id=None):
    base = f"/api/v1/profiles/{profile.id}/{kind}/"
    return f"{base}{entry_id}/" if entry_id else base


@pytest.mark.parametrize("kind", ENTRY_TYPES)
def test_both_managers_read_and_write_every_entry_type(kind, child, owner, teammate):
    mine, theirs = client_for(owner), client_for(teammate)
    created = mine.post(url(child, kind), VALID[kind], format="json")
    assert created.status_code == 201, created.json()
    entry_id = created.json()["id"]
    assert created["ETag"] and "no-store" in created["Cache-Control"]

    assert [e["id"] for e in rows(theirs.get(url(child, kind)))] == [entry_id]
    field, value = EDIT[kind]
    patched = theirs.patch(url(child, kind, entry_id), {field: value}, format="json")
    assert patched.status_code == 200, patched.json()
    assert patched.json()[field] == value
    assert patched.json()["version"] == 2
    assert mine.get(url(child, kind, entry_id)).json()[field] == value

    assert theirs.delete(url(child, kind, entry_id)).status_code == 204
    assert rows(mine.get(url(child, kind))) == []


@pytest.mark.parametrize("kind", ENTRY_TYPES)
def test_a_stranger_gets_404_and_changes_nothing(kind, child, owner, stranger):
    entry_id = client_for(owner).post(url(child, kind), VALID[kind], format="json").json()["id"]
    client = client_for(stranger)
    assert client.get(url(child, kind)).status_code == 404
    assert client.post(url(child, kind), VALID[kind], format="json").status_code == 404
    assert client.get(url(child, kind, entry_id)).status_code == 404
    field, value = EDIT[kind]
    assert client.patch(url(child, kind, entry_id), {field: value}, format="json").status_code == 404
    assert client.delete(url(child, kind, entry_id)).status_code == 404
    assert len(rows(client_for(owner).get(url(child, kind)))) == 1


@pytest.mark.parametrize("kind", ENTRY_TYPES)
def test_an_entry_is_not_found_under_another_profile(kind, child, owner):
    from tests.factories import ProfileFactory

    sibling = ProfileFactory(managed_by=[owner])
    entry_id = client_for(owner).post(url(child, kind), VALID[kind], format="json").json()["id"]
    assert client_for(owner).get(url(sibling, kind, entry_id)).status_code == 404


@pytest.mark.parametrize("kind", ENTRY_TYPES)
def test_replaying_a_create_makes_one_row(kind, child, owner, stranger):
    from tests.factories import ProfileFactory

    body = {**VALID[kind], "id": str(uuid.uuid4())}
    client = client_for(owner)
    first = client.post(url(child, kind), body, format="json")
    again = client.post(url(child, kind), body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    field, value = EDIT[kind]
    assert client.post(url(child, kind), {**body, field: value}, format="json").status_code == 409
    # The same id under someone else's profile: 409, and nothing about the stored entry.
    elsewhere = ProfileFactory(managed_by=[stranger])
    conflict = client_for(stranger).post(url(elsewhere, kind), body, format="json")
    assert conflict.status_code == 409
    assert set(conflict.json()) == {"detail", "code"}
    assert len(rows(client.get(url(child, kind)))) == 1


@pytest.mark.parametrize("kind", ENTRY_TYPES)
def test_stale_if_match_is_412_and_changes_nothing(kind, child, owner, teammate):
    created = client_for(owner).post(url(child, kind), VALID[kind], format="json")
    entry = url(child, kind, created.json()["id"])
    field, value = EDIT[kind]
    assert (
        client_for(teammate)
        .patch(entry, {field: value}, format="json", HTTP_IF_MATCH=created["ETag"])
        .status_code
        == 200
    )
    stale = client_for(owner).patch(
        entry, {"notes": "offline edit"}, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    assert stale.status_code == 412
    assert client_for(owner).delete(entry, HTTP_IF_MATCH=created["ETag"]).status_code == 412
    assert client_for(owner).get(entry).json()["notes"] != "offline edit"


def test_each_write_asks_for_an_evaluation_in_the_same_transaction(child, owner):
    client = client_for(owner)
    pending = EvaluationRequest.objects.filter(profile=child, processed_at__isnull=True)
    created = client.post(url(child, "infections"), VALID["infections"], format="json")
    assert pending.count() == 1
    client.patch(url(child, "infections", created.json()["id"]), {"severity": "severe"}, format="json")
    client.delete(url(child, "infections", created.json()["id"]))
    # Nothing was evaluated yet (no commit here), so the three writes share one waiting request.
    assert pending.count() == 1 and EvaluationRequest.objects.filter(profile=child).count() == 1


def test_a_failed_write_leaves_no_outbox_row(child, owner):
    client_for(owner).post(
        url(child, "infections"), {**VALID["infections"], "severity": "awful"}, format="json"
    )
    assert not EvaluationRequest.objects.exists()


def test_list_queries_do_not_grow_with_entries(child, owner):
    client = client_for(owner)
    client.post(url(child, "infections"), VALID["infections"], format="json")
    with CaptureQueriesContext(connection) as one:
        client.get(url(child, "infections"))
    for _ in range(20):
        client.post(url(child, "infections"), VALID["infections"], format="json")
    with CaptureQueriesContext(connection) as many:
        assert len(rows(client.get(url(child, "infections")))) == 21
    assert len(one.captured_queries) > 0
    assert len(many.captured_queries) == len(one.captured_queries)


def test_a_linked_clinician_reads_and_it_is_logged(linked_child, owner, clinician, team):
    client_for(owner).post(url(linked_child, "infections"), VALID["infections"], format="json")
    client = client_for(clinician)
    assert [p["id"] for p in rows(client.get("/api/v1/profiles/"))] == [str(linked_child.id)]
    assert len(rows(client.get(url(linked_child, "infections")))) == 1
    assert client.post(url(linked_child, "infections"), VALID["infections"], format="json").status_code == 403
    listed = client_for(owner).get(f"/api/v1/profiles/{linked_child.id}/access-log/")
    assert {(e["team_name"], e["action"], e["object_type"]) for e in rows(listed)} >= {
        (team.name, "read", "InfectionEpisode"),
        (team.name, "read", "Profile"),
    }
    # The family sees the clinician by name and team, never by e-mail or IP address.
    assert clinician.email not in listed.content.decode() and "127.0.0.1" not in listed.content.decode()
    # Managers' own reads are not logged: it is a log of others.
    assert not AccessLogEntry.objects.filter(actor=owner).exists()


def test_a_clinician_of_another_team_sees_nothing(linked_child, owner):
    from tests.factories import CareTeamFactory, clinician_in

    outsider = clinician_in(CareTeamFactory(name="Other team"))
    client = client_for(outsider)
    assert rows(client.get("/api/v1/profiles/")) == []
    assert client.get(url(linked_child, "infections")).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_replays_make_one_row(require_postgres, child, owner):
    body = {**VALID["infections"], "id": str(uuid.uuid4())}
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def replay() -> None:
        barrier.wait()
        try:
            statuses.append(client_for(owner).post(url(child, "infections"), body, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=replay) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert InfectionEpisode.objects.filter(pk=body["id"]).count() == 1
    assert EvaluationRequest.objects.filter(profile=child).count() == 1


def test_symptoms_are_stored_in_one_spelling(child, owner):
    body = {**VALID["symptoms"], "symptoms": ["ear_pain", "fever", "fever"]}
    created = client_for(owner).post(url(child, "symptoms"), body, format="json")
    assert created.json()["symptoms"] == ["ear_pain", "fever"]
    assert SymptomEntry.objects.get().symptoms == ["ear_pain", "fever"]
