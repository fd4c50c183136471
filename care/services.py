"""Evaluation, the alert lifecycle and notifications."""

from __future__ import annotations

import logging
import random
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import CareTeam, User
from diary.errors import IllegalTransition
from diary.models import CareLink, EvaluationRequest, Profile
from diary.services import access_record, evaluation_request

from . import rules
from .models import (
    Alert,
    AlertStatus,
    Channel,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Notification,
    Priority,
    PushSubscription,
    TeamRuleSetting,
)
from .selectors import active_teams, profile_facts, team_settings, with_active_consent

log = logging.getLogger(__name__)


# --- evaluation ------------------------------------------------------------------------------


def dedup_key(*, team: CareTeam | None, profile: Profile, finding: rules.Finding) -> str:
    scope = f"{team.pk if team else '-'}:{profile.pk}:{finding.rule}"
    return f"u:{scope}:{finding.trigger}" if finding.priority == Priority.URGENT else f"f:{scope}"


def resolved_evidence(*, team: CareTeam | None, profile: Profile) -> dict[str, frozenset[str]]:
    """Per frequency rule, the entries already accounted for by resolved alerts: after a
    resolution only a fresh crossing (new entries reaching the threshold) raises a new alert."""
    seen: dict[str, set[str]] = {}
    for alert in Alert.objects.filter(
        team=team, profile=profile, priority=Priority.ROUTINE, status=AlertStatus.RESOLVED
    ):
        seen.setdefault(alert.rule, set()).update(alert.evidence_ids)
    return {rule: frozenset(ids) for rule, ids in seen.items()}


def alert_upsert(
    *, team: CareTeam | None, profile: Profile, finding: rules.Finding, band: str
) -> tuple[Alert, bool]:
    """Create the alert, or add new evidence to the unresolved one with the same key. The
    database constraint on dedup_key makes replays and concurrent evaluations safe."""
    key = dedup_key(team=team, profile=profile, finding=finding)
    evidence = [{"type": kind, "id": entry_id} for kind, entry_id in finding.evidence]
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                profile=profile,
                team=team,
                rule=finding.rule,
                priority=finding.priority,
                summary=finding.summary,
                threshold=finding.threshold,
                window_days=finding.window_days,
                age_band=band,
                evidence=evidence,
                dedup_key=key,
            )
            return alert, True
    except IntegrityError:
        pass
    alert = (
        Alert.objects.select_for_update()
        .filter(dedup_key=key)
        .exclude(priority=Priority.ROUTINE, status=AlertStatus.RESOLVED)
        .get()
    )
    if finding.priority == Priority.ROUTINE:
        known = alert.evidence_ids
        added = [item for item in evidence if item["id"] not in known]
        if added:
            alert.evidence = [*alert.evidence, *added]
            alert.summary = replace(
                finding, evidence=tuple((i["type"], i["id"]) for i in alert.evidence)
            ).summary
            alert.save(update_fields=["evidence", "summary", "updated_at"])
    return alert, False


def profile_evaluate(*, profile: Profile, on: date) -> list[Alert]:
    """Evaluate against each linked team's thresholds (defaults without a link); returns new alerts."""
    facts = profile_facts(profile)
    band = rules.age_band(profile.date_of_birth, on)
    created = []
    for team in active_teams(profile) or [None]:
        already = resolved_evidence(team=team, profile=profile)
        thresholds = team_settings(team)
        for finding in rules.evaluate(facts, on, thresholds):
            if finding.priority == Priority.ROUTINE and finding.rule in already:
                fresh = rules.evaluate_rule(
                    finding.rule, facts.without(already[finding.rule]), on, thresholds
                )
                if not fresh:
                    continue
                finding = fresh[0]
            alert, is_new = alert_upsert(team=team, profile=profile, finding=finding, band=band)
            if is_new:
                created.append(alert)
    return created


def evaluation_run(*, request_id: Any) -> list[str]:
    """Claim one outbox row, evaluate its profile, and mark it done — all in one transaction,
    so a worker that dies leaves the row for the sweep. Returns ids of new alerts."""
    with transaction.atomic():
        request = (
            EvaluationRequest.objects.select_for_update(skip_locked=True)
            .select_related("profile")
            .filter(pk=request_id, processed_at__isnull=True)
            .first()
        )
        if request is None:
            return []  # done already, or another worker holds it
        request.attempts += 1
        alerts = profile_evaluate(profile=request.profile, on=timezone.localdate())
        request.processed_at = timezone.now()
        request.save(update_fields=["processed_at", "attempts"])
        for alert in alerts:
            alert_notify(alert=alert, kind=DeliveryKind.ALERT)
    return [str(alert.pk) for alert in alerts]


def evaluation_requests_stale(*, older_than: timedelta) -> list[str]:
    cutoff = timezone.now() - older_than
    rows = EvaluationRequest.objects.filter(processed_at__isnull=True, created_at__lte=cutoff)
    return [str(pk) for pk in rows.order_by("created_at").values_list("pk", flat=True)[:500]]


# --- notifications ---------------------------------------------------------------------------


def clinicians_of(team: CareTeam) -> list[User]:
    return list(User.objects.filter(team_memberships__team=team, is_active=True))


def alert_notify(*, alert: Alert, kind: str) -> list[Delivery]:
    """In-app at once for everyone in the team; e-mail and push at once for urgent alerts and
    escalations (routine ones wait for the daily digest). Deliveries are dispatched on commit."""
    if alert.team is None:
        return []  # no care team: the alert shows to the profile's managers only
    deliveries = []
    immediate = alert.priority == Priority.URGENT or kind == DeliveryKind.ESCALATION
    channels = [Channel.EMAIL, *([Channel.PUSH] if settings.WEB_PUSH_ENABLED else [])]
    for clinician in clinicians_of(alert.team):
        Notification.objects.get_or_create(recipient=clinician, alert=alert, kind=kind)
        if not immediate:
            continue
        for channel in channels:
            delivery, created = Delivery.objects.get_or_create(
                recipient=clinician, channel=channel, kind=kind, alert=alert
            )
            if created:
                deliveries.append(delivery)
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: delivery_dispatch(pk), robust=True)
    return deliveries


def delivery_dispatch(delivery_id: int) -> None:
    from .tasks import deliver

    try:
        deliver.delay(delivery_id)
    except Exception:
        log.warning("delivery %s not dispatched; the sweep will retry", delivery_id, exc_info=True)


class TransientDeliveryError(Exception):
    pass


URGENT_SUBJECT = "New urgent alert: please open the clinic"
ESCALATION_SUBJECT = "Urgent alert still unacknowledged: please open the clinic"
DIGEST_SUBJECT = "Your daily summary of routine alerts"


def clinic_url(path: str = "/clinic/") -> str:
    return f"{settings.SIGMD_SITE_URL}{path}"


def message_for(delivery: Delivery) -> tuple[str, str, str]:
    """(subject, body, url) — never any health data: no names, no conditions."""
    if delivery.kind == DeliveryKind.DIGEST:
        count = routine_alerts_for_digest(delivery.recipient, delivery.digest_date).count()  # type: ignore[arg-type]
        body = f"You have {count} new routine alert(s) from the last day. Open the clinic to review them:\n"
        return DIGEST_SUBJECT, body + clinic_url(), clinic_url()
    url = clinic_url(f"/clinic/alerts/{delivery.alert_id}/")
    subject = ESCALATION_SUBJECT if delivery.kind == DeliveryKind.ESCALATION else URGENT_SUBJECT
    return subject, f"{subject}.\n\n{url}\n", url


def send_email(delivery: Delivery) -> None:
    subject, body, _ = message_for(delivery)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [delivery.recipient.email])
    except (OSError, TimeoutError) as exc:  # smtplib errors are OSErrors
        raise TransientDeliveryError(str(exc)) from exc


def send_push(delivery: Delivery) -> None:
    import json

    from pywebpush import WebPushException, webpush

    subject, _, url = message_for(delivery)
    payload = json.dumps({"title": "SIgMD Portal", "body": subject, "url": url})
    failures = []
    for subscription in PushSubscription.objects.filter(user=delivery.recipient):
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=payload,
                vapid_private_key=settings.VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                timeout=10,
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in (404, 410):
                subscription.delete()  # the push service says this device is gone
            else:
                failures.append(str(exc))
    if failures:
        raise TransientDeliveryError("; ".join(failures))


SENDERS = {Channel.EMAIL: send_email, Channel.PUSH: send_push}
MAX_ATTEMPTS = 6


def backoff_seconds(attempt: int) -> int:
    """Exponential backoff with full jitter, capped at 10 minutes (below the visibility timeout)."""
    return random.randint(1, min(settings.CELERY_MAX_COUNTDOWN_SECONDS, 10 * 2**attempt))


def alert_still_to_tell(delivery: Delivery) -> bool:
    alert = with_active_consent(Alert.objects.filter(pk=delivery.alert_id)).first()
    return alert is not None and alert.status != AlertStatus.RESOLVED


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery at most once: the row is locked while sending and marked sent in the
    same transaction. Raises TransientDeliveryError (after recording it) when a retry should follow."""
    failure: TransientDeliveryError | None = None
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().select_related("recipient").filter(pk=delivery_id).first()
        )
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return delivery.status if delivery else "missing"
        if delivery.alert_id and not alert_still_to_tell(delivery):
            delivery.status = DeliveryStatus.SKIPPED  # resolved, or consent revoked, before we got to it
            delivery.save(update_fields=["status"])
            return delivery.status
        delivery.attempts += 1
        try:
            SENDERS[delivery.channel](delivery)
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


# --- the lifecycle ----------------------------------------------------------------------------


# The domain's error (409 `illegal_transition` through the API's one exception handler).
AlertTransitionError = IllegalTransition


def alerts_seen(*, actor: User, alerts: list[Alert], ip: str | None) -> None:
    """Write the access log for a clinician's look at a list of alerts: once per profile."""
    if not actor.is_clinician:
        return  # managers reading their own profiles' alerts are not logged
    first_per_profile = {alert.profile_id: alert for alert in reversed(alerts)}
    for alert in first_per_profile.values():
        access_record(actor=actor, profile=alert.profile, action="read", obj=alert, ip=ip)


@transaction.atomic
def alert_acknowledge(*, alert: Alert, user: User, ip: str | None = None) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    access_record(actor=user, profile=alert.profile, action="update", obj=alert, ip=ip)
    if alert.status == AlertStatus.RESOLVED:
        raise AlertTransitionError("This alert is already resolved.")
    if alert.status == AlertStatus.OPEN:
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = user
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
    return alert


@transaction.atomic
def alert_resolve(*, alert: Alert, user: User, note: str, ip: str | None = None) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    access_record(actor=user, profile=alert.profile, action="update", obj=alert, ip=ip)
    if alert.status == AlertStatus.RESOLVED:
        raise AlertTransitionError("This alert is already resolved.")
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, user
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at, alert.resolved_by, alert.resolution_note = now, user, note
    alert.save()
    return alert


# --- escalation and digests ------------------------------------------------------------------


def escalate_unacknowledged_alerts(*, now: Any = None) -> list[str]:
    """Escalate, once, every urgent alert left open past its team's delay, to every clinician of
    the team on every channel."""
    now = now or timezone.now()
    escalated = []
    candidates = with_active_consent(
        Alert.objects.filter(priority=Priority.URGENT, status=AlertStatus.OPEN, escalated_at__isnull=True)
    ).select_related("team")
    for alert in candidates:
        if alert.created_at > now - timedelta(minutes=alert.team.escalation_delay_minutes):  # type: ignore[union-attr]
            continue
        with transaction.atomic():
            # The conditional update is the claim: a second beat or worker finds nothing to do.
            claimed = Alert.objects.filter(
                pk=alert.pk, status=AlertStatus.OPEN, escalated_at__isnull=True
            ).update(escalated_at=now)
            if claimed:
                alert.escalated_at = now
                alert_notify(alert=alert, kind=DeliveryKind.ESCALATION)
                escalated.append(str(alert.pk))
    return escalated


def routine_alerts_for_digest(user: User, day: date):
    """The routine alerts of the 24 hours before this day's digest: each alert is in one digest."""
    until = datetime.combine(day, time(settings.SIGMD_DIGEST_HOUR), tzinfo=UTC)
    return Alert.objects.filter(
        priority=Priority.ROUTINE,
        notifications__recipient=user,
        notifications__kind=DeliveryKind.ALERT,
        created_at__gte=until - timedelta(days=1),
        created_at__lt=until,
    ).exclude(status=AlertStatus.RESOLVED)


def routine_digests_send(*, day: date) -> list[Delivery]:
    """One e-mail per clinician per day, only for those with new unresolved routine alerts."""
    created = []
    clinicians = User.objects.filter(notifications__alert__priority=Priority.ROUTINE).distinct()
    with transaction.atomic():
        for clinician in clinicians:
            if not routine_alerts_for_digest(clinician, day).exists():
                continue
            delivery, is_new = Delivery.objects.get_or_create(
                recipient=clinician, channel=Channel.EMAIL, kind=DeliveryKind.DIGEST, digest_date=day
            )
            if is_new:
                created.append(delivery)
                transaction.on_commit(lambda pk=delivery.pk: delivery_dispatch(pk), robust=True)
    return created


# --- team thresholds --------------------------------------------------------------------------


@transaction.atomic
def team_rules_replace(
    *,
    team: CareTeam,
    settings_in: list[rules.RuleSetting],
    user: User,
    escalation_delay_minutes: int | None = None,
) -> None:
    """PUT semantics: the given rules replace the team's overrides; rules not given revert to defaults."""
    if escalation_delay_minutes is not None:
        team.escalation_delay_minutes = escalation_delay_minutes
        team.save(update_fields=["escalation_delay_minutes"])
    TeamRuleSetting.objects.filter(team=team).delete()
    TeamRuleSetting.objects.bulk_create(
        TeamRuleSetting(
            team=team,
            rule=s.rule,
            enabled=s.enabled,
            child_threshold=s.child.count,
            child_window_days=s.child.window_days,
            adult_threshold=s.adult.count,
            adult_window_days=s.adult.window_days,
            updated_by=user,
        )
        for s in settings_in
    )
    # New thresholds apply to linked profiles from now on.
    for profile_id in CareLink.objects.filter(team=team, revoked_at__isnull=True).values_list(
        "profile_id", flat=True
    ):
        evaluation_request(profile_id=profile_id)


def deliveries_stale(*, older_than: timedelta = timedelta(minutes=15)) -> list[int]:
    """Pending deliveries whose task was lost (dispatch failed or retries ran out of broker)."""
    cutoff = timezone.now() - older_than
    rows = Delivery.objects.filter(status=DeliveryStatus.PENDING, created_at__lte=cutoff)
    return list(rows.order_by("created_at").values_list("pk", flat=True)[:500])
