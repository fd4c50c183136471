"""Set-based evaluation: a batch of profiles costs a constant number of queries whatever its size,
gives the same alerts as evaluating each profile alone, and one failing diary never blocks the
others in its batch."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from care import evaluation
from care.models import Alert, Delivery, Notification, TeamEvaluation
from care.tasks import sweep_evaluation_outbox
from diary.models import EvaluationRequest, InfectionEpisode, SymptomEntry
from tests.factories import ProfileFactory, UserFactory, link_to_team

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def a_patient(team, *, ears: int = 4, red_flag: bool = True):
    """A linked child with `ears` ear infections this year (4 meets the default) and, optionally,
    a red-flag symptom entry today: one routine and one urgent alert."""
    profile = ProfileFactory(managed_by=[UserFactory()], date_of_birth=dt.date(2019, 5, 1))
    link_to_team(profile, team)
    for k in range(ears):
        InfectionEpisode.objects.create(
            profile=profile,
            kind="otitis_media",
            onset=TODAY - dt.timedelta(days=20 + 60 * k),
            severity="mild",
        )
    if red_flag:
        SymptomEntry.objects.create(profile=profile, recorded_at=timezone.now(), symptoms=["stiff_neck"])
    return profile


def rules_crash_on(poisoned, monkeypatch) -> None:
    """Any evaluation that includes this profile fails, as a diary the rules crash on would."""
    real = evaluation.profiles_evaluate

    def fails_on_the_poisoned_diary(*, births, **kwargs):
        if poisoned.pk in births:
            raise RuntimeError("this diary crashes the rules")
        return real(births=births, **kwargs)

    monkeypatch.setattr(evaluation, "profiles_evaluate", fails_on_the_poisoned_diary)


def requests_for(profiles) -> list[str]:
    return [str(EvaluationRequest.objects.create(profile=p).pk) for p in profiles]


def run_counting(profiles) -> tuple[int, evaluation.Outcome]:
    ids = requests_for(profiles)
    with CaptureQueriesContext(connection) as queries:
        outcome = evaluation.requests_run(request_ids=ids)
    return len(queries), outcome


def test_a_batch_costs_the_same_queries_whatever_its_size(teams):
    north, south = teams
    few, small = run_counting([a_patient(north), a_patient(south)])
    many, large = run_counting([a_patient(north if k % 2 else south) for k in range(12)])
    assert (len(small.alert_ids), len(large.alert_ids)) == (4, 24)  # one routine + one urgent each
    assert many == few
    # Everything a clinician would notice was written: alerts, inbox, e-mail deliveries for urgent.
    assert Notification.objects.count() == 28 * 2  # each alert to its team's two clinicians
    assert Delivery.objects.filter(alert__priority="urgent").count() == 14 * 2  # e-mail, two clinicians
    assert not EvaluationRequest.objects.filter(processed_at__isnull=True).exists()


def test_a_batch_gives_what_each_profile_alone_gives(teams):
    north, _ = teams
    batched = [a_patient(north, ears=k % 6, red_flag=k % 3 == 0) for k in range(9)]
    evaluation.requests_run(request_ids=requests_for(batched))
    together = sorted((a.profile_id, a.rule, len(a.evidence)) for a in Alert.objects.all())
    Alert.objects.all().delete()
    for profile in batched:
        evaluation.evaluation_run(request_id=requests_for([profile])[0])
    alone = sorted((a.profile_id, a.rule, len(a.evidence)) for a in Alert.objects.all())
    assert together == alone and len(together) == 2 + 3  # 4 or 5 ears: 2 profiles; red flags: 3


def test_evaluating_a_batch_twice_changes_nothing(teams):
    north, south = teams
    profiles = [a_patient(north), a_patient(south)]
    first = evaluation.requests_run(request_ids=requests_for(profiles))
    again = evaluation.requests_run(request_ids=requests_for(profiles))
    assert len(first.alert_ids) == 4 and again.alert_ids == [] and again.delivery_ids == []
    assert Alert.objects.count() == 4


def test_one_failing_diary_records_its_own_failure_and_the_rest_of_its_batch_is_evaluated(teams, monkeypatch):
    north, _ = teams
    healthy, poisoned = a_patient(north), a_patient(north)
    rules_crash_on(poisoned, monkeypatch)
    ok, bad = requests_for([healthy, poisoned])
    outcome = evaluation.requests_run(request_ids=[ok, bad])
    assert outcome.failed_ids == [bad]
    assert set(Alert.objects.values_list("profile_id", flat=True)) == {healthy.pk}
    failed = EvaluationRequest.objects.get(pk=bad)
    assert failed.processed_at is None and failed.attempts == 1 and "crashes the rules" in failed.last_error
    assert EvaluationRequest.objects.get(pk=ok).processed_at is not None


def test_a_lost_team_reevaluation_is_sent_again_by_the_sweep(
    teams, time_machine, settings, django_capture_on_commit_callbacks
):
    north, _ = teams
    profiles = [a_patient(north), a_patient(north)]
    time_machine.move_to(timezone.now())
    TeamEvaluation.objects.create(team=north)  # its task was never published
    assert not Alert.objects.exists()
    time_machine.shift(settings.SIGMD_EVALUATION_SWEEP_AGE + dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        sweep_evaluation_outbox()  # in-process here: the team's task, then its batch
    assert not TeamEvaluation.objects.filter(processed_at__isnull=True).exists()
    assert set(Alert.objects.values_list("profile_id", flat=True)) == {p.pk for p in profiles}
