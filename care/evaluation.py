"""The outbox consumer: claim an evaluation request, evaluate its profile against each linked
team's thresholds, raise or grow alerts, fan out the new ones; and the nightly re-evaluation of
profiles that time alone can make cross a threshold.

A failing evaluation cannot spin: its attempt and error are recorded outside the rolled-back
work, the next try waits (backoff), and after SIGMD_EVALUATION_MAX_ATTEMPTS the request is parked
for an operator (/readyz counts them). Functions return ids; care.tasks dispatches.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import CareTeam
from diary.models import EvaluationRequest, Profile

from . import rules
from .alerts import frequency_upsert, urgent_upsert
from .models import Alert, DeliveryKind, Priority
from .notifications import alert_notify
from .selectors import active_teams, longest_window, profile_facts, profiles_time_could_cross, team_settings

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    alert_ids: list[str] = field(default_factory=list)
    delivery_ids: list[int] = field(default_factory=list)
    busy: bool = False  # another worker holds the row: try again shortly
    failed: bool = False


def profile_evaluate(*, profile: Profile, on: date, now: datetime) -> list[Alert]:
    """Evaluate against each linked team's thresholds (defaults without a link) and upsert the
    alerts; returns the new ones. The caller holds the profile's evaluation lock."""
    teams: list[CareTeam | None] = [*active_teams(profile)] or [None]
    thresholds = {team.pk if team else None: team_settings(team) for team in teams}
    facts = profile_facts(profile, on=on, lookback_days=longest_window(thresholds.values()))
    band = rules.age_band(profile.date_of_birth, on)
    created: list[Alert] = []
    for team in teams:
        urgent: dict[str, list[rules.Finding]] = defaultdict(list)
        for finding in rules.evaluate(facts, on, thresholds[team.pk if team else None]):
            if finding.priority == Priority.URGENT:
                urgent[finding.rule].append(finding)
            elif alert := frequency_upsert(team=team, profile=profile, finding=finding, band=band):
                created.append(alert)
        for findings in urgent.values():
            created += urgent_upsert(team=team, profile=profile, findings=findings, band=band, now=now)
    return created


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4 … minutes, capped at 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def evaluation_run(*, request_id: Any) -> Outcome:
    """Claim one outbox row (locking that row only), evaluate its profile, mark it done."""
    now = timezone.now()
    with transaction.atomic():
        request = (
            EvaluationRequest.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(pk=request_id, processed_at__isnull=True, parked_at__isnull=True)
            .first()
        )
        if request is None:
            still_pending = EvaluationRequest.objects.filter(
                pk=request_id, processed_at__isnull=True, parked_at__isnull=True
            ).exists()
            return Outcome(busy=still_pending)
        request.attempts += 1
        try:
            with transaction.atomic():
                # One evaluation of a profile at a time; NO KEY UPDATE does not wait for diary writes.
                profile = Profile.objects.select_for_update(no_key=True).get(pk=request.profile_id)
                alerts = profile_evaluate(profile=profile, on=timezone.localdate(now), now=now)
                deliveries = [
                    d for alert in alerts for d in alert_notify(alert=alert, kind=DeliveryKind.ALERT)
                ]
        except Exception as exc:  # recorded, retried later, parked at the limit: never spinning
            log.exception("evaluation %s failed (attempt %s)", request.pk, request.attempts)
            request_failed(request, exc, now=now)
            return Outcome(failed=True)
        request.processed_at = now
        request.save(update_fields=["attempts", "processed_at"])
    return Outcome(alert_ids=[str(a.pk) for a in alerts], delivery_ids=deliveries)


def request_failed(request: EvaluationRequest, exc: Exception, *, now: datetime) -> None:
    request.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if request.attempts >= settings.SIGMD_EVALUATION_MAX_ATTEMPTS:
        request.parked_at, request.next_attempt_at = now, None
    else:
        request.next_attempt_at = now + retry_delay(request.attempts)
    request.save(update_fields=["attempts", "last_error", "next_attempt_at", "parked_at"])


def profiles_reevaluate(*, on: date, batch_size: int = 500) -> Outcome:
    """The nightly job: an outbox row for every profile time alone could make cross (chosen in one
    query), evaluated batch by batch. Safe to run twice: dedup makes it change nothing."""
    total = Outcome()
    profile_ids = list(profiles_time_could_cross(on).values_list("pk", flat=True))
    for start in range(0, len(profile_ids), batch_size):
        now = timezone.now()
        batch = [
            EvaluationRequest(profile_id=pk, dispatched_at=now)
            for pk in profile_ids[start : start + batch_size]
        ]
        for request in EvaluationRequest.objects.bulk_create(batch):
            outcome = evaluation_run(request_id=request.pk)
            total.alert_ids += outcome.alert_ids
            total.delivery_ids += outcome.delivery_ids
    return total


def evaluation_requests_prune(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Forget processed outbox rows after the retention period (parked ones stay for an operator)."""
    cutoff = (now or timezone.now()) - older_than
    return EvaluationRequest.objects.filter(processed_at__lt=cutoff).delete()[0]
