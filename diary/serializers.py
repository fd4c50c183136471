from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sigmd_portal.api import StrictModelSerializer, StrictSerializer
from sigmd_portal.output import PlannedOutputMixin

from . import clinical
from .clinical import DATE_TOLERANCE, GUIDANCE_LEVELS, choices
from .growth import growth_centiles
from .models import (
    SHARE_LINK_OBJECT,
    AccessLogEntry,
    Analyte,
    CareLink,
    CareTeamInvitation,
    InfectionEpisode,
    Infusion,
    LabResult,
    ManagerInvitation,
    Measurement,
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


class VersionedSerializer(PlannedOutputMixin, StrictModelSerializer):
    """Ids may be chosen by the client on create (offline devices); never changed after."""

    id = serializers.UUIDField(required=False)
    version = serializers.IntegerField(read_only=True)

    def validate_id(self, value):
        if self.instance is not None and value != self.instance.pk:
            raise serializers.ValidationError("The id cannot be changed.")
        return value


class ProfileSerializer(VersionedSerializer):
    date_of_birth = serializers.DateField(validators=[not_in_future])
    contact_phone = serializers.RegexField(
        r"^\+?[0-9 ()./-]{3,32}$",
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="Optional: a number the care team may call about an urgent alert.",
        error_messages={"invalid": "Digits, spaces and + ( ) - . / only."},
    )

    class Meta:
        model = Profile
        fields = [
            "id",
            "display_name",
            "date_of_birth",
            "sex",
            "relationship",
            "contact_phone",
            "version",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class CreatedBySerializer(PlannedOutputMixin, serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    display_name = serializers.CharField(read_only=True)


class EntrySerializer(VersionedSerializer):
    created_by = CreatedBySerializer(read_only=True, allow_null=True, help_text="Who logged it.")

    # (earlier, later) field pairs that must stay in order after a create or a partial update.
    ordered: tuple[tuple[str, str], ...] = ()

    def validate(self, attrs):
        for earlier, later in self.ordered:
            require_order(self, attrs, earlier, later)
        return attrs

    class Meta:
        fields = ["id", "version", "notes", "created_by", "created_at", "updated_at"]
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


def url_profile_id(serializer: serializers.Serializer) -> Any:
    """The profile an entry is written under: the one the URL names (the view found it through
    the access function before validating), or on an edit the entry's own."""
    view = serializer.context.get("view")
    if view is not None and "profile_id" in getattr(view, "kwargs", {}):
        return view.kwargs["profile_id"]
    return getattr(serializer.instance, "profile_id", None)


class TitreSerializer(PlannedOutputMixin, serializers.ModelSerializer):
    """A titre as a vaccination shows it."""

    value = measurement_field(read_only=True)

    class Meta:
        model = LabResult
        fields = ["id", "serotype", "timing", "value", "unit", "collected_on"]
        read_only_fields = fields


class VaccinationSerializer(EntrySerializer):
    given_on = serializers.DateField(validators=[not_in_future])
    titres = TitreSerializer(many=True, read_only=True, help_text="Titres measuring this vaccine's response.")

    class Meta(EntrySerializer.Meta):
        model = Vaccination
        fields = ["id", "vaccine", "given_on", "titres", *EntrySerializer.Meta.fields[1:]]


TITRE_FIELDS = ("serotype", "timing", "vaccination_id")


class LabResultSerializer(EntrySerializer):
    value = measurement_field()
    reference_low = measurement_field(allow_null=True, required=False)
    reference_high = measurement_field(allow_null=True, required=False)
    collected_on = serializers.DateField(validators=[not_in_future])
    below_range = serializers.BooleanField(read_only=True)
    serotype = serializers.CharField(
        max_length=16, allow_blank=True, required=False, help_text='Pneumococcal serotype, e.g. "14".'
    )
    timing = serializers.ChoiceField(
        choices=[c.code for c in clinical.TITRE_TIMINGS], allow_blank=True, required=False
    )
    vaccination = serializers.UUIDField(
        source="vaccination_id",
        allow_null=True,
        required=False,
        help_text="The vaccination (of the same profile) whose response this titre measures.",
    )

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
            "serotype",
            "timing",
            "vaccination",
            *EntrySerializer.Meta.fields[1:],
        ]

    ordered = (("reference_low", "reference_high"),)

    def validate_serotype(self, value: str) -> str:
        return value.strip().upper()  # "9v" and "9V" are one serotype

    def validate(self, attrs):
        if merged(self, attrs, "analyte") != Analyte.PNEUMOCOCCAL_TITER:
            for name in TITRE_FIELDS:
                if merged(self, attrs, name):
                    field = name.removesuffix("_id")
                    raise serializers.ValidationError({field: ["Only a pneumococcal titre has this."]})
        vaccination_id = attrs.get("vaccination_id")
        if vaccination_id is not None:
            own = Vaccination.objects.filter(pk=vaccination_id, profile_id=url_profile_id(self))
            if not own.exists():
                raise serializers.ValidationError(
                    {"vaccination": ["No vaccination with this id in this profile's diary."]}
                )
        return super().validate(attrs)


class InfusionSerializer(EntrySerializer):
    given_on = serializers.DateField(validators=[not_in_future])
    dose_g = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=300,
        coerce_to_string=False,
        help_text="Grams of immunoglobulin.",
    )
    lot_number = serializers.CharField(max_length=64, allow_blank=True, required=False)
    sites = serializers.IntegerField(
        min_value=1, max_value=12, allow_null=True, required=False, help_text="Needle sites (SCIG)."
    )
    reactions = serializers.ListField(
        child=serializers.ChoiceField(choices=[c.code for c in clinical.INFUSION_REACTIONS]),
        max_length=len(clinical.INFUSION_REACTIONS),
        required=False,
    )

    class Meta(EntrySerializer.Meta):
        model = Infusion
        fields = [
            "id",
            "given_on",
            "product",
            "route",
            "dose_g",
            "lot_number",
            "sites",
            "reactions",
            *EntrySerializer.Meta.fields[1:],
        ]

    def validate_reactions(self, value: list[str]) -> list[str]:
        codes = sorted(set(value))  # one spelling of "the same entry", for replays
        if clinical.NO_REACTION in codes and len(codes) > 1:
            raise serializers.ValidationError("“No reaction” cannot go with a reaction.")
        return codes


def measurement_value_field(
    low: float, high: float, decimal_places: int, unit: str
) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=6,
        decimal_places=decimal_places,
        min_value=Decimal(str(low)),
        max_value=Decimal(str(high)),
        allow_null=True,
        required=False,
        coerce_to_string=False,
        help_text=f"{unit}, {low}–{high}.",
    )


class GrowthValueSerializer(serializers.Serializer):
    centile = serializers.FloatField()
    sds = serializers.FloatField()


class CentilesSerializer(serializers.Serializer):
    reference = serializers.CharField(allow_null=True)
    weight = GrowthValueSerializer(allow_null=True)
    height = GrowthValueSerializer(allow_null=True)
    note = serializers.CharField(allow_null=True)


class MeasurementSerializer(EntrySerializer):
    measured_on = serializers.DateField(validators=[not_in_future])
    weight_kg = measurement_value_field(clinical.WEIGHT_KG_MIN, clinical.WEIGHT_KG_MAX, 3, "Kilograms")
    height_cm = measurement_value_field(clinical.HEIGHT_CM_MIN, clinical.HEIGHT_CM_MAX, 1, "Centimetres")
    centiles = serializers.SerializerMethodField()

    class Meta(EntrySerializer.Meta):
        model = Measurement
        fields = [
            "id",
            "measured_on",
            "weight_kg",
            "height_cm",
            "centiles",
            *EntrySerializer.Meta.fields[1:],
        ]

    def validate(self, attrs):
        if merged(self, attrs, "weight_kg") is None and merged(self, attrs, "height_cm") is None:
            raise serializers.ValidationError({"weight_kg": ["Give a weight, a height or both."]})
        measured_on = attrs.get("measured_on")
        if measured_on is not None:
            born = (
                Profile.objects.filter(pk=url_profile_id(self))
                .values_list("date_of_birth", flat=True)
                .first()
            )
            if born is not None and measured_on < born:
                raise serializers.ValidationError({"measured_on": ["Must not be before the date of birth."]})
        return super().validate(attrs)

    @extend_schema_field(CentilesSerializer)
    def get_centiles(self, obj: Measurement) -> dict[str, Any]:
        return growth_centiles(
            date_of_birth=obj.profile.date_of_birth,
            sex=obj.profile.sex,
            measured_on=obj.measured_on,
            weight_kg=obj.weight_kg,
            height_cm=obj.height_cm,
        )


class GuidanceSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=choices(GUIDANCE_LEVELS))
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


class InfusionWithGuidanceSerializer(GuidedEntryMixin, InfusionSerializer):
    class Meta(InfusionSerializer.Meta):
        fields = [*InfusionSerializer.Meta.fields, "guidance"]


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
    via_share_link = serializers.SerializerMethodField(
        help_text="True when no account was behind it: a read-only link a manager shared with a doctor."
    )

    class Meta:
        model = AccessLogEntry
        fields = ["at", "actor_name", "team_name", "via_share_link", "action", "object_type", "object_id"]
        read_only_fields = fields

    def get_via_share_link(self, row: AccessLogEntry) -> bool:
        return row.actor_id is None and row.object_type == SHARE_LINK_OBJECT


class ProfileRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Profile
        fields = ["id", "display_name"]
        read_only_fields = fields


class InfusionFoundSerializer(InfusionSerializer):
    """An infusion found by batch search, with whose it is."""

    profile = ProfileRefSerializer(read_only=True)

    class Meta(InfusionSerializer.Meta):
        fields = ["profile", *InfusionSerializer.Meta.fields]


# --- the immune record in the summary (the PWA, the clinic, the PDF and FHIR read these) -------


def summary_decimal(**options) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=10, decimal_places=3, coerce_to_string=False, **options)


class TherapyInfectionsSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    infections = serializers.IntegerField()
    per_month = serializers.FloatField(allow_null=True)


class InfusionGivenSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    given_on = serializers.DateField()
    product = serializers.CharField()
    route = serializers.CharField()
    dose_g = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    lot_number = serializers.CharField(allow_blank=True)
    reactions = serializers.ListField(child=serializers.CharField())


class InfusionSummarySerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Infusions given in the period.")
    given = InfusionGivenSerializer(many=True, help_text="The infusions of the period, oldest first.")
    last_given_on = serializers.DateField(allow_null=True)
    usual_interval_days = serializers.FloatField(
        allow_null=True, help_text="Median days between infusions in the period."
    )
    on_therapy_days = serializers.IntegerField(
        help_text="A day counts as on therapy when an infusion was given on it or this many days before."
    )
    on_therapy = TherapyInfectionsSerializer()
    off_therapy = TherapyInfectionsSerializer()


class VaccinationRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    vaccine = serializers.CharField()
    given_on = serializers.DateField()


class TitreValueSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    value = summary_decimal()
    unit = serializers.CharField()
    collected_on = serializers.DateField()


class TitreResponseSerializer(serializers.Serializer):
    vaccination = VaccinationRefSerializer(allow_null=True)
    serotype = serializers.CharField(allow_blank=True)
    pre = TitreValueSerializer(allow_null=True)
    post = TitreValueSerializer(allow_null=True)
    fold_rise = serializers.FloatField(allow_null=True, help_text="post / pre, when both share a unit.")


class TrendPointSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    value = summary_decimal()
    unit = serializers.CharField()
    reference_low = summary_decimal(allow_null=True)
    reference_high = summary_decimal(allow_null=True)
    collected_on = serializers.DateField()
    below_range = serializers.BooleanField()


class GrowthLatestSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    value = summary_decimal()
    measured_on = serializers.DateField()
    centile = serializers.FloatField(allow_null=True)
    sds = serializers.FloatField(allow_null=True)


class GrowthSummarySerializer(serializers.Serializer):
    reference = serializers.CharField(allow_null=True)
    weight = GrowthLatestSerializer(allow_null=True, help_text="Kilograms.")
    height = GrowthLatestSerializer(allow_null=True, help_text="Centimetres.")
    note = serializers.CharField(allow_null=True)


class ImmuneSummaryMixin(serializers.Serializer):
    """The summary's immune-record sections, for any serializer of `profile_summary`."""

    infusions = InfusionSummarySerializer()
    titre_responses = TitreResponseSerializer(many=True)
    trends = serializers.DictField(child=TrendPointSerializer(many=True))
    growth = GrowthSummarySerializer()
