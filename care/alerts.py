"""The alert lifecycle: raise or grow an alert from a finding, acknowledge, resolve.

Callers hold the profile's evaluation lock (care.evaluation) while upserting, so alerts are read
and written without racing another evaluation of the same profile: no exception-driven retries.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from diary import clinical
from diary.errors import IllegalTransition
from diary.services import access_record
from sigmd_portal.db.copy import rows_copy

from . import rules
from .models import Alert, AlertStatus, Priority

# Acknowledging or resolving an alert that is already resolved: the domain's error, answered
# 409 `illegal_transition` by the API's one exception handler.
AlertTransitionError = IllegalTransition


def dedup_key(*, team_id: Any, profile_id: Any, finding: rules.Finding) -> str:
    scope = f"{team_id if team_id else '-'}:{profile_id}:{finding.rule}"
    return f"u:{scope}:{finding.trigger}" if finding.priority == Priority.URGENT else f"f:{scope}"


def evidence_items(evidence: rules.Evidence) -> list[dict[str, str]]:
    return [{"type": kind, "id": entry_id} for kind, entry_id in evidence]


# What upserting reads of an existing alert (the rest stays deferred: a region's re-evaluation
# reads every alert of 100,000 profiles).
BOOK_FIELDS = (
    "id",
    "team_id",
    "profile_id",
    "rule",
    "status",
    "created_at",
    "evidence",
    "threshold",
    "window_days",
)


AlertKey = tuple[Any, Any, str]  # (team id or None, profile id, rule)


class AlertBook:
    """The alerts a batch's findings may raise or grow — those of the (team, profile, rule) the
    findings are about, read in one query; findings raise or grow them in memory and `save()`
    writes them in two statements. The caller holds the profiles' evaluation locks, so nothing
    else writes these alerts meanwhile: no exception-driven retries."""

    def __init__(self, keys: set[AlertKey], *, now: datetime) -> None:
        self.now = now
        self.alerts: dict[AlertKey, list[Alert]] = defaultdict(list)
        if keys:
            rows = Alert.objects.filter(
                profile_id__any=list({profile_id for _, profile_id, _ in keys}),
                rule__in={rule for *_, rule in keys},
            ).order_by("-created_at")
            for alert in rows.only(*BOOK_FIELDS):
                key = (alert.team_id, alert.profile_id, alert.rule)
                if key in keys:
                    self.alerts[key].append(alert)
        self.new: list[Alert] = []
        self.grown: dict[Any, Alert] = {}

    def raise_(self, *, team_id: Any, profile_id: Any, finding: rules.Finding, band: str) -> Alert:
        alert = Alert(
            profile_id=profile_id,
            team_id=team_id,
            rule=finding.rule,
            priority=finding.priority,
            summary=finding.summary,
            threshold=finding.threshold,
            window_days=finding.window_days,
            age_band=band,
            evidence=evidence_items(finding.evidence),
            dedup_key=dedup_key(team_id=team_id, profile_id=profile_id, finding=finding),
            created_at=self.now,
        )
        self.alerts[(team_id, profile_id, finding.rule)].insert(0, alert)
        self.new.append(alert)
        return alert

    def grow(self, alert: Alert, evidence: rules.Evidence) -> None:
        """Add the entries the alert does not show yet."""
        known = alert.evidence_ids
        added = [item for item in evidence_items(evidence) if item["id"] not in known]
        if not added:
            return
        alert.evidence = [*alert.evidence, *added]
        alert.summary = rules.summary_of(
            alert.rule, n=len(alert.evidence), threshold=alert.threshold, window=alert.window_days
        )
        alert.updated_at = self.now
        if alert._state.adding is False:  # a stored alert; a new one is written whole by save()
            self.grown[alert.pk] = alert

    def urgent(self, *, team_id: Any, profile_id: Any, findings: list[rules.Finding], band: str) -> None:
        """One rule's urgent findings: an entry any alert of this rule already shows changes
        nothing; a new one joins the open (unacknowledged) alert raised within
        URGENT_COLLAPSE_HOURS, or raises a new alert."""
        if not findings:
            return
        alerts = self.alerts[(team_id, profile_id, findings[0].rule)]
        shown = set().union(*(a.evidence_ids for a in alerts))
        collapse_since = self.now - timedelta(hours=clinical.URGENT_COLLAPSE_HOURS)
        open_ = next(
            (a for a in alerts if a.status == AlertStatus.OPEN and a.created_at >= collapse_since), None
        )
        for finding in findings:
            if finding.trigger is None or finding.trigger in shown:
                continue
            shown.add(finding.trigger)
            if open_ is not None:
                self.grow(open_, finding.evidence)
            else:
                open_ = self.raise_(team_id=team_id, profile_id=profile_id, finding=finding, band=band)

    def frequency(self, *, team_id: Any, profile_id: Any, finding: rules.Finding, band: str) -> None:
        """A frequency finding grows the rule's unresolved alert; with none, it raises one only on
        a fresh crossing: at least one counted entry that no resolved alert of the rule showed."""
        alerts = self.alerts[(team_id, profile_id, finding.rule)]
        unresolved = next((a for a in alerts if a.status != AlertStatus.RESOLVED), None)
        if unresolved is not None:
            self.grow(unresolved, finding.evidence)
            return
        shown = set().union(*(a.evidence_ids for a in alerts))
        if any(entry_id not in shown for _, entry_id in finding.evidence):
            self.raise_(team_id=team_id, profile_id=profile_id, finding=finding, band=band)

    def save(self) -> list[Alert]:
        """Write what changed (two statements); returns the new alerts."""
        rows_copy(Alert, self.new)  # new alerts of profiles this evaluation holds: no conflict
        Alert.objects.bulk_update(list(self.grown.values()), ["evidence", "summary", "updated_at"])
        return self.new


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
