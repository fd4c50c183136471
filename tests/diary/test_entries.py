import threading
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diary.models import AccessLogEntry, EvaluationRequest, InfectionEpisode, SymptomEntry
from diary.urls import ENTRY_TYPES as URL_ENTRY_TYPES
from tests.conftest import client_for, rows

from .conftest import EDIT, ENTRY_TYPES, TODAY, VALID

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


def history_of(model, entry_id) -> list[tuple]:
    """What an entry's history shows, oldest first: each record's kind, who, why, and the entry's
    fields as they were then."""
    kept = [f.attname for f in model._meta.concrete_fields if f.name != "updated_at"]
    return [
        (h.history_type, h.history_user_id, h.history_change_reason, {n: getattr(h, n) for n in kept})
        for h in model.history.filter(id=entry_id).order_by("history_date")
    ]


@pytest.mark.parametrize(("kind", "model"), [(segment, model) for segment, model, *_ in URL_ENTRY_TYPES])
def test_the_history_shows_who_created_an_entry_and_what_it_said(kind, model, child, owner, teammate):
    """Who created an entry and what it said, then who edited it: the family's history of it."""
    entry_id = client_for(owner).post(url(child, kind), VALID[kind], format="json").json()["id"]
    as_created = {f.attname: getattr(e, f.attname) for e in [model._default_manager.get(pk=entry_id)]
                  for f in model._meta.concrete_fields if f.name != "updated_at"}  # fmt: skip
    field, value = EDIT[kind]
    client_for(teammate).patch(
        url(child, kind, entry_id), {field: value}, format="json"
    )  # the signal's record
    (created, edited) = history_of(model, entry_id)
    assert created == ("+", owner.pk, None, as_created)
    assert edited[:3] == ("~", teammate.pk, None) and edited[3]["version"] == 2
    assert {k: v for k, v in edited[3].items() if k not in (field, "version")} == {
        k: v for k, v in as_created.items() if k not in (field, "version")
    }


@pytest.mark.django_db(transaction=True)
def test_a_create_is_one_statement_and_its_own_transaction_on_postgresql(
    require_postgres, child, owner, monkeypatch
):
    """In production (autocommit) a create is one round trip: the entry, its history record and
    its outbox row, all or nothing, with no BEGIN, SAVEPOINT or COMMIT around it; the worker is
    sent the outbox row once it is written."""
    from diary import services

    sent: list = []
    monkeypatch.setattr(services, "evaluation_dispatch", lambda request_id, urgent: sent.append(request_id))
    with CaptureQueriesContext(connection) as queries:
        created = client_for(owner).post(url(child, "infections"), VALID["infections"], format="json")
    assert created.status_code == 201
    statements = [q["sql"] for q in queries]
    (write,) = [sql for sql in statements if "INSERT" in sql or "UPDATE" in sql]
    assert write.startswith('WITH entry AS (INSERT INTO "diary_infectionepisode"')
    assert not any(sql.startswith(("SAVEPOINT", "BEGIN", "COMMIT")) for sql in statements)
    assert InfectionEpisode.history.filter(id=created.json()["id"], history_type="+").count() == 1
    (waiting,) = EvaluationRequest.objects.filter(profile=child, processed_at__isnull=True)
    assert sent == [str(waiting.pk)]


@pytest.mark.parametrize(("kind", "model", "serializer"), [(s, m, ser) for s, m, ser, _ in URL_ENTRY_TYPES])
def test_a_created_entrys_history_record_is_the_one_simple_history_writes(
    require_postgres, kind, model, serializer, child, owner, teammate, rf
):
    """On PostgreSQL a create writes its history record in its one statement, not through
    simple-history's post_save: the record is the one simple-history writes for the same entry."""
    from simple_history.models import HistoricalRecords

    from diary.services import entry_create

    body = serializer(data=VALID[kind])
    assert body.is_valid(), body.errors

    def record(entry) -> dict:
        h = model.history.get(id=entry.pk)
        ours = ("history_id", "history_date", "id", "created_at")  # made for each row
        return {f.attname: getattr(h, f.attname) for f in h._meta.concrete_fields if f.attname not in ours}

    request = rf.post("/")
    request.user = teammate  # the request's user, who is not whom the entry names as its author
    HistoricalRecords.context.request = request  # as simple-history's middleware sets it
    try:
        ours, created = entry_create(
            model=model, profile=child, data=dict(body.validated_data), created_by=owner
        )
        theirs = model._default_manager.create(**body.validated_data, profile=child, created_by=owner)
    finally:
        del HistoricalRecords.context.request
    assert created and record(ours) == record(theirs)
    assert record(ours)["history_user_id"] == teammate.pk and record(ours)["history_type"] == "+"
    # Without a request (a management command such as the demo loader): nobody, as simple-history.
    alone, _ = entry_create(model=model, profile=child, data=dict(body.validated_data), created_by=owner)
    assert model.history.get(id=alone.pk).history_user_id is None


@pytest.mark.django_db(transaction=True)
def test_a_create_the_database_refuses_writes_nothing_and_the_next_one_works(require_postgres, child, owner):
    from django.db import IntegrityError

    from diary.models import Measurement
    from diary.services import entry_create

    with pytest.raises(IntegrityError):  # neither weight nor height: the table's CHECK refuses it
        entry_create(model=Measurement, profile=child, data={"measured_on": TODAY}, created_by=owner)
    assert not Measurement.objects.exists() and not Measurement.history.exists()
    assert not EvaluationRequest.objects.exists()
    assert (
        client_for(owner).post(url(child, "measurements"), VALID["measurements"], format="json").status_code
        == 201
    )
    assert Measurement.history.count() == 1 and EvaluationRequest.objects.count() == 1
