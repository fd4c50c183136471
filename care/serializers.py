from rest_framework import serializers

from diary.serializers import ImmuneSummaryMixin
from sigmd_portal.api import StrictSerializer

from . import rules
from .models import Alert, AlertStatus, Notification, PushSubscription, RuleCode
from .push_subscriptions import push_host_allowed
from .rules import RuleSetting, Threshold


class EvidenceSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["episode", "symptom", "treatment", "infusion"])
    id = serializers.UUIDField()


class AlertSerializer(serializers.ModelSerializer):
    profile = serializers.UUIDField(source="profile_id", read_only=True)
    team = serializers.UUIDField(source="team_id", read_only=True, allow_null=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    acknowledged_by = serializers.SerializerMethodField()
    team_name = serializers.CharField(source="team.name", read_only=True, default=None)
    profile_name = serializers.CharField(source="profile.display_name", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "profile",
            "profile_name",
            "team",
            "team_name",
            "rule",
            "priority",
            "status",
            "summary",
            "threshold",
            "window_days",
            "age_band",
            "evidence",
            "created_at",
            "acknowledged_at",
            "acknowledged_by",
            "resolved_at",
            "resolution_note",
            "escalated_at",
        ]

    def get_acknowledged_by(self, alert: Alert) -> str | None:
        """The clinician's display name (or e-mail), so a family sees who saw it."""
        user = alert.acknowledged_by
        return (user.display_name or user.email) if user else None


class ResolveSerializer(StrictSerializer):
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class ThresholdSerializer(StrictSerializer):
    threshold = serializers.IntegerField(min_value=1, max_value=1000)
    window_days = serializers.IntegerField(min_value=1, max_value=3650)


class RuleSettingSerializer(StrictSerializer):
    rule = serializers.ChoiceField(choices=RuleCode.choices)
    label = serializers.CharField(read_only=True)
    priority = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True)
    can_disable = serializers.BooleanField(read_only=True)
    min_window_days = serializers.IntegerField(read_only=True, allow_null=True)
    max_window_days = serializers.IntegerField(read_only=True, allow_null=True)
    enabled = serializers.BooleanField()
    child = ThresholdSerializer()
    adult = ThresholdSerializer()

    def validate(self, attrs):
        """Within the rule table's bounds: urgent rules stay on, fire on one entry, and look back
        2 to 14 days (so a backfilled diary never pages anyone)."""
        spec = rules.RULES[attrs["rule"]]
        for band in (rules.CHILD, rules.ADULT):
            problems = spec.problems(
                enabled=attrs["enabled"],
                count=attrs[band]["threshold"],
                window_days=attrs[band]["window_days"],
            )
            if "enabled" in problems:
                raise serializers.ValidationError({"enabled": [problems.pop("enabled")]})
            if problems:
                raise serializers.ValidationError({band: {k: [v] for k, v in problems.items()}})
        return attrs


class TeamRulesSerializer(StrictSerializer):
    rules = RuleSettingSerializer(many=True)
    escalation_delay_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)

    @staticmethod
    def rule_settings(validated: dict) -> list[RuleSetting]:
        return [
            RuleSetting(
                rule=item["rule"],
                enabled=item["enabled"],
                child=Threshold(item["child"]["threshold"], item["child"]["window_days"], item["enabled"]),
                adult=Threshold(item["adult"]["threshold"], item["adult"]["window_days"], item["enabled"]),
            )
            for item in validated["rules"]
        ]

    def validate_rules(self, value):
        codes = [item["rule"] for item in value]
        if len(codes) != len(set(codes)):
            raise serializers.ValidationError("Each rule may appear once.")
        return value


class PushSubscriptionKeysSerializer(StrictSerializer):
    p256dh = serializers.CharField(max_length=200)
    auth = serializers.CharField(max_length=100)


class PushSubscriptionSerializer(StrictSerializer):
    endpoint = serializers.URLField(max_length=1000)
    keys = PushSubscriptionKeysSerializer(required=False)
    expirationTime = serializers.IntegerField(required=False, allow_null=True)

    def validate_endpoint(self, value: str) -> str:
        if not push_host_allowed(value):
            raise serializers.ValidationError("Not a known push service's https address.")
        return value


class PushEndpointSerializer(StrictSerializer):
    # Only looked up, never called: any text names it (and an unknown one is a 404).
    endpoint = serializers.CharField(max_length=1000)


class PushSubscriptionOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = PushSubscription
        fields = ["endpoint", "created_at"]


class SummarySerializer(ImmuneSummaryMixin, serializers.Serializer):
    """The 12-month summary, with the default thresholds (child or adult) that are met."""

    period = serializers.DictField()
    age_band = serializers.ChoiceField(choices=[rules.CHILD, rules.ADULT])
    infections = serializers.DictField()
    serious_infections = serializers.IntegerField()
    hospitalizations = serializers.IntegerField()
    iv_antibiotic_courses = serializers.IntegerField()
    antibiotic_days = serializers.DictField(child=serializers.IntegerField())
    latest_labs = serializers.DictField()
    vaccinations = serializers.ListField(child=serializers.DictField())
    thresholds = serializers.ListField(child=serializers.DictField())


class PushKeySerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    public_key = serializers.CharField()


class NotificationSerializer(serializers.ModelSerializer):
    alert = serializers.UUIDField(source="alert_id", read_only=True)
    priority = serializers.CharField(source="alert.priority", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "alert", "kind", "priority", "created_at", "read_at"]


class AlertFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AlertStatus.choices, required=False)
    profile = serializers.UUIDField(required=False, help_text="Only this profile's alerts.")


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text="Only unread ones.")
