"""Thin task interface: take ids, call a service, be safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services


@shared_task(name="care.tasks.evaluate_profile", bind=True, max_retries=5)
def evaluate_profile(self, request_id: str) -> list[str]:
    return services.evaluation_run(request_id=request_id)


@shared_task(name="care.tasks.sweep_evaluation_outbox")
def sweep_evaluation_outbox() -> int:
    """Re-send outbox rows left unprocessed (a broker that was down, a worker that died)."""
    stale = services.evaluation_requests_stale(older_than=settings.SIGMD_EVALUATION_SWEEP_AGE)
    for request_id in stale:
        evaluate_profile.delay(request_id)
    return len(stale)


@shared_task(name="care.tasks.deliver", bind=True, max_retries=services.MAX_ATTEMPTS)
def deliver(self, delivery_id: int) -> str:
    try:
        return services.delivery_send(delivery_id=delivery_id)
    except services.TransientDeliveryError as exc:
        raise self.retry(exc=exc, countdown=services.backoff_seconds(self.request.retries)) from exc


@shared_task(name="care.tasks.escalate_unacknowledged_alerts")
def escalate_unacknowledged_alerts() -> list[str]:
    return services.escalate_unacknowledged_alerts()


@shared_task(name="care.tasks.send_routine_digests")
def send_routine_digests() -> int:
    return len(services.routine_digests_send(day=timezone.localdate()))


@shared_task(name="care.tasks.sweep_pending_deliveries")
def sweep_pending_deliveries() -> int:
    pending = services.deliveries_stale(older_than=settings.SIGMD_DELIVERY_SWEEP_AGE)
    for delivery_id in pending:
        deliver.delay(delivery_id)
    return len(pending)
