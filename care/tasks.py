"""The only module that enqueues. Thin: take ids, call a service, dispatch what it returns; safe
to run twice. Services never import this module (they return ids), so there is no import circle."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from diary import services
from diary.services import EVALUATION_BATCH

from . import evaluation, notifications, selectors
from .transports import TransientDeliveryError

log = logging.getLogger(__name__)
BUSY_RETRY_SECONDS = 1  # a row another worker holds is retried at once, not left for the sweep


def deliveries_dispatch(delivery_ids: Iterable[int]) -> None:
    """Enqueue sends (their rows are committed already); a lost publish is left to the sweep."""
    for delivery_id in delivery_ids:
        try:
            deliver.delay(delivery_id)
        except Exception:
            log.warning("delivery %s not dispatched; the sweep will retry", delivery_id, exc_info=True)


@shared_task(name="care.tasks.evaluate_profile", bind=True, max_retries=30)
def evaluate_profile(self, request_id: str) -> list[str]:
    """One outbox row: an urgent entry's, or one that was busy."""
    outcome = evaluation.evaluation_run(request_id=request_id)
    if outcome.busy:
        raise self.retry(countdown=BUSY_RETRY_SECONDS)
    deliveries_dispatch(outcome.delivery_ids)
    return outcome.alert_ids


def outcome_dispatch(outcome: evaluation.Outcome) -> None:
    """Send what an evaluation made; rows that were busy go back one by one, shortly."""
    for request_id in outcome.busy_ids:
        try:
            evaluate_profile.apply_async(args=[request_id], countdown=BUSY_RETRY_SECONDS)
        except Exception:
            log.warning("evaluation %s not re-sent; the sweep will retry", request_id, exc_info=True)
    deliveries_dispatch(outcome.delivery_ids)


@shared_task(name="care.tasks.evaluate_waiting")
def evaluate_waiting() -> int:
    """Every routine outbox row waiting (the routine writes of the last moment, together)."""
    services.routine_kick_release()  # first: a row committed from now on sends another task
    outcome = evaluation.waiting_run()
    if outcome.busy:  # another evaluation holds some of their profiles: again shortly
        services.evaluation_waiting_dispatch(countdown=BUSY_RETRY_SECONDS)
    deliveries_dispatch(outcome.delivery_ids)
    return len(outcome.alert_ids)


@shared_task(name="care.tasks.evaluate_requests")
def evaluate_requests(request_ids: list[str]) -> int:
    """A batch of outbox rows (a team's new thresholds, the sweep), evaluated together."""
    outcome = evaluation.requests_run(request_ids=request_ids)
    outcome_dispatch(outcome)
    return len(outcome.alert_ids)


@shared_task(name="care.tasks.evaluate_team")
def evaluate_team(team_evaluation_id: str) -> int:
    """A team's new thresholds: split into parts of a batch of its linked profiles, one task each."""
    parts = evaluation.team_evaluation_run(team_evaluation_id=team_evaluation_id)
    team_parts_dispatch(parts)
    return len(parts)


@shared_task(name="care.tasks.evaluate_team_part")
def evaluate_team_part(part_id: int) -> int:
    outcome = evaluation.team_part_run(part_id=part_id)
    deliveries_dispatch(outcome.delivery_ids)
    return len(outcome.alert_ids)


def team_parts_dispatch(part_ids: Iterable[int]) -> None:
    """Enqueue a team re-evaluation's parts (committed already); a lost publish is left to the sweep."""
    for part_id in part_ids:
        try:
            evaluate_team_part.delay(part_id)
        except Exception:
            log.warning(
                "team evaluation part %s not dispatched; the sweep will retry", part_id, exc_info=True
            )


def team_evaluation_dispatch(team_evaluation_id: Any) -> None:
    """Called once the threshold change committed; a lost publish is left to the sweep."""
    try:
        evaluate_team.delay(str(team_evaluation_id))
    except Exception:
        log.warning(
            "team evaluation %s not dispatched; the sweep will retry", team_evaluation_id, exc_info=True
        )


@shared_task(name="care.tasks.sweep_evaluation_outbox")
def sweep_evaluation_outbox() -> int:
    """Re-send outbox rows left unprocessed (a broker that was down, a worker that died) and
    those due again after a failure's backoff, in batches; and lost team re-evaluations and parts."""
    now, age = timezone.now(), settings.SIGMD_EVALUATION_SWEEP_AGE
    for team_evaluation_id in selectors.team_evaluations_due(now=now, sweep_age=age):
        team_evaluation_dispatch(team_evaluation_id)
    team_parts_dispatch(selectors.team_parts_due(now=now, sweep_age=age))
    due = selectors.evaluation_requests_due(now=now, sweep_age=age)
    for start in range(0, len(due), EVALUATION_BATCH):
        evaluate_requests.delay(due[start : start + EVALUATION_BATCH])
    return len(due)


@shared_task(name="care.tasks.reevaluate_profiles")
def reevaluate_profiles() -> int:
    """Nightly: profiles that time alone could make cross a threshold (see evaluate_profiles)."""
    outcome = evaluation.profiles_reevaluate(on=timezone.localdate())
    outcome_dispatch(outcome)
    return len(outcome.alert_ids)


@shared_task(name="care.tasks.deliver", bind=True, max_retries=notifications.MAX_ATTEMPTS)
def deliver(self, delivery_id: int) -> str:
    try:
        return notifications.delivery_send(delivery_id=delivery_id)
    except TransientDeliveryError as exc:
        raise self.retry(exc=exc, countdown=notifications.backoff_seconds(self.request.retries)) from exc


@shared_task(name="care.tasks.escalate_unacknowledged_alerts")
def escalate_unacknowledged_alerts() -> int:
    deliveries = notifications.escalate_unacknowledged_alerts()
    deliveries_dispatch(deliveries)
    return len(deliveries)


@shared_task(name="care.tasks.send_routine_digests")
def send_routine_digests() -> int:
    deliveries = notifications.routine_digests_send(day=timezone.localdate())
    deliveries_dispatch(deliveries)
    return len(deliveries)


@shared_task(name="care.tasks.sweep_pending_deliveries")
def sweep_pending_deliveries() -> int:
    pending = selectors.deliveries_stale(older_than=settings.SIGMD_DELIVERY_SWEEP_AGE)
    deliveries_dispatch(pending)
    return len(pending)


@shared_task(name="care.tasks.prune_pipeline")
def prune_pipeline() -> int:
    """Forget processed outbox rows and finished deliveries after SIGMD_PIPELINE_RETENTION."""
    keep = settings.SIGMD_PIPELINE_RETENTION
    return evaluation.evaluation_requests_prune(older_than=keep) + notifications.deliveries_prune(
        older_than=keep
    )
