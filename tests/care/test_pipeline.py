"""From a diary write to an alert: dedup, per-team thresholds, the outbox and its sweep."""

import datetime as dt
import threading
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from care import evaluation
from care.models import Alert, Delivery
from care.tasks import sweep_evaluation_outbox
from diary.models import EvaluationRequest
from tests.conftest import client_for, rows
from tests.factories import CareTeamFactory, clinician_in, link_to_team

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def ear_infection(days_ago, **extra):
    return {
        "kind": "otitis_media",
        "onset": str(TODAY - dt.timedelta(days=days_ago)),
        "severity": "mild",
        **extra,
    }


def log(client, profile, body, kind="infections"):
    response = client.post(f"/api/v1/profiles/{profile.id}/{kind}/", body, format="json")
    assert response.status_code in (200, 201), response.json()
    return response


def test_four_ear_infections_raise_one_routine_alert_with_four_pieces_of_evidence(
    commit, linked_child, owner, clinician, stranger, other_team_clinician
):
    client = client_for(owner)
    ids = [commit(log, client, linked_child, ear_infection(d)).json()["id"] for d in (300, 200, 100)]
    assert not Alert.objects.exists()
    ids.append(commit(log, client, linked_child, ear_infection(5)).json()["id"])

    alert = Alert.objects.get()
    assert (alert.rule, alert.priority, alert.status) == ("recurrent_ear_infections", "routine", "open")
    assert sorted(e["id"] for e in alert.evidence) == sorted(ids)
    assert (alert.threshold, alert.window_days, alert.age_band) == (4, 365, "child")

    seen = rows(client_for(clinician).get("/api/v1/alerts/"))
    assert [a["id"] for a in seen] == [str(alert.id)]
    assert len(seen[0]["evidence"]) == 4
    assert [a["id"] for a in rows(client.get("/api/v1/alerts/"))] == [str(alert.id)]
    assert rows(client_for(stranger).get("/api/v1/alerts/")) == []
    assert rows(client_for(other_team_clinician).get("/api/v1/alerts/")) == []
    # Routine: in-app at once, e-mail waits for the digest.
    assert clinician.notifications.filter(alert=alert).exists()
    assert mail.outbox == []


def test_a_fifth_infection_adds_evidence_to_the_open_alert(commit, linked_child, owner):
    client = client_for(owner)
    for d in (300, 200, 100, 50, 5):
        commit(log, client, linked_child, ear_infection(d))
    alert = Alert.objects.get()
    assert len(alert.evidence) == 5


def test_replays_edits_and_re_evaluation_never_duplicate(commit, linked_child, owner):
    client = client_for(owner)
    bodies = [{**ear_infection(d), "id": str(uuid.uuid4())} for d in (300, 200, 100, 5)]
    for body in bodies + bodies:
        commit(log, client, linked_child, body)
    entry = f"/api/v1/profiles/{linked_child.id}/infections/{bodies[0]['id']}/"
    commit(client.patch, entry, {"notes": "edited"}, format="json")
    for request in EvaluationRequest.objects.all():
        evaluation.profile_evaluate(profile=request.profile, on=TODAY, now=timezone.now())
    assert Alert.objects.count() == 1


def test_an_urgent_entry_raises_one_alert_per_entry_and_emails_each_clinician(
    commit, adult, owner, clinician, second_clinician
):
    client = client_for(owner)
    body = {"kind": "pneumonia", "onset": str(TODAY), "severity": "severe", "id": str(uuid.uuid4())}
    response = commit(log, client, adult, body)
    assert response.json()["guidance"]["level"] == "contact_care_team"
    commit(log, client, adult, body)  # a replay
    alert = Alert.objects.get()
    assert (alert.rule, alert.priority) == ("severe_infection", "urgent")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([clinician.email, second_clinician.email])
    for message in mail.outbox:
        assert (
            "Sam" not in message.subject + message.body and "pneumonia" not in message.subject + message.body
        )
    assert Delivery.objects.filter(status="sent").count() == 2


def test_each_linked_team_gets_its_own_alert_under_its_own_thresholds(commit, linked_child, owner, team):
    strict = CareTeamFactory(name="Strict team")
    link_to_team(linked_child, strict)
    client_for(clinician_in(strict)).put(
        f"/api/v1/care-teams/{strict.id}/rules/",
        {"rules": [{"rule": "recurrent_ear_infections", "enabled": True,
                    "child": {"threshold": 2, "window_days": 365}, "adult": {"threshold": 2, "window_days": 365}}]},
        format="json",
    )  # fmt: skip
    client = client_for(owner)
    for d in (200, 100):
        commit(log, client, linked_child, ear_infection(d))
    assert [a.team for a in Alert.objects.all()] == [strict]
    for d in (50, 5):
        commit(log, client, linked_child, ear_infection(d))
    assert sorted(a.team.name for a in Alert.objects.all()) == sorted([team.name, strict.name])


def test_without_a_care_team_alerts_are_for_the_managers_only(commit, child, owner, clinician):
    for d in (300, 200, 100, 5):
        commit(log, client_for(owner), child, ear_infection(d))
    alert = Alert.objects.get()
    assert alert.team is None
    assert [a["id"] for a in rows(client_for(owner).get("/api/v1/alerts/"))] == [str(alert.id)]
    assert rows(client_for(clinician).get("/api/v1/alerts/")) == []


def test_after_resolution_one_breakthrough_infection_raises_a_new_alert(
    commit, linked_child, owner, clinician
):
    client = client_for(owner)
    for d in (300, 200, 100, 50):
        commit(log, client, linked_child, ear_infection(d))
    first = Alert.objects.get()
    client_for(clinician).post(
        f"/api/v1/alerts/{first.id}/resolve", {"note": "prophylaxis started"}, format="json"
    )
    # Re-evaluating what the resolved alert already showed raises nothing.
    for request in EvaluationRequest.objects.all():
        evaluation.profile_evaluate(profile=request.profile, on=TODAY, now=timezone.now())
    assert Alert.objects.count() == 1
    # One more ear infection with the threshold still met: the team hears of the breakthrough.
    breakthrough = commit(log, client, linked_child, ear_infection(10)).json()["id"]
    fresh = Alert.objects.exclude(pk=first.pk).get()
    assert fresh.status == "open" and len(fresh.evidence) == 5
    assert breakthrough in fresh.evidence_ids
    assert clinician.notifications.filter(alert=fresh).exists()


def test_backfilled_severe_entries_never_page_anyone(commit, adult, owner):
    commit(
        log,
        client_for(owner),
        adult,
        {"kind": "sepsis", "onset": str(TODAY - dt.timedelta(days=90)), "severity": "severe"},
    )
    assert not Alert.objects.filter(priority="urgent").exists()
    assert mail.outbox == []


def test_the_sweep_recovers_an_entry_whose_dispatch_never_happened(linked_child, owner, time_machine):
    time_machine.move_to(dt.datetime.now(dt.UTC))
    client = client_for(owner)
    # No commit callbacks run: as if the broker was down when each entry was saved.
    for d in (300, 200, 100, 5):
        log(client, linked_child, ear_infection(d))
    # Coalesced: one pending request stands for all four writes.
    assert EvaluationRequest.objects.filter(processed_at__isnull=True).count() == 1
    assert sweep_evaluation_outbox() == 0  # too young: its own dispatch may still be on the way
    time_machine.shift(dt.timedelta(minutes=2))
    assert sweep_evaluation_outbox() == 1
    assert Alert.objects.count() == 1
    assert not EvaluationRequest.objects.filter(processed_at__isnull=True).exists()
    assert sweep_evaluation_outbox() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_evaluations_make_one_alert(require_postgres, linked_child, owner):
    for d in (300, 200, 100, 5):
        log(client_for(owner), linked_child, ear_infection(d))
    Alert.objects.all().delete()  # each write committed and was evaluated; start again
    # Four pending requests for one profile (written before coalescing, or racing it).
    EvaluationRequest.objects.bulk_create(EvaluationRequest(profile=linked_child) for _ in range(4))
    requests = list(EvaluationRequest.objects.filter(processed_at__isnull=True).values_list("pk", flat=True))
    assert len(requests) == 4
    barrier = threading.Barrier(len(requests))

    def run(request_id):
        barrier.wait()
        try:
            evaluation.evaluation_run(request_id=request_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Alert.objects.count() == 1
    assert not EvaluationRequest.objects.filter(processed_at__isnull=True).exists()
