"""On time: alerts that time alone makes true arrive the next morning with nothing new logged,
through the nightly task (and `manage.py evaluate_profiles`), exactly once."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from care.models import Alert
from care.selectors import profiles_time_could_cross
from care.tasks import reevaluate_profiles
from diary.models import EvaluationRequest, InfectionEpisode, Treatment
from tests.factories import ProfileFactory, link_to_team

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 1, 2, 15, tzinfo=dt.UTC)  # the beat's nightly hour


def night(time_machine, day: dt.date) -> int:
    time_machine.move_to(dt.datetime.combine(day, dt.time(2, 15), tzinfo=dt.UTC))
    return reevaluate_profiles()


def test_a_thrush_left_unresolved_alerts_the_team_the_night_it_reaches_30_days(
    time_machine, linked_child, clinician
):
    time_machine.move_to(START)
    onset = START.date()
    InfectionEpisode.objects.create(profile=linked_child, kind="thrush", onset=onset, severity="mild")
    for days in (1, 15, 29):  # nights before it lasts 30 days
        night(time_machine, onset + dt.timedelta(days=days))
    assert not Alert.objects.exists()
    night(time_machine, onset + dt.timedelta(days=30))
    alert = Alert.objects.get()
    assert (alert.rule, alert.team) == ("persistent_thrush", linked_child.care_links.get().team)
    assert clinician.notifications.filter(alert=alert).exists()
    night(time_machine, onset + dt.timedelta(days=30))  # twice changes nothing
    night(time_machine, onset + dt.timedelta(days=31))
    assert Alert.objects.count() == 1


def test_an_open_antibiotic_course_alerts_the_night_it_reaches_60_days(time_machine, linked_child):
    time_machine.move_to(START)
    Treatment.objects.create(
        profile=linked_child, kind="antibiotic", name="amoxicillin", route="oral", started_on=START.date()
    )
    night(time_machine, START.date() + dt.timedelta(days=58))  # day 59 of the course
    assert not Alert.objects.exists()
    night(time_machine, START.date() + dt.timedelta(days=59))  # day 60
    assert list(Alert.objects.values_list("rule", flat=True)) == ["prolonged_antibiotics"]
    night(time_machine, START.date() + dt.timedelta(days=59))
    assert Alert.objects.count() == 1


def test_three_ear_infections_alert_the_night_a_17_year_old_turns_18(time_machine, owner, team):
    time_machine.move_to(START)
    birthday = START.date() + dt.timedelta(days=10)
    teen = ProfileFactory(
        display_name="Jo", date_of_birth=birthday.replace(year=birthday.year - 18), managed_by=[owner]
    )
    link_to_team(teen, team)
    for days_ago in (200, 100, 20):
        InfectionEpisode.objects.create(
            profile=teen,
            kind="otitis_media",
            onset=START.date() - dt.timedelta(days=days_ago),
            severity="mild",
        )
    night(time_machine, birthday - dt.timedelta(days=1))  # 17: the child threshold is 4
    assert not Alert.objects.exists()
    night(time_machine, birthday)  # 18: the adult threshold is 2
    alert = Alert.objects.get()
    assert (alert.rule, alert.age_band, alert.threshold) == ("recurrent_ear_infections", "adult", 2)
    night(time_machine, birthday)
    assert Alert.objects.count() == 1


def test_the_command_runs_the_same_job(time_machine, linked_child):
    time_machine.move_to(START)
    InfectionEpisode.objects.create(
        profile=linked_child, kind="thrush", onset=START.date() - dt.timedelta(days=30), severity="mild"
    )
    out = StringIO()
    call_command("evaluate_profiles", stdout=out)
    assert "1 new alert" in out.getvalue()
    call_command("evaluate_profiles", stdout=out)
    assert Alert.objects.count() == 1


def test_profiles_are_chosen_in_one_query_and_only_those_time_can_change(time_machine, owner):
    time_machine.move_to(START)
    today = START.date()
    thrush, course, turning, quiet = (ProfileFactory(managed_by=[owner]) for _ in range(4))
    InfectionEpisode.objects.create(profile=thrush, kind="thrush", onset=today, severity="mild")
    InfectionEpisode.objects.create(
        profile=quiet, kind="thrush", onset=today - dt.timedelta(days=50), resolved_on=today - dt.timedelta(days=40),
        severity="mild",
    )  # fmt: skip
    Treatment.objects.create(profile=course, kind="antibiotic", name="a", route="oral", started_on=today)
    Treatment.objects.create(
        profile=quiet, kind="antibiotic", name="a", route="oral", started_on=today - dt.timedelta(days=90),
        ended_on=today - dt.timedelta(days=80),
    )  # fmt: skip
    turning.date_of_birth = today.replace(year=today.year - 18)
    turning.save()
    quiet.date_of_birth = today.replace(year=today.year - 17)
    quiet.save()
    with CaptureQueriesContext(connection) as queries:
        chosen = set(profiles_time_could_cross(today).values_list("pk", flat=True))
    assert len(queries) == 1
    assert chosen == {thrush.pk, course.pk, turning.pk}


def test_the_nightly_run_leaves_no_pending_outbox_rows(time_machine, linked_child):
    time_machine.move_to(START)
    InfectionEpisode.objects.create(profile=linked_child, kind="thrush", onset=START.date(), severity="mild")
    night(time_machine, START.date() + dt.timedelta(days=1))
    assert EvaluationRequest.objects.filter(processed_at__isnull=True).count() == 0
    assert EvaluationRequest.objects.count() == 1
