"""The claim locks only the outbox row: an evaluation is never skipped because a diary write to
the same profile is in flight (issue 12's skip bug, reproduced on PostgreSQL first); a busy row
is retried at once; writes while a request waits are coalesced into it."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from care import evaluation, tasks
from care.models import Alert
from diary import services
from diary.models import EvaluationRequest, SymptomEntry
from diary.services import evaluation_request
from tests.conftest import client_for

from .held import HeldElsewhere
from .test_pipeline import ear_infection, log


def write_in_flight(profile) -> HeldElsewhere:
    """Another connection inserts a diary entry for the profile and holds its transaction open
    with the foreign-key check done: it holds FOR KEY SHARE on the profile row, as a real write
    does while it commits (Django's constraints are deferred to the commit; here made immediate)."""

    def write() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        SymptomEntry.objects.create(profile=profile, recorded_at=timezone.now(), symptoms=["cough"])

    return HeldElsewhere(write)


@pytest.mark.django_db(transaction=True)
def test_the_old_join_claim_skips_while_a_write_is_in_flight(require_postgres, linked_child):
    request = EvaluationRequest.objects.create(profile=linked_child)
    with write_in_flight(linked_child), transaction.atomic():
        joined = (
            EvaluationRequest.objects.select_for_update(skip_locked=True)
            .select_related("profile")
            .filter(pk=request.pk)
            .first()
        )
        own_row_only = (
            EvaluationRequest.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("profile")
            .filter(pk=request.pk)
            .first()
        )
    assert joined is None  # the join locks the profile row too, which the write holds: skipped
    assert own_row_only is not None


@pytest.mark.django_db(transaction=True)
def test_an_evaluation_runs_while_a_write_to_the_profile_is_in_flight(require_postgres, linked_child, owner):
    for d in (300, 200, 100, 5):
        log(client_for(owner), linked_child, ear_infection(d))
    Alert.objects.all().delete()  # each write was evaluated as it committed; start again
    request = EvaluationRequest.objects.create(profile=linked_child)
    with write_in_flight(linked_child):
        outcome = evaluation.evaluation_run(request_id=request.pk)
    assert not outcome.busy and len(outcome.alert_ids) == 1
    request.refresh_from_db()
    assert request.processed_at is not None


@pytest.mark.django_db
def test_a_busy_row_is_retried_at_once_not_left_for_the_sweep(linked_child, monkeypatch):
    request = EvaluationRequest.objects.create(profile=linked_child)
    outcomes = [evaluation.Outcome(busy_ids=[str(request.pk)])]
    real = evaluation.evaluation_run

    def first_busy(**kwargs):
        return outcomes.pop() if outcomes else real(**kwargs)

    monkeypatch.setattr(evaluation, "evaluation_run", first_busy)
    # In-process, Celery runs the retry at once (a worker would wait BUSY_RETRY_SECONDS).
    result = tasks.evaluate_profile.apply(args=[str(request.pk)], throw=False)
    assert result.successful()
    request.refresh_from_db()
    assert request.processed_at is not None and outcomes == []


@pytest.mark.django_db
def test_writes_while_a_request_waits_are_coalesced_into_it(linked_child, owner):
    client = client_for(owner)
    for d in (30, 20, 10):
        log(client, linked_child, ear_infection(d))  # no commit callbacks: nothing evaluated yet
    assert EvaluationRequest.objects.filter(processed_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_a_request_waiting_after_a_failure_is_not_reused(linked_child):
    failed = evaluation_request(profile_id=linked_child.pk)
    EvaluationRequest.objects.filter(pk=failed.pk).update(attempts=1, next_attempt_at=timezone.now())
    assert evaluation_request(profile_id=linked_child.pk).pk != failed.pk


@pytest.mark.django_db(transaction=True)
def test_a_write_while_the_worker_holds_the_waiting_row_gets_a_row_of_its_own(
    require_postgres, linked_child, monkeypatch
):
    monkeypatch.setattr(services, "evaluation_dispatch", lambda *a, **kw: None)  # rows stay waiting
    with transaction.atomic():
        waiting = evaluation_request(profile_id=linked_child.pk)

    def worker_claims() -> None:
        EvaluationRequest.objects.select_for_update().filter(pk=waiting.pk).get()

    with HeldElsewhere(worker_claims), transaction.atomic():
        own = evaluation_request(profile_id=linked_child.pk)
    assert own.pk != waiting.pk  # not waited for, not joined: the worker may have read the diary
    with transaction.atomic():
        assert evaluation_request(profile_id=linked_child.pk).pk == waiting.pk  # released: joined


@pytest.mark.django_db
def test_a_write_asks_for_its_evaluation_in_one_statement_on_postgresql(require_postgres, linked_child):
    def ask() -> tuple[EvaluationRequest, int]:
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            request = evaluation_request(profile_id=linked_child.pk)
        return request, len([q for q in queries if "diary_evaluationrequest" in q["sql"]])

    (first, statements), (second, again) = ask(), ask()
    assert (statements, again) == (1, 1)  # inserted, then joined: one statement each
    assert second.pk == first.pk and EvaluationRequest.objects.filter(profile=linked_child).count() == 1
    stored = EvaluationRequest.objects.get(pk=first.pk)
    assert (stored.profile_id, stored.attempts, stored.processed_at) == (linked_child.pk, 0, None)
