"""The alert lifecycle: raise or grow an alert from a finding, acknowledge, resolve.

Callers hold the profile's evaluation lock (care.evaluation) while upserting, so alerts are read
and written without racing another evaluation of the same profile: no exception-driven retries.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import CareTeam, User
from diary import clinical
from diary.errors import IllegalTransition
from diary.models import Profile
from diary.services import access_record

from . import rules
from .models import Alert, AlertStatus, Priority

# Acknowledging or resolving an alert that is already resolved: the domain's error, answered
# 409 `illegal_transition` by the API's one exception handler.
AlertTransitionError = IllegalTransition


def dedup_key(*, team: CareTeam | None, profile: Profile, finding: rules.Finding) -> str:
    scope = f"{team.pk if team else '-'}:{profile.pk}:{finding.rule}"
    return f"u:{scope}:{finding.trigger}" if finding.priority == Priority.URGENT else f"f:{scope}"


def evidence_items(evidence: rules.Evidence) -> list[dict[str, str]]:
    return [{"type": kind, "id": entry_id} for kind, entry_id in evidence]


def alert_create(*, team: CareTeam | None, profile: Profile, finding: rules.Finding, band: str) -> Alert:
    return Alert.objects.create(
        profile=profile,
        team=team,
        rule=finding.rule,
        priority=finding.priority,
        summary=finding.summary,
        threshold=finding.threshold,
        window_days=finding.window_days,
        age_band=band,
        evidence=evidence_items(finding.evidence),
        dedup_key=dedup_key(team=team, profile=profile, finding=finding),
    )


def evidence_add(alert: Alert, evidence: rules.Evidence) -> bool:
    """Add the entries the alert does not show yet; returns whether it grew."""
    known = alert.evidence_ids
    added = [item for item in evidence_items(evidence) if item["id"] not in known]
    if not added:
        return False
    alert.evidence = [*alert.evidence, *added]
    alert.summary = rules.summary_of(
        alert.rule, n=len(alert.evidence), threshold=alert.threshold, window=alert.window_days
    )
    alert.save(update_fields=["evidence", "summary", "updated_at"])
    return True


def urgent_upsert(
    *, team: CareTeam | None, profile: Profile, findings: list[rules.Finding], band: str, now: datetime
) -> list[Alert]:
    """One rule's urgent findings: an entry any alert of this rule already shows changes nothing;
    a new one joins the open (unacknowledged) alert raised within URGENT_COLLAPSE_HOURS, or raises
    a new alert. Returns the new alerts (each to be notified)."""
    if not findings:
        return []
    alerts = list(
        Alert.objects.filter(team=team, profile=profile, rule=findings[0].rule).order_by("-created_at")
    )
    shown = set().union(*(a.evidence_ids for a in alerts))
    collapse_since = now - timedelta(hours=clinical.URGENT_COLLAPSE_HOURS)
    open_ = next((a for a in alerts if a.status == AlertStatus.OPEN and a.created_at >= collapse_since), None)
    created = []
    for finding in findings:
        if finding.trigger is None or finding.trigger in shown:
            continue
        shown.add(finding.trigger)
        if open_ is not None:
            evidence_add(open_, finding.evidence)
        else:
            open_ = alert_create(team=team, profile=profile, finding=finding, band=band)
            created.append(open_)
    return created


def frequency_upsert(
    *, team: CareTeam | None, profile: Profile, finding: rules.Finding, band: str
) -> Alert | None:
    """A frequency finding grows the rule's unresolved alert; with none, it raises one only on a
    fresh crossing: at least one counted entry that no resolved alert of the rule showed.
    Returns the alert if it is new."""
    alerts = Alert.objects.filter(team=team, profile=profile, rule=finding.rule)
    unresolved = alerts.exclude(status=AlertStatus.RESOLVED).first()
    if unresolved is not None:
        evidence_add(unresolved, finding.evidence)
        return None
    shown = set().union(*(a.evidence_ids for a in alerts.filter(status=AlertStatus.RESOLVED)))
    if all(entry_id in shown for _, entry_id in finding.evidence):
        return None
    return alert_create(team=team, profile=profile, finding=finding, band=band)


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
