"""The patient's record: profiles, their managers, the five entry types, consent links to care
teams, the access log and the evaluation outbox."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.models import CareTeam


class Sex(models.TextChoices):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Relationship(models.TextChoices):
    SELF = "self"
    CHILD = "child"
    OTHER = "other"


class Versioned(models.Model):
    """Rows edited from several devices carry a version: the ETag, checked by If-Match."""

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'


class Profile(Versioned):
    # Ids may come from the client, so an offline device can create and refer to the row.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    display_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    relationship = models.CharField(max_length=8, choices=Relationship.choices)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ProfileManager", related_name="managed_profiles"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["display_name", "created_at"]

    def __str__(self) -> str:
        return self.display_name


class ProfileManager(models.Model):
    """A person with full read and write access to a profile (the patient, a parent)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="manager_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_manager_links"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "user"], name="one_manager_link")]


class Entry(Versioned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="%(class)ss")
    notes = models.TextField(blank=True, max_length=4000)
    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"])

    class Meta:
        abstract = True

    # The field that dates the entry, for ordering and windows.
    date_field: str = "created_at"


class InfectionKind(models.TextChoices):
    OTITIS_MEDIA = "otitis_media", "Ear infection (otitis media)"
    SINUSITIS = "sinusitis", "Sinus infection"
    PNEUMONIA = "pneumonia", "Pneumonia"
    BRONCHITIS = "bronchitis", "Bronchitis"
    UPPER_RESPIRATORY = "upper_respiratory", "Cold or upper respiratory infection"
    PHARYNGITIS = "pharyngitis", "Sore throat (pharyngitis)"
    SKIN_INFECTION = "skin_infection", "Skin infection"
    ABSCESS = "abscess", "Abscess"
    GASTROINTESTINAL = "gastrointestinal", "Stomach or gut infection"
    URINARY_TRACT = "urinary_tract", "Urinary tract infection"
    THRUSH = "thrush", "Thrush (fungal)"
    SEPSIS = "sepsis", "Sepsis"
    MENINGITIS = "meningitis", "Meningitis"
    OSTEOMYELITIS = "osteomyelitis", "Bone infection (osteomyelitis)"
    VIRAL_OTHER = "viral_other", "Other viral infection"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    LIFE_THREATENING = "life_threatening"


class InfectionEpisode(Entry):
    kind = models.CharField(max_length=24, choices=InfectionKind.choices)
    onset = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    severity = models.CharField(max_length=16, choices=Severity.choices)
    max_temperature_c = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    hospitalized = models.BooleanField(default=False)
    icu = models.BooleanField(default=False)
    iv_antibiotics = models.BooleanField(default=False)
    er_visit = models.BooleanField(default=False)
    confirmed_by_clinician = models.BooleanField(default=False)
    organism = models.CharField(max_length=200, blank=True)

    date_field = "onset"

    class Meta:
        ordering = ["-onset", "-created_at"]
        indexes = [models.Index(fields=["profile", "onset"])]


class SymptomCode(models.TextChoices):
    FEVER = "fever"
    COUGH = "cough"
    EAR_PAIN = "ear_pain"
    SORE_THROAT = "sore_throat"
    RUNNY_NOSE = "runny_nose"
    SINUS_PAIN = "sinus_pain"
    FATIGUE = "fatigue"
    DIARRHEA = "diarrhea"
    VOMITING = "vomiting"
    RASH = "rash"
    JOINT_PAIN = "joint_pain"
    HEADACHE = "headache"
    SHORTNESS_OF_BREATH = "shortness_of_breath"
    STIFF_NECK = "stiff_neck"
    NON_BLANCHING_RASH = "non_blanching_rash"
    CONFUSION = "confusion"
    SEIZURE = "seizure"
    DIFFICULTY_BREATHING = "difficulty_breathing"
    HARD_TO_WAKE = "hard_to_wake"
    BLUE_LIPS = "blue_lips"


class SymptomEntry(Entry):
    recorded_at = models.DateTimeField()
    symptoms = models.JSONField(default=list)
    temperature_c = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    severity = models.PositiveSmallIntegerField(default=0)

    date_field = "recorded_at"

    class Meta:
        ordering = ["-recorded_at", "-created_at"]
        indexes = [models.Index(fields=["profile", "recorded_at"])]


class TreatmentKind(models.TextChoices):
    ANTIBIOTIC = "antibiotic"
    IMMUNOGLOBULIN = "immunoglobulin"
    ANTIVIRAL = "antiviral"
    ANTIFUNGAL = "antifungal"
    OTHER = "other"


class Route(models.TextChoices):
    ORAL = "oral"
    IV = "iv"
    IM = "im"
    SUBCUTANEOUS = "subcutaneous"
    TOPICAL = "topical"


class Treatment(Entry):
    kind = models.CharField(max_length=16, choices=TreatmentKind.choices)
    name = models.CharField(max_length=200)
    route = models.CharField(max_length=16, choices=Route.choices)
    prophylactic = models.BooleanField(default=False)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    dose = models.CharField(max_length=200, blank=True)

    date_field = "started_on"

    class Meta:
        ordering = ["-started_on", "-created_at"]
        indexes = [models.Index(fields=["profile", "started_on"])]


class Vaccine(models.TextChoices):
    PCV13 = "PCV13"
    PCV15 = "PCV15"
    PCV20 = "PCV20"
    PCV21 = "PCV21"
    PPSV23 = "PPSV23"
    HIB = "Hib"
    MENACWY = "MenACWY"
    MENB = "MenB"
    INFLUENZA = "influenza"
    COVID19 = "COVID-19"
    OTHER = "other"


class Vaccination(Entry):
    vaccine = models.CharField(max_length=16, choices=Vaccine.choices)
    given_on = models.DateField()

    date_field = "given_on"

    class Meta:
        ordering = ["-given_on", "-created_at"]


class Analyte(models.TextChoices):
    IGM = "IgM"
    IGG = "IgG"
    IGA = "IgA"
    IGE = "IgE"
    IGG1 = "IgG1"
    IGG2 = "IgG2"
    IGG3 = "IgG3"
    IGG4 = "IgG4"
    PNEUMOCOCCAL_TITER = "pneumococcal_titer"
    OTHER = "other"


class Unit(models.TextChoices):
    MG_DL = "mg/dL"
    G_L = "g/L"
    UG_ML = "ug/mL"
    OTHER = "other"


class LabResult(Entry):
    analyte = models.CharField(max_length=24, choices=Analyte.choices)
    value = models.DecimalField(max_digits=10, decimal_places=3)
    unit = models.CharField(max_length=8, choices=Unit.choices)
    reference_low = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    reference_high = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    collected_on = models.DateField()

    date_field = "collected_on"

    class Meta:
        ordering = ["-collected_on", "-created_at"]

    @property
    def below_range(self) -> bool:
        return self.reference_low is not None and self.value < self.reference_low


class CareLink(models.Model):
    """Consent: a profile shared with a care team, from joining with a code until revoked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="care_links")
    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="care_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "team"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_link_per_team",
            )
        ]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class CareTeamInvitation(models.Model):
    """A single-use code a clinician reads out; a manager joins the team with it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="invitations")
    code = models.CharField(max_length=16, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_for = models.ForeignKey(CareLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")


class ManagerInvitation(models.Model):
    """A single-use code a manager gives another parent, who joins the profile with it.

    Sharing goes by code, not by e-mail address, so nobody can find out who has an account."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="manager_invitations")
    code = models.CharField(max_length=16, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class AccessAction(models.TextChoices):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"


class AccessLogEntry(models.Model):
    """A read or write of a profile's data by someone other than its managers.

    The family sees who by name and team (`actor_name`, `team_name`), never an e-mail or IP
    address; those stay for operators. When the profile is deleted the rows are kept,
    detached from it and marked with a pseudonym (`diary.managers.profile_pseudonym`)."""

    profile = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_log"
    )
    profile_pseudonym = models.CharField(max_length=32, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=100, blank=True)
    team_name = models.CharField(max_length=500, blank=True)
    actor_email = models.EmailField(blank=True)
    action = models.CharField(max_length=8, choices=AccessAction.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]


class EvaluationRequest(models.Model):
    """Outbox row: 'evaluate this profile', written in the same transaction as the diary write.

    The care app consumes it (task name in EVALUATE_PROFILE_TASK); a periodic sweep re-sends
    rows whose dispatch was lost, so no write ever goes unevaluated.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="evaluation_requests")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(processed_at__isnull=True), name="outbox_pending"
            ),
        ]


ENTRY_MODELS: tuple[type[Entry], ...] = (
    InfectionEpisode,
    SymptomEntry,
    Treatment,
    Vaccination,
    LabResult,
)
