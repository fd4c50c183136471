"""Telling clinicians: fan-out of a new alert, escalation of unacknowledged urgent alerts, the daily
digest of routine ones, and sending one delivery. Who is told is decided by the one alert
selector; how a message travels, by care.transports. Functions return ids; care.tasks dispatches."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Alert, AlertStatus, Channel, Delivery, DeliveryKind, DeliveryStatus, Priority
from .selectors import (
    alert_still_to_tell,
    alerts_to_escalate,
    clinicians_seeing_each,
    digest_recipients,
    routine_alerts_for_digest,
)
from .transports import IN_APP, TRANSPORTS, TransientDeliveryError, channels_enabled, message_for

MAX_ATTEMPTS = 6


def alert_notify(*, alert: Alert, kind: str) -> list[int]:
    return alerts_notify(alerts=[alert], kind=kind)


def alerts_notify(*, alerts: list[Alert], kind: str, fresh: bool = False) -> list[int]:
    """In-app at once for every clinician who sees each alert; e-mail and push for urgent alerts
    and escalations (routine ones wait for the daily digest). Returns the deliveries to dispatch.
    A constant number of queries for any number of alerts (alerts without a team show to the
    profile's managers only). `fresh`: alerts raised in this transaction (no inbox row yet)."""
    seeing = clinicians_seeing_each([a for a in alerts if a.team_id is not None])
    IN_APP.send_many(
        [
            message_for(recipient=c, kind=kind, alert_id=pk)
            for pk, clinicians in seeing.items()
            for c in clinicians
        ],
        fresh=fresh,
    )
    immediate = {a.pk for a in alerts if a.priority == Priority.URGENT or kind == DeliveryKind.ESCALATION}
    wanted = [
        Delivery(recipient=clinician, channel=channel, kind=kind, alert_id=pk)
        for pk, clinicians in seeing.items()
        if pk in immediate
        for clinician in clinicians
        for channel in channels_enabled()
    ]
    if not wanted:
        return []
    Delivery.objects.bulk_create(wanted, ignore_conflicts=True)  # a retried fan-out adds none
    return list(
        Delivery.objects.filter(
            alert_id__in=immediate, kind=kind, status=DeliveryStatus.PENDING, attempts=0
        ).values_list("pk", flat=True)
    )


def escalate_unacknowledged_alerts(*, now: datetime | None = None) -> list[int]:
    """Escalate, once, every urgent alert left open past its team's delay, to every clinician who
    sees it on every channel. Returns the deliveries to dispatch."""
    now = now or timezone.now()
    deliveries = []
    for alert in alerts_to_escalate(now):
        with transaction.atomic():
            # The conditional update is the claim: a second beat or worker finds nothing to do.
            claimed = Alert.objects.filter(
                pk=alert.pk, status=AlertStatus.OPEN, escalated_at__isnull=True
            ).update(escalated_at=now)
            if claimed:
                deliveries += alert_notify(alert=alert, kind=DeliveryKind.ESCALATION)
    return deliveries


def routine_digests_send(*, day: date) -> list[int]:
    """One e-mail per clinician per day, only for those who still see new unresolved routine alerts."""
    created = []
    with transaction.atomic():
        for clinician in digest_recipients(day):
            if not routine_alerts_for_digest(clinician, day).exists():
                continue
            delivery, is_new = Delivery.objects.get_or_create(
                recipient=clinician, channel=Channel.EMAIL, kind=DeliveryKind.DIGEST, digest_date=day
            )
            if is_new:
                created.append(delivery.pk)
    return created


def backoff_seconds(attempt: int) -> int:
    """Exponential backoff with full jitter, capped at 10 minutes (below the visibility timeout)."""
    return random.randint(1, min(settings.CELERY_MAX_COUNTDOWN_SECONDS, 10 * 2**attempt))


def delivery_send(*, delivery_id: Any) -> str:
    """Send one delivery at most once: the row is locked while sending and marked sent in the
    same transaction. Raises TransientDeliveryError (after recording it) when a retry should follow."""
    failure: TransientDeliveryError | None = None
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return delivery.status if delivery else "missing"
        if delivery.alert_id and not alert_still_to_tell(
            alert_id=delivery.alert_id, recipient=delivery.recipient
        ):
            delivery.status = DeliveryStatus.SKIPPED  # resolved, or consent revoked, before we got to it
            delivery.save(update_fields=["status"])
            return delivery.status
        digest_count = 0
        if delivery.kind == DeliveryKind.DIGEST and delivery.digest_date is not None:
            digest_count = routine_alerts_for_digest(delivery.recipient, delivery.digest_date).count()
        message = message_for(
            recipient=delivery.recipient,
            kind=delivery.kind,
            alert_id=delivery.alert_id,
            digest_count=digest_count,
        )
        delivery.attempts += 1
        try:
            TRANSPORTS[delivery.channel].send(message)
        except TransientDeliveryError as exc:
            failure = exc
            delivery.last_error = str(exc)[:2000]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
        else:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = timezone.now()
        delivery.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    if failure is not None and delivery.status == DeliveryStatus.PENDING:
        raise failure
    return delivery.status


def deliveries_prune(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Forget finished deliveries (sent, failed, skipped) after the retention period."""
    cutoff = (now or timezone.now()) - older_than
    finished = Delivery.objects.exclude(status=DeliveryStatus.PENDING).filter(created_at__lt=cutoff)
    return finished.delete()[0]
