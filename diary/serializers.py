from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sigmd_portal.api import StrictModelSerializer, StrictSerializer

from .guidance import DATE_TOLERANCE
from .models import (
    AccessLogEntry,
    CareLink,
    CareTeamInvitation,
    InfectionEpisode,
    LabResult,
    ManagerInvitation,
    Profile,
    SymptomCode,
    SymptomEntry,
    Treatment,
    Vaccination,
)

# Phones east of UTC are already on "tomorrow": allow a day, and a few minutes of clock skew.
CLOCK_SKEW = timedelta(minutes=5)


def not_in_future(value):
    if hasattr(value, "tzinfo"):
        if value > timezone.now() + CLOCK_SKEW:
            raise serializers.ValidationError("Must not be in the future.")
    elif value > timezone.localdate() + DATE_TOLERANCE:
        raise serializers.ValidationError("Must not be in the future.")
    return value


def temperature_field() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        min_value=30,
        max_value=45,
        allow_null=True,
        required=False,
        coerce_to_string=False,
        help_text="Degrees Celsius, 30.0–45.0.",
    )


def measurement_field(**options) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=10, decimal_places=3, min_value=0, coerce_to_string=False, **options
    )


def merged(serializer: serializers.Serializer, attrs: dict[str, Any], name: str) -> Any:
    """A field's value after this write: the new one, or what a PATCH leaves in place."""
    if name in attrs:
        return attrs[name]
    return getattr(serializer.instance, name, None)


def require_order(serializer, attrs, earlier: str, later: str) -> None:
    start, end = merged(serializer, attrs, earlier), merged(serializer, attrs, later)
    if start is not None and end is not None and end < start:
        raise serializers.ValidationError({later: [f"Must not be before {earlier}."]})


class VersionedSerializer(StrictModelSerializer):
    """Ids may be chosen by the client on create (offline devices); never changed after."""

    id = serializers.UUIDField(required=False)
    version = serializers.IntegerField(read_only=True)

    def validate_id(self, value):
        if self.instance is not None and value != self.instance.pk:
            raise serializers.ValidationError("The id cannot be changed.")
        return value


class ProfileSerializer(VersionedSerializer):
    date_of_birth = serializers.DateField(validators=[not_in_future])

    class Meta:
        model = Profile
        fields = [
            "id",
            "display_name",
            "date_of_birth",
            "sex",
            "relationship",
            "version",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class EntrySerializer(VersionedSerializer):
    # (earlier, later) field pairs that must stay in order after a create or a partial update.
    ordered: tuple[tuple[str, str], ...] = ()

    def validate(self, attrs):
        for earlier, later in self.ordered:
            require_order(self, attrs, earlier, later)
        return attrs

    class Meta:
        fields = ["id", "version", "notes", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class InfectionEpisodeSerializer(EntrySerializer):
    onset = serializers.DateField(validators=[not_in_future])
    resolved_on = serializers.DateField(validators=[not_in_future], allow_null=True, required=False)
    max_temperature_c = temperature_field()

    class Meta(EntrySerializer.Meta):
        model = InfectionEpisode
        fields = [
            "id",
            "kind",
            "onset",
            "resolved_on",
            "severity",
            "max_temperature_c",
            "hospitalized",
            "icu",
            "iv_antibiotics",
            "er_visit",
            "confirmed_by_clinician",
            "organism",
            *EntrySerializer.Meta.fields[1:],
        ]

    ordered = (("onset", "resolved_on"),)


class SymptomEntrySerializer(EntrySerializer):
    recorded_at = serializers.DateTimeField(validators=[not_in_future])
    symptoms = serializers.ListField(
        child=serializers.ChoiceField(choices=SymptomCode.choices),
        max_length=len(SymptomCode),
        required=False,
    )
    temperature_c = temperature_field()
    severity = serializers.IntegerField(min_value=0, max_value=10, required=False, default=0)

    class Meta(EntrySerializer.Meta):
        model = SymptomEntry
        fields = [
            "id",
            "recorded_at",
            "symptoms",
            "temperature_c",
            "severity",
            *EntrySerializer.Meta.fields[1:],
        ]

    def validate_symptoms(self, value: list[str]) -> list[str]:
        return sorted(set(value))  # one spelling of "the same entry", for replays

    def validate(self, attrs):
        if not merged(self, attrs, "symptoms") and merged(self, attrs, "temperature_c") is None:
            raise serializers.ValidationError({"symptoms": ["Give at least one symptom or a temperature."]})
        return super().validate(attrs)


class TreatmentSerializer(EntrySerializer):
    started_on = serializers.DateField(validators=[not_in_future])
    # A course may be planned to end in the future (a 7-day course started today).
    ended_on = serializers.DateField(allow_null=True, required=False)

    class Meta(EntrySerializer.Meta):
        model = Treatment
        fields = [
            "id",
            "kind",
            "name",
            "route",
            "prophylactic",
            "started_on",
            "ended_on",
            "dose",
            *EntrySerializer.Meta.fields[1:],
        ]

    ordered = (("started_on", "ended_on"),)


class VaccinationSerializer(EntrySerializer):
    given_on = serializers.DateField(validators=[not_in_future])

    class Meta(EntrySerializer.Meta):
        model = Vaccination
        fields = ["id", "vaccine", "given_on", *EntrySerializer.Meta.fields[1:]]


class LabResultSerializer(EntrySerializer):
    value = measurement_field()
    reference_low = measurement_field(allow_null=True, required=False)
    reference_high = measurement_field(allow_null=True, required=False)
    collected_on = serializers.DateField(validators=[not_in_future])
    below_range = serializers.BooleanField(read_only=True)

    class Meta(EntrySerializer.Meta):
        model = LabResult
        fields = [
            "id",
            "analyte",
            "value",
            "unit",
            "reference_low",
            "reference_high",
            "collected_on",
            "below_range",
            *EntrySerializer.Meta.fields[1:],
        ]

    ordered = (("reference_low", "reference_high"),)


class GuidanceSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["routine", "contact_care_team", "urgent"])
    message = serializers.CharField()
    articles = serializers.ListField(child=serializers.SlugField())


class GuidedEntryMixin(serializers.Serializer):
    """The response to creating or updating an entry that carries safety guidance: the entry
    and `guidance`, computed in the request (the view puts it in the context)."""

    guidance = serializers.SerializerMethodField()

    @extend_schema_field(GuidanceSerializer)
    def get_guidance(self, obj) -> dict:
        return self.context["guidance"]


class InfectionEpisodeWithGuidanceSerializer(GuidedEntryMixin, InfectionEpisodeSerializer):
    class Meta(InfectionEpisodeSerializer.Meta):
        fields = [*InfectionEpisodeSerializer.Meta.fields, "guidance"]


class SymptomEntryWithGuidanceSerializer(GuidedEntryMixin, SymptomEntrySerializer):
    class Meta(SymptomEntrySerializer.Meta):
        fields = [*SymptomEntrySerializer.Meta.fields, "guidance"]


class ManagerSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)


class ManagerInvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ManagerInvitation
        fields = ["code", "expires_at"]
        read_only_fields = fields


class JoinWithCodeSerializer(StrictSerializer):
    code = serializers.CharField(max_length=32)


class CareLinkSerializer(serializers.ModelSerializer):
    team = serializers.UUIDField(source="team_id", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = CareLink
        fields = ["id", "team", "team_name", "active", "created_at", "revoked_at"]


class InvitationCreateSerializer(StrictSerializer):
    code = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(
        required=False, help_text="Default: 7 days from now; at most 30 days."
    )
    id = serializers.UUIDField(read_only=True)

    def validate_expires_at(self, value):
        now = timezone.now()
        if value <= now:
            raise serializers.ValidationError("Must be in the future.")
        if value > now + timedelta(days=30):
            raise serializers.ValidationError("Must be within 30 days.")
        return value


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareTeamInvitation
        fields = ["id", "code", "expires_at", "created_at", "used_at"]


class AccessLogEntrySerializer(serializers.ModelSerializer):
    """What the family sees: who by name and care team, never an e-mail or IP address."""

    actor_name = serializers.CharField(
        read_only=True, help_text="The person's name as they gave it; empty if they gave none."
    )
    team_name = serializers.CharField(
        read_only=True, help_text="The care team(s) through which they saw the profile."
    )

    class Meta:
        model = AccessLogEntry
        fields = ["at", "actor_name", "team_name", "action", "object_type", "object_id"]
        read_only_fields = fields
