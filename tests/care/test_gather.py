"""Work taken together: a diary write's task takes every row waiting with it (under a stream of
writes one task evaluates many profiles, set-based), never waiting for a profile another
evaluation holds; a team's re-evaluation is split into parts evaluated straight from the links,
with no outbox row per profile, and a part that fails or finds a profile busy hands those profiles
to their own outbox rows."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from care import evaluation, tasks
from care.models import Alert, TeamEvaluation, TeamEvaluationPart
from care.tasks import sweep_evaluation_outbox
from diary import services
from diary.models import EvaluationRequest, Profile
from sigmd_portal.celery import app as celery_app
from tests.factories import link_to_team

from .held import HeldElsewhere
from .test_batch import a_patient, requests_for, rules_crash_on

pytestmark = pytest.mark.django_db


def evaluation_holds(profile) -> HeldElsewhere:
    """Another connection holds a profile's evaluation lock (NO KEY UPDATE), as a worker does
    while it evaluates that profile."""
    return HeldElsewhere(lambda: Profile.objects.select_for_update(no_key=True).filter(pk=profile.pk).get())


def waiting() -> set:
    return set(
        EvaluationRequest.objects.filter(processed_at__isnull=True).values_list("profile_id", flat=True)
    )


def alerted() -> set:
    return set(Alert.objects.values_list("profile_id", flat=True))


@pytest.fixture
def batches(monkeypatch) -> list:
    """The profiles of each batch evaluated, as each is evaluated."""
    seen: list = []
    real = evaluation.profiles_evaluate

    def recorded(*, births, **kwargs):
        seen.append(sorted(births))
        return real(births=births, **kwargs)

    monkeypatch.setattr(evaluation, "profiles_evaluate", recorded)
    return seen


def test_the_routine_task_takes_every_row_waiting_in_batches(teams, batches):
    north, south = teams
    profiles = [a_patient(north), a_patient(south), a_patient(north, red_flag=False)]
    requests_for(profiles)
    outcome = evaluation.waiting_run(limit=2)
    assert not outcome.busy and len(outcome.alert_ids) == 5 and [len(b) for b in batches] == [2, 1]
    assert waiting() == set() and alerted() == {p.pk for p in profiles}
    assert evaluation.waiting_run().alert_ids == []  # nothing left: nothing raised twice


def test_a_row_waiting_after_a_failure_is_left_for_its_backoff(teams):
    north, _ = teams
    first, retried = a_patient(north), a_patient(north)
    _, failed = requests_for([first, retried])
    EvaluationRequest.objects.filter(pk=failed).update(
        attempts=1, next_attempt_at=timezone.now() + dt.timedelta(minutes=1)
    )
    evaluation.waiting_run()
    assert waiting() == {retried.pk}


@pytest.mark.django_db(transaction=True)
def test_the_routine_task_never_waits_for_a_profile_another_evaluation_holds(require_postgres, teams):
    north, _ = teams
    mine, held = a_patient(north), a_patient(north)
    _, other = requests_for([mine, held])
    with evaluation_holds(held):
        outcome = evaluation.waiting_run()
    assert outcome.busy_ids == [other] and alerted() == {mine.pk} and waiting() == {held.pk}
    # Sent again shortly (care.tasks.evaluate_waiting), it evaluates it once the other is done.
    assert len(evaluation.waiting_run().alert_ids) == 2
    assert waiting() == set()


def test_routine_writes_while_the_routine_task_is_on_its_way_send_nothing_more(
    require_redis, teams, monkeypatch, django_capture_on_commit_callbacks
):
    """Under a stream of writes, one task for many: a write sends the routine task only when none
    is on its way; that task, once started, takes every row waiting and lets the next write send."""
    north, _ = teams
    sent: list = []
    monkeypatch.setattr(celery_app.tasks[services.EVALUATE_WAITING_TASK], "apply_async",
                        lambda **kw: sent.append(kw))  # fmt: skip
    profiles = [a_patient(north, red_flag=False) for _ in range(4)]
    services.routine_kick_release()
    with django_capture_on_commit_callbacks(execute=True):
        for profile in profiles:
            with transaction.atomic():
                services.evaluation_request(profile_id=profile.pk)
    assert len(sent) == 1 and sent[0]["countdown"] == pytest.approx(0.25)  # the first write's
    tasks.evaluate_waiting()  # the worker, a moment later
    assert waiting() == set() and alerted() == {p.pk for p in profiles}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.evaluation_request(profile_id=profiles[0].pk)
    assert len(sent) == 2  # the task had started: the next write sent another


def test_a_routine_task_that_could_not_be_sent_lets_the_next_write_try(require_redis, monkeypatch):
    def broker_down(**kw):
        raise ConnectionError("broker away")

    task = celery_app.tasks[services.EVALUATE_WAITING_TASK]
    monkeypatch.setattr(task, "apply_async", broker_down)
    services.routine_kick_release()
    services.evaluation_waiting_dispatch()
    sent: list = []
    monkeypatch.setattr(task, "apply_async", lambda **kw: sent.append(kw))
    services.evaluation_waiting_dispatch()
    assert len(sent) == 1


def test_a_teams_reevaluation_is_split_into_parts_covering_every_linked_profile_once(
    teams, monkeypatch, batches
):
    north, _ = teams
    monkeypatch.setattr(evaluation, "EVALUATION_BATCH", 5)
    profiles = [a_patient(north, red_flag=False) for _ in range(12)]
    seen = batches
    row = TeamEvaluation.objects.create(team=north)
    parts = evaluation.team_evaluation_run(team_evaluation_id=row.pk)
    assert len(parts) == 3
    assert evaluation.team_evaluation_run(team_evaluation_id=row.pk) == []  # done: nothing split again
    latecomer = a_patient(north, red_flag=False)  # linked after the split: the open-ended last part has it
    for part_id in parts:
        evaluation.team_part_run(part_id=part_id)
    # Three batches of 5, 5 and 2, the latecomer in whichever its id sorts into; nobody twice.
    assert len(seen) == 3 and sorted(len(batch) for batch in seen) in ([2, 5, 6], [3, 5, 5])
    assert sorted(pk for batch in seen for pk in batch) == sorted(p.pk for p in [*profiles, latecomer])
    assert alerted() == {p.pk for p in [*profiles, latecomer]} and Alert.objects.count() == 13
    assert not EvaluationRequest.objects.exists()
    assert evaluation.team_part_run(part_id=parts[0]).alert_ids == []  # done: left alone


def test_a_failing_part_hands_each_profile_to_its_own_outbox_row(
    teams, monkeypatch, django_capture_on_commit_callbacks
):
    north, _ = teams
    healthy, poisoned = a_patient(north), a_patient(north)
    rules_crash_on(poisoned, monkeypatch)
    (part,) = evaluation.team_evaluation_run(team_evaluation_id=TeamEvaluation.objects.create(team=north).pk)
    with django_capture_on_commit_callbacks(execute=True):  # the rows' batch runs in-process here
        evaluation.team_part_run(part_id=part)
    assert TeamEvaluationPart.objects.get(pk=part).processed_at is not None
    assert alerted() == {healthy.pk}
    failed = EvaluationRequest.objects.get(processed_at__isnull=True)
    assert failed.profile_id == poisoned.pk and failed.attempts == 1 and "crashes" in failed.last_error


@pytest.mark.django_db(transaction=True)
def test_a_part_gives_a_profile_another_evaluation_holds_its_own_outbox_row(
    require_postgres, teams, monkeypatch
):
    north, _ = teams
    free, held = a_patient(north), a_patient(north)
    dispatched: list = []
    monkeypatch.setattr(services, "evaluation_batches_dispatch", dispatched.extend)  # what the worker is sent
    (part,) = evaluation.team_evaluation_run(team_evaluation_id=TeamEvaluation.objects.create(team=north).pk)
    with evaluation_holds(held):
        evaluation.team_part_run(part_id=part)
    assert alerted() == {free.pk} and waiting() == {held.pk}
    assert len(dispatched) == 1  # its own row, sent once the part committed
    evaluation.requests_run(request_ids=dispatched)
    assert alerted() == {free.pk, held.pk} and waiting() == set()


def test_a_lost_part_is_sent_again_by_the_sweep_and_counted_as_waiting(teams, time_machine, settings):
    north, _ = teams
    profiles = [a_patient(north), a_patient(north)]
    time_machine.move_to(timezone.now())
    team_evaluation = TeamEvaluation.objects.create(team=north)
    evaluation.team_evaluation_run(team_evaluation_id=team_evaluation.pk)  # its part's task never published
    time_machine.shift(dt.timedelta(seconds=90))
    outbox = Client().get("/readyz").json()["evaluation_outbox"]
    assert outbox["pending"] == 1 and 90 <= outbox["oldest_pending_seconds"] < 100
    assert not Alert.objects.exists()
    sweep_evaluation_outbox()  # in-process here: the part's task
    assert alerted() == {p.pk for p in profiles}
    assert Client().get("/readyz").json()["evaluation_outbox"]["pending"] == 0


def test_a_team_reevaluation_is_pruned_only_once_all_its_parts_are_done(teams, time_machine):
    north, _ = teams
    a_patient(north)
    time_machine.move_to(timezone.now())
    row = TeamEvaluation.objects.create(team=north)
    (part,) = evaluation.team_evaluation_run(team_evaluation_id=row.pk)
    time_machine.shift(dt.timedelta(days=31))
    evaluation.evaluation_requests_prune(older_than=dt.timedelta(days=30))
    assert TeamEvaluationPart.objects.filter(pk=part).exists()  # still to do: kept
    evaluation.team_part_run(part_id=part)
    evaluation.evaluation_requests_prune(older_than=dt.timedelta(days=-1))
    assert not TeamEvaluation.objects.exists() and not TeamEvaluationPart.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_parts_of_one_team_are_evaluated_at_the_same_time(require_postgres, teams, monkeypatch):
    """Two workers, two parts of one team's re-evaluation: the second is not skipped while the
    first is being evaluated (each part locks its own row, never the team's)."""
    north, _ = teams
    monkeypatch.setattr(evaluation, "EVALUATION_BATCH", 1)
    profiles = [a_patient(north, red_flag=False) for _ in range(2)]
    first, second = evaluation.team_evaluation_run(
        team_evaluation_id=TeamEvaluation.objects.create(team=north).pk
    )
    inside, release = threading.Event(), threading.Event()
    real = evaluation.profiles_evaluate

    def slow_for_the_first_part(*, births, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            inside.set()
            release.wait(10)
        return real(births=births, **kwargs)

    monkeypatch.setattr(evaluation, "profiles_evaluate", slow_for_the_first_part)

    def worker():
        try:
            evaluation.team_part_run(part_id=first)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert inside.wait(10)
        assert len(evaluation.team_part_run(part_id=second).alert_ids) == 1
    finally:
        release.set()
        thread.join()
    assert alerted() == {p.pk for p in profiles}


def ear_threshold(team, clinician, child: int, **extra):
    """The clinician sets the team's child ear-infection threshold (the API, in-process tasks)."""
    from tests.conftest import client_for

    rule = {"rule": "recurrent_ear_infections", "enabled": True,
            "child": {"threshold": child, "window_days": 365}, "adult": {"threshold": 2, "window_days": 365}}  # fmt: skip
    return client_for(clinician).put(
        f"/api/v1/care-teams/{team.id}/rules/", {"rules": [rule], **extra}, format="json"
    )


def test_a_change_of_one_rule_evaluates_that_rule_for_that_team_reading_only_its_facts(
    teams, django_capture_on_commit_callbacks
):
    north, south = teams
    clinician = north.members.first()
    both = a_patient(north, ears=3)  # 3 ear infections: under the default 4, over a threshold of 3
    link_to_team(both, south)
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        assert ear_threshold(north, clinician, 3).status_code == 200
    # North's new threshold is met: its clinicians are told. South's thresholds did not change, and
    # the rules that did not change (the red-flag entry's) were not run again: that entry's own
    # write evaluates it (a_patient made it without one, so it is still unalerted here).
    assert list(Alert.objects.values_list("team_id", "rule")) == [(north.pk, "recurrent_ear_infections")]
    read = " ".join(q["sql"] for q in queries)
    assert "diary_infectionepisode" in read
    assert not any(table in read for table in ("diary_symptomentry", "diary_treatment", "diary_infusion"))
    # Saving the same thresholds again, or only the escalation delay, has nothing to evaluate.
    with CaptureQueriesContext(connection) as again, django_capture_on_commit_callbacks(execute=True):
        assert ear_threshold(north, clinician, 3, escalation_delay_minutes=45).status_code == 200
    assert not TeamEvaluationPart.objects.filter(team_evaluation__processed_at__isnull=True).exists()
    assert "diary_infectionepisode" not in " ".join(q["sql"] for q in again)
    assert not TeamEvaluation.objects.filter(processed_at__isnull=True).exists()
