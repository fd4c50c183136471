"""Redis stops in the middle of 200 alerting entries and comes back: every write is a 201,
reads keep working, and once Redis is back every alert is raised exactly once, with one
notification per clinician — none lost, none twice."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from care.models import Delivery
from care.tasks import sweep_evaluation_outbox, sweep_pending_deliveries
from tests.factories import CareTeamFactory

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

pytestmark = [pytest.mark.proof, pytest.mark.postgres, pytest.mark.redis]
PROFILES = 40
ENTRIES = 200
OUTAGE = range(60, 110)  # the entries written while Redis is stopped


def test_a_redis_outage_during_200_alerting_entries_loses_nothing_and_sends_nothing_twice(
    own_redis, worker_process, settings
):
    settings.SIGMD_EVALUATION_SWEEP_AGE = timedelta(seconds=2)
    settings.SIGMD_DELIVERY_SWEEP_AGE = timedelta(seconds=2)
    team = CareTeamFactory(name="Outage Immunology")
    clinicians = clinicians_of(team)
    owner, profiles = linked_profiles(team, PROFILES)
    client = owner_client(owner)
    worker_process.start()

    statuses, entry_ids, reads_during_outage = [], [], []
    started = time.monotonic()
    for n in range(ENTRIES):
        if n == OUTAGE.start:
            own_redis.stop()
            outage_started = time.monotonic()
        if n == OUTAGE.stop:
            own_redis.start()  # same port: the worker and the web side reconnect by themselves
            outage_seconds = time.monotonic() - outage_started
            returned = time.monotonic()
        status, entry_id = log_red_flag(client, profiles[n % PROFILES])
        statuses.append(status)
        entry_ids.append(entry_id)
        if n in OUTAGE and n % 10 == 0:
            reads_during_outage.append(client.get("/api/v1/profiles/").status_code)
            reads_during_outage.append(client.get("/api/v1/me").status_code)
    readiness_after = client.get("/readyz").json()

    # Beat's part, played by the test: sweep the outbox and the deliveries until nothing is left.
    sweeps = 0
    while sweeps < 2 and (unprocessed() or Delivery.objects.filter(status="pending").exists()):
        sweep_evaluation_outbox()
        sweep_pending_deliveries()
        sweeps += 1
        wait_until(lambda: unprocessed() == 0, timeout=60, every=1)
    wait_until(lambda: len(alerts_per_entry()) >= ENTRIES, timeout=30, every=1)
    expected_emails = red_flag_alerts() * len(clinicians)
    wait_until(
        lambda: sum(emails_per_alert_and_recipient(worker_process.mail_dir).values()) >= expected_emails,
        timeout=60,
        every=1,
    )
    recovered_seconds = time.monotonic() - returned
    sent = emails_per_alert_and_recipient(worker_process.mail_dir)
    raised = alerts_per_entry()

    print(
        f"\nredis outage: {ENTRIES} entries in {time.monotonic() - started:.0f} s, "
        f"{len(OUTAGE)} of them during a {outage_seconds:.1f} s outage; "
        f"{statuses.count(201)}/{ENTRIES} writes 201; reads during outage {reads_during_outage.count(200)}/"
        f"{len(reads_during_outage)} 200; sweeps after return {sweeps}; "
        f"{red_flag_alerts()} alerts naming {len(raised)}/{ENTRIES} entries (max alerts per entry "
        f"{max(raised.values(), default=0)}); "
        f"e-mails {sum(sent.values())}/{expected_emails} (max per alert and clinician "
        f"{max(sent.values(), default=0)}); all done {recovered_seconds:.0f} s after Redis returned"
    )
    assert statuses == [201] * ENTRIES
    assert set(reads_during_outage) == {200}
    assert readiness_after["cache"] == "ok" and readiness_after["broker"] == "ok"
    assert unprocessed() == 0
    assert sorted(raised) == sorted(entry_ids) and set(raised.values()) == {1}
    assert len(sent) == expected_emails and set(sent.values()) == {1}
