"""End to end on the real broker: Redis, a real Celery worker, commits that really commit."""

import datetime as dt
import time

from django.core import mail
from django.utils import timezone

from care.models import Alert
from care.tasks import sweep_evaluation_outbox
from diary.models import EvaluationRequest
from sigmd_portal.celery import app as celery_app
from tests.conftest import client_for, reset_publisher, rows

from .test_pipeline import ear_infection, log

TODAY = timezone.localdate()


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def use_broker(url):
    """Point the web side's publisher at another broker URL (the worker keeps its own connection)."""
    celery_app.conf.broker_url = url
    reset_publisher()


def test_four_ear_infections_raise_exactly_one_alert_on_the_worker(
    celery_worker, linked_child, owner, clinician, stranger
):
    client = client_for(owner)
    for d in (300, 200, 100, 5):
        assert log(client, linked_child, ear_infection(d)).status_code == 201
    pending = EvaluationRequest.objects.filter(profile=linked_child, processed_at__isnull=True)
    assert wait_for(lambda: not pending.exists()), list(
        pending.values("created_at", "attempts", "last_error")
    )
    alert = Alert.objects.get()
    assert (alert.rule, len(alert.evidence)) == ("recurrent_ear_infections", 4)
    assert [a["id"] for a in rows(client_for(clinician).get("/api/v1/alerts/"))] == [str(alert.id)]
    assert rows(client_for(stranger).get("/api/v1/alerts/")) == []


def test_a_severe_pneumonia_emails_each_clinician_within_seconds(
    celery_worker, adult, owner, clinician, second_clinician
):
    started = time.monotonic()
    body = {"kind": "pneumonia", "onset": str(TODAY), "severity": "severe"}
    assert log(client_for(owner), adult, body).status_code == 201
    assert wait_for(lambda: len(mail.outbox) >= 2, timeout=20)
    assert time.monotonic() - started < 20
    time.sleep(1)  # nothing more may follow
    assert sorted(m.to[0] for m in mail.outbox) == sorted([clinician.email, second_clinician.email])
    assert Alert.objects.filter(priority="urgent").count() == 1


def test_entries_saved_while_redis_is_unreachable_are_evaluated_when_it_returns(
    celery_worker, linked_child, owner, settings
):
    good = celery_app.conf.broker_url
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        client = client_for(owner)
        for d in (300, 200, 100, 5):
            assert log(client, linked_child, ear_infection(d)).status_code == 201
    finally:
        use_broker(good)
    # Four writes, none dispatched (no alert below): coalesced into one waiting request.
    assert EvaluationRequest.objects.filter(profile=linked_child, processed_at__isnull=True).count() == 1
    time.sleep(1)
    assert not Alert.objects.exists()

    settings.SIGMD_EVALUATION_SWEEP_AGE = dt.timedelta(seconds=0)
    sweep_evaluation_outbox.delay()  # what beat does every minute
    assert wait_for(lambda: Alert.objects.exists())
    assert wait_for(
        lambda: not EvaluationRequest.objects.filter(profile=linked_child, processed_at__isnull=True).exists()
    )
    assert Alert.objects.count() == 1
    assert len(Alert.objects.get().evidence) == 4
