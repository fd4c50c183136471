"""The urgent route: an entry that may raise an urgent alert is evaluated on the urgent queue, its
e-mails go out on it too, and a worker takes that queue before any backlog of routine work."""

import datetime as dt

import pytest
from celery import Celery
from celery.signals import before_task_publish
from django.conf import settings
from django.utils import timezone
from kombu import Consumer

from diary.models import EvaluationRequest
from tests.conftest import client_for
from tests.security.conftest import RedisProcess

from .test_worker import wait_for

TODAY = timezone.localdate()


def all_evaluated() -> bool:
    """Wait for the worker to finish (a busy row's retry included) before the test's data goes."""
    return wait_for(lambda: not EvaluationRequest.objects.filter(processed_at__isnull=True).exists())


@pytest.fixture
def published():
    """(task name, queue) of every task the web side publishes to the real broker."""
    seen: list[tuple[str, str]] = []

    def record(sender=None, routing_key=None, **kwargs):
        seen.append((sender, routing_key))

    before_task_publish.connect(record, weak=False)
    yield seen
    before_task_publish.disconnect(record)


def test_a_red_flag_entry_and_its_emails_take_the_urgent_queue_a_routine_one_does_not(
    celery_worker, published, adult, owner, clinician, mailoutbox
):
    client = client_for(owner)
    routine = {"recorded_at": timezone.now().isoformat(), "symptoms": ["cough"]}
    assert client.post(f"/api/v1/profiles/{adult.id}/symptoms/", routine, format="json").status_code == 201
    before_urgent = len(published)
    urgent = {"recorded_at": timezone.now().isoformat(), "symptoms": ["stiff_neck"]}
    assert client.post(f"/api/v1/profiles/{adult.id}/symptoms/", urgent, format="json").status_code == 201
    assert wait_for(lambda: len(mailoutbox) >= 1, timeout=20)
    assert all_evaluated()
    sent = [
        (k, name, queue)
        for k, (name, queue) in enumerate(published)
        if name.startswith("care.tasks.evaluate")
    ]
    # The routine write sends the task for every routine row waiting, on the default queue.
    assert sent[0] == (0, "care.tasks.evaluate_waiting", settings.CELERY_TASK_DEFAULT_QUEUE)
    # The urgent write sends its own row alone, on the urgent queue (a busy row's retry, published
    # by the worker, may come between).
    assert any(
        k >= before_urgent and (name, queue) == ("care.tasks.evaluate_profile", settings.SIGMD_URGENT_QUEUE)
        for k, name, queue in sent
    )
    deliveries = {queue for name, queue in published if name == "care.tasks.deliver"}
    assert deliveries == {settings.SIGMD_URGENT_QUEUE}


def test_a_severe_infection_takes_the_urgent_queue(celery_worker, published, adult, owner):
    body = {"kind": "pneumonia", "onset": str(TODAY - dt.timedelta(days=1)), "severity": "severe"}
    assert (
        client_for(owner).post(f"/api/v1/profiles/{adult.id}/infections/", body, format="json").status_code
        == 201
    )
    assert all_evaluated()
    assert published[0] == ("care.tasks.evaluate_profile", settings.SIGMD_URGENT_QUEUE)


def test_a_worker_takes_the_urgent_queue_before_a_backlog_of_routine_work(tmp_path, require_redis):
    """The settings' queues and transport options, on a broker of the test's own: 20 routine
    tasks are waiting when an urgent one arrives; a consumer of the worker's queues, through the
    transport the worker uses, is handed the urgent one first, then the backlog in order."""
    server = RedisProcess(tmp_path)
    server.start()
    proof = Celery("priority-proof", set_as_current=False)
    proof.config_from_object("django.conf:settings", namespace="CELERY")
    proof.conf.broker_url = server.url
    proof.conf.task_always_eager = False
    work = proof.signature("proof.work")
    try:
        for k in range(20):
            work.clone(args=[f"routine-{k}"]).apply_async()
        work.clone(args=["urgent"]).apply_async(queue=settings.SIGMD_URGENT_QUEUE)
        received: list[str] = []

        def take(body, message) -> None:
            received.append(body[0][0])  # Celery's message body: (args, kwargs, embed)
            message.ack()

        with proof.connection_for_read() as connection:
            queues = list(proof.amqp.queues.values())  # what `celery worker` consumes, in order
            assert [q.name for q in queues] == [
                settings.SIGMD_URGENT_QUEUE,
                settings.CELERY_TASK_DEFAULT_QUEUE,
            ]
            with Consumer(connection, queues=queues, callbacks=[take], accept=["json"], prefetch_count=1):
                while len(received) < 21:
                    connection.drain_events(timeout=10)
    finally:
        server.stop()
    assert received == ["urgent", *(f"routine-{k}" for k in range(20))]
