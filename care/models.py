"""What clinicians receive: team thresholds, alerts and their lifecycle, notifications."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import CareTeam
from diary import clinical
from diary.clinical import RULE_SPECS as RULES
from diary.models import Profile, text_choices

RuleCode = text_choices("RuleCode", tuple(clinical.Code(code, spec.label) for code, spec in RULES.items()))


class TeamRuleSetting(models.Model):
    """A care team's override of one rule's defaults (rows absent = defaults)."""

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="rule_settings")
    rule = models.CharField(max_length=32, choices=RuleCode.choices)
    enabled = models.BooleanField(default=True)
    child_threshold = models.PositiveIntegerField()
    child_window_days = models.PositiveIntegerField()
    adult_threshold = models.PositiveIntegerField()
    adult_window_days = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "rule"], name="one_setting_per_rule")]


Priority = text_choices("Priority", clinical.ALERT_PRIORITIES)
AlertStatus = text_choices("AlertStatus", clinical.ALERT_STATUSES)


class Alert(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="alerts")
    # Null: the profile has no active care link; the alert is for its managers only.
    team = models.ForeignKey(CareTeam, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField(max_length=32, choices=RuleCode.choices)
    priority = models.CharField(max_length=8, choices=Priority.choices)
    status = models.CharField(max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    summary = models.CharField(max_length=300)
    threshold = models.PositiveIntegerField()
    window_days = models.PositiveIntegerField()
    age_band = models.CharField(max_length=8)
    evidence = models.JSONField(default=list)  # [{"type": "episode", "id": "..."}]
    # Urgent: one alert per triggering entry, ever. Frequency: one unresolved per (team, profile, rule).
    dedup_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledgement_note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key"],
                condition=Q(priority="urgent") | ~Q(status="resolved"),
                name="alert_dedup",
            )
        ]
        indexes = [models.Index(fields=["team", "status"]), models.Index(fields=["profile", "rule"])]

    @property
    def evidence_ids(self) -> set[str]:
        return {item["id"] for item in self.evidence}


class Channel(models.TextChoices):
    EMAIL = "email"
    PUSH = "push"


class DeliveryKind(models.TextChoices):
    ALERT = "alert"
    ESCALATION = "escalation"
    DIGEST = "digest"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class Notification(models.Model):
    """The in-app inbox of a clinician."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=DeliveryKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "alert", "kind"], name="one_notification_per_kind")
        ]


class Delivery(models.Model):
    """One message on one channel to one person. Unique, so a retried task never sends twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=16, choices=DeliveryKind.choices)
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    digest_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "channel", "kind", "alert"],
                condition=Q(alert__isnull=False),
                name="one_delivery_per_alert",
            ),
            models.UniqueConstraint(
                fields=["recipient", "channel", "kind", "digest_date"],
                condition=Q(digest_date__isnull=False),
                name="one_digest_per_day",
            ),
        ]


class PushSubscription(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)


class TeamEvaluation(models.Model):
    """Outbox row: 'evaluate every profile linked to this team' (its thresholds changed), written in
    the same transaction as the change. One task splits it into parts of a batch of profiles each
    (TeamEvaluationPart), so the change answers at once however many patients the team has; the
    outbox sweep re-sends a row whose task was lost."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="+")
    # The rule codes whose thresholds changed: only they are evaluated, for this team. Null: every
    # rule (rows made before the change was recorded).
    rules = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(processed_at__isnull=True), name="team_eval_pending"
            )
        ]


class TeamEvaluationPart(models.Model):
    """One batch of a team's re-evaluation: the profiles linked to the team whose ids sort after
    `after` and up to `upto` (open-ended where null), evaluated straight from the links, set-based,
    with no outbox row per profile. The outbox sweep re-sends a part whose task was lost."""

    team_evaluation = models.ForeignKey(TeamEvaluation, on_delete=models.CASCADE, related_name="parts")
    after = models.UUIDField(null=True, blank=True)
    upto = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(processed_at__isnull=True), name="team_part_pending"
            )
        ]
