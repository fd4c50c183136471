"""An outbox that cannot spin: a failing evaluation records its attempt and error, waits longer
each time, is parked at the limit where /readyz shows it; old rows are pruned."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from care import evaluation
from care.models import Alert, Delivery, TeamEvaluation
from care.tasks import prune_pipeline, sweep_evaluation_outbox
from diary.models import EvaluationRequest
from diary.services import evaluation_request
from tests.conftest import client_for

from .test_pipeline import ear_infection, log

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_evaluation(monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("rules crashed on this diary")

    monkeypatch.setattr(evaluation, "profiles_evaluate", explode)
    return monkeypatch


def test_a_failing_evaluation_records_its_attempt_backs_off_and_is_parked(
    broken_evaluation, linked_child, settings, time_machine
):
    settings.SIGMD_EVALUATION_MAX_ATTEMPTS = 3
    time_machine.move_to(timezone.now())
    request = evaluation_request(profile_id=linked_child.pk)
    assert evaluation.evaluation_run(request_id=request.pk).failed
    request.refresh_from_db()
    assert (request.attempts, request.processed_at, request.parked_at) == (1, None, None)
    assert "RuntimeError: rules crashed on this diary" in request.last_error
    first_wait = request.next_attempt_at - timezone.now()
    assert first_wait > dt.timedelta(0)
    # Not resent before its time, then resent once it is due.
    assert sweep_evaluation_outbox() == 0
    time_machine.shift(first_wait + dt.timedelta(seconds=1))
    assert sweep_evaluation_outbox() == 1  # runs in-process here, and fails again
    request.refresh_from_db()
    assert request.attempts == 2 and request.next_attempt_at - timezone.now() > first_wait
    time_machine.shift(dt.timedelta(hours=7))
    sweep_evaluation_outbox()
    request.refresh_from_db()
    assert request.attempts == 3 and request.parked_at is not None and request.next_attempt_at is None
    time_machine.shift(dt.timedelta(days=1))
    assert sweep_evaluation_outbox() == 0  # parked: left for an operator, never retried alone
    outbox = Client().get("/readyz").json()["evaluation_outbox"]
    assert outbox == {"pending": 0, "parked": 1, "oldest_pending_seconds": 0}


def test_readyz_shows_pending_requests_and_how_long_the_oldest_waited(linked_child, owner, time_machine):
    time_machine.move_to(timezone.now())
    log(client_for(owner), linked_child, ear_infection(3))  # no commit: the dispatch never happens
    time_machine.shift(dt.timedelta(seconds=90))
    outbox = Client().get("/readyz").json()["evaluation_outbox"]
    assert outbox["pending"] == 1 and outbox["parked"] == 0
    assert 90 <= outbox["oldest_pending_seconds"] < 100


def test_a_request_that_succeeds_after_a_failure_is_processed_normally(linked_child, owner, monkeypatch):
    for d in (300, 200, 100, 5):
        log(client_for(owner), linked_child, ear_infection(d))
    real = evaluation.profiles_evaluate
    request = evaluation_request(profile_id=linked_child.pk)
    with monkeypatch.context() as broken:
        # Raises after the alert is made: the savepoint rolls the work back, the attempt stays.
        broken.setattr(evaluation, "profiles_evaluate", lambda **kw: [real(**kw), 1 / 0])
        assert evaluation.evaluation_run(request_id=request.pk).failed
    assert not Alert.objects.exists()  # the failed attempt's work was rolled back
    assert evaluation.profiles_evaluate is real
    assert evaluation.evaluation_run(request_id=request.pk).alert_ids
    request.refresh_from_db()
    assert request.processed_at is not None and request.attempts == 2


def test_processed_rows_and_finished_deliveries_are_pruned_after_the_retention(
    commit, adult, owner, clinician, settings, time_machine
):
    settings.SIGMD_PIPELINE_RETENTION = dt.timedelta(days=30)
    time_machine.move_to(timezone.now())
    commit(
        log,
        client_for(owner),
        adult,
        {"kind": "sepsis", "onset": str(timezone.localdate()), "severity": "severe"},
    )
    assert Delivery.objects.filter(status="sent").exists()
    parked = evaluation_request(profile_id=adult.pk)
    EvaluationRequest.objects.filter(pk=parked.pk).update(parked_at=timezone.now(), attempts=8)
    done_team = TeamEvaluation.objects.create(team=adult.care_links.get().team, processed_at=timezone.now())
    waiting_team = TeamEvaluation.objects.create(team=done_team.team)
    time_machine.shift(dt.timedelta(days=29))
    assert prune_pipeline() == 0
    pending = Delivery.objects.create(
        recipient=clinician, channel="email", kind="escalation", alert=Alert.objects.get()
    )
    time_machine.shift(dt.timedelta(days=2))
    assert prune_pipeline() > 0
    assert list(EvaluationRequest.objects.values_list("pk", flat=True)) == [parked.pk]  # parked rows stay
    assert list(Delivery.objects.values_list("pk", flat=True)) == [pending.pk]  # unfinished ones too
    assert list(TeamEvaluation.objects.values_list("pk", flat=True)) == [waiting_team.pk]
    assert Alert.objects.count() == 1  # alerts are the record: never pruned
