"""A Celery worker SIGKILLed mid-task five times while alerting entries stream in: no alert is
lost, no notification is sent twice, and what a dead task held is re-sent by the sweeps (an
urgent e-mail within about a minute, not after the broker's one-hour visibility timeout)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from care.models import Alert, Delivery
from care.notifications import escalate_unacknowledged_alerts
from care.selectors import deliveries_stale
from care.tasks import sweep_evaluation_outbox, sweep_pending_deliveries
from diary.models import EvaluationRequest
from tests.factories import CareTeamFactory, ProfileFactory, clinician_in, link_to_team

from .alerting import (
    alerts_per_entry,
    clinicians_of,
    emails_per_alert_and_recipient,
    linked_profiles,
    log_red_flag,
    owner_client,
    red_flag_alerts,
    unprocessed,
)
from .conftest import wait_until

ALERT = {
    "summary": "Red-flag symptoms",
    "threshold": 1,
    "window_days": 14,
    "age_band": "child",
    "evidence": [],
}
PROFILES = 15
ENTRIES = 75
KILLS = 5
SWEEP_EVERY_SECONDS = 5


@pytest.mark.proof
@pytest.mark.postgres
@pytest.mark.redis
def test_a_worker_killed_five_times_mid_task_loses_no_alert_and_sends_nothing_twice(
    own_redis, worker_process, settings
):
    # The test plays beat with short ages so the proof stays within a couple of minutes.
    settings.SIGMD_EVALUATION_SWEEP_AGE = timedelta(seconds=2 * SWEEP_EVERY_SECONDS)
    settings.SIGMD_DELIVERY_SWEEP_AGE = timedelta(seconds=2 * SWEEP_EVERY_SECONDS)
    team = CareTeamFactory(name="Killed Worker Immunology")
    clinicians = clinicians_of(team)
    owner, profiles = linked_profiles(team, PROFILES)
    client = owner_client(owner)
    worker_process.start()

    statuses, entry_ids, killed_busy, processed_at_start = [], [], 0, 0
    kill_at = {ENTRIES * (k + 1) // (KILLS + 1) for k in range(KILLS)}
    started = time.monotonic()
    for n in range(ENTRIES):
        status, entry_id = log_red_flag(client, profiles[n % PROFILES])
        statuses.append(status)
        entry_ids.append(entry_id)
        if n in kill_at:
            # Mid-task: once this worker is up and working (it finished something since it
            # started) and still holds dispatched work it has not finished.
            def working(since: int = processed_at_start) -> bool:
                done = EvaluationRequest.objects.filter(processed_at__isnull=False).count()
                in_hand = EvaluationRequest.objects.filter(processed_at__isnull=True)
                return done > since and in_hand.exists()

            killed_busy += wait_until(working, timeout=30, every=0.05)
            worker_process.kill()
            worker_process.start()  # as a supervisor would
            processed_at_start = EvaluationRequest.objects.filter(processed_at__isnull=False).count()
    last_kill = time.monotonic()

    sweeps = 0

    def expected() -> int:
        return red_flag_alerts() * len(clinicians)

    def sent_all() -> bool:
        return sum(emails_per_alert_and_recipient(worker_process.mail_dir).values()) >= expected()

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (
        unprocessed() == 0
        and len(alerts_per_entry()) >= ENTRIES
        and sent_all()
        and not Delivery.objects.filter(status="pending").exists()
    ):
        time.sleep(SWEEP_EVERY_SECONDS)
        sweep_evaluation_outbox()
        sweep_pending_deliveries()
        sweeps += 1
    settled_seconds = time.monotonic() - last_kill
    time.sleep(SWEEP_EVERY_SECONDS)  # anything still in flight would show up as a second send
    sent = emails_per_alert_and_recipient(worker_process.mail_dir)
    raised = alerts_per_entry()

    print(
        f"\nworker SIGKILL: {worker_process.kills} kills ({killed_busy} of a working worker with work in hand) during "
        f"{ENTRIES} entries in {last_kill - started:.0f} s; {statuses.count(201)}/{ENTRIES} writes 201; "
        f"{red_flag_alerts()} alerts naming {len(raised)}/{ENTRIES} entries "
        f"(lost {ENTRIES - len(raised)}, max alerts per entry {max(raised.values(), default=0)}); "
        f"e-mails {sum(sent.values())}/{expected()} (sent twice "
        f"{sum(1 for c in sent.values() if c > 1)}); settled {settled_seconds:.0f} s after the last kill "
        f"in {sweeps} sweeps of {SWEEP_EVERY_SECONDS} s"
    )
    assert worker_process.kills == KILLS
    assert statuses == [201] * ENTRIES
    assert sorted(raised) == sorted(entry_ids) and set(raised.values()) == {1}
    assert len(sent) == expected() and set(sent.values()) == {1}


def test_a_delivery_lost_with_its_worker_is_resent_within_about_a_minute():
    age = django_settings.SIGMD_DELIVERY_SWEEP_AGE
    every = django_settings.CELERY_BEAT_SCHEDULE["sweep-pending-deliveries"]["schedule"]
    print(f"\ndelivery sweep: rows {age.total_seconds():.0f} s old, every {every.total_seconds():.0f} s")
    # Re-sending early is safe: the row lock and status check make a second send impossible.
    assert age + every <= timedelta(seconds=60)


@pytest.mark.django_db
def test_a_stale_untried_delivery_is_picked_up_by_the_sweep(settings):
    team = CareTeamFactory()
    clinician = clinician_in(team)
    profile = ProfileFactory()
    link_to_team(profile, team)
    alert = Alert.objects.create(
        profile=profile, team=team, rule="red_flag_symptoms", priority="urgent", **ALERT
    )
    delivery = Delivery.objects.create(recipient=clinician, channel="email", kind="alert", alert=alert)
    assert deliveries_stale(older_than=settings.SIGMD_DELIVERY_SWEEP_AGE) == []
    Delivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - timedelta(seconds=50))
    assert deliveries_stale(older_than=settings.SIGMD_DELIVERY_SWEEP_AGE) == [delivery.pk]


@pytest.mark.django_db
def test_an_urgent_alert_is_not_escalated_before_its_first_notification_was_attempted():
    team = CareTeamFactory(escalation_delay_minutes=15)
    clinician = clinician_in(team)
    profile = ProfileFactory()
    link_to_team(profile, team)
    alert = Alert.objects.create(
        profile=profile, team=team, rule="red_flag_symptoms", priority="urgent", **ALERT
    )
    Alert.objects.filter(pk=alert.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    first = Delivery.objects.create(recipient=clinician, channel="email", kind="alert", alert=alert)

    assert escalate_unacknowledged_alerts() == []  # its first e-mail died with a worker: send it first

    Delivery.objects.filter(pk=first.pk).update(status="sent", attempts=1, sent_at=timezone.now())
    assert escalate_unacknowledged_alerts() != []
    alert.refresh_from_db()
    assert alert.escalated_at is not None
    kinds = list(Delivery.objects.filter(alert=alert).order_by("created_at").values_list("kind", flat=True))
    assert kinds == ["alert", "escalation"]
