"""The patient's record: profiles, their managers, the entry types, consent links to care
teams, the access log and the evaluation outbox."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from simple_history.models import HistoricalRecords

from accounts.models import CareTeam

from . import clinical


def text_choices(name: str, table: tuple[clinical.Code, ...]) -> Any:
    """A TextChoices enum over one of diary.clinical's tables (codes and labels live there).
    Typed Any: its members (Sex.FEMALE …) are made at run time, which type checkers cannot see."""
    members = [(re.sub(r"\W", "_", c.code).upper(), (c.code, c.label)) for c in table]
    return models.TextChoices(name, members)  # type: ignore[call-overload]


Sex = text_choices("Sex", clinical.SEXES)
Relationship = text_choices("Relationship", clinical.RELATIONSHIPS)
InfectionKind = text_choices("InfectionKind", clinical.INFECTION_KINDS)
Severity = text_choices("Severity", clinical.SEVERITIES)
SymptomCode = text_choices("SymptomCode", clinical.SYMPTOMS)
TreatmentKind = text_choices("TreatmentKind", clinical.TREATMENT_KINDS)
Route = text_choices("Route", clinical.TREATMENT_ROUTES)
Vaccine = text_choices("Vaccine", clinical.VACCINES)
Analyte = text_choices("Analyte", clinical.ANALYTES)
Unit = text_choices("Unit", clinical.LAB_UNITS)


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
    # Optional: a number the care team may call about an urgent alert, if the family gives one.
    contact_phone = models.CharField(max_length=32, blank=True)
    managers: models.ManyToManyField = models.ManyToManyField(
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
    # Who logged it (a parent, the patient): set by the service on create, never by the client.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"])

    class Meta:
        abstract = True

    # The field that dates the entry, for ordering and windows.
    date_field: str = "created_at"


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
    # The day the episode became severe: its onset if logged severe, the day of the edit if it
    # escalated later. An ongoing episode that escalated recently counts for the urgent rule.
    severe_since = models.DateField(null=True, blank=True)

    date_field = "onset"

    class Meta:
        ordering = ["-onset", "-created_at"]
        indexes = [models.Index(fields=["profile", "onset"])]

    @property
    def is_severe(self) -> bool:
        return clinical.episode_is_severe(self)

    def mark_severity(self, *, today: date, created: bool) -> None:
        """Keep severe_since true to the episode after a create or an edit."""
        if not self.is_severe:
            self.severe_since = None
        elif self.severe_since is None:
            self.severe_since = self.onset if created else today


class SymptomEntry(Entry):
    recorded_at = models.DateTimeField()
    symptoms = models.JSONField(default=list)
    temperature_c = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    severity = models.PositiveSmallIntegerField(default=0)

    date_field = "recorded_at"

    class Meta:
        ordering = ["-recorded_at", "-created_at"]
        indexes = [models.Index(fields=["profile", "recorded_at"])]


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


class VaccinationQuerySet(models.QuerySet):
    def with_titres(self) -> VaccinationQuerySet:
        return self.prefetch_related(
            models.Prefetch("titres", queryset=LabResult.objects.order_by("collected_on", "serotype"))
        )


# from_queryset() builds the base class at run time, which mypy cannot follow.
class VaccinationManager(models.Manager.from_queryset(VaccinationQuerySet)):  # type: ignore[misc]
    # A vaccination shows the titres that measure its response; prefetched, so a list of
    # vaccinations costs two queries however long it is.
    def get_queryset(self) -> VaccinationQuerySet:
        return super().get_queryset().with_titres()


class Vaccination(Entry):
    vaccine = models.CharField(max_length=16, choices=Vaccine.choices)
    given_on = models.DateField()

    objects = VaccinationManager()

    date_field = "given_on"

    class Meta:
        ordering = ["-given_on", "-created_at"]


TitreTiming = text_choices("TitreTiming", clinical.TITRE_TIMINGS)


class LabResult(Entry):
    analyte = models.CharField(max_length=24, choices=Analyte.choices)
    value = models.DecimalField(max_digits=10, decimal_places=3)
    unit = models.CharField(max_length=8, choices=Unit.choices)
    reference_low = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    reference_high = models.DecimalField(max_digits=10, decimal_places=3, null=True, blank=True)
    collected_on = models.DateField()
    # A pneumococcal titre may say which serotype it measures, whether it was taken before or
    # after a vaccine, and which vaccination (of the same profile) it measures the response to.
    serotype = models.CharField(max_length=16, blank=True)
    timing = models.CharField(max_length=8, choices=TitreTiming.choices, blank=True)
    vaccination = models.ForeignKey(
        "Vaccination", null=True, blank=True, on_delete=models.SET_NULL, related_name="titres"
    )

    date_field = "collected_on"

    class Meta:
        ordering = ["-collected_on", "-created_at"]

    @property
    def below_range(self) -> bool:
        return self.reference_low is not None and self.value < self.reference_low


InfusionRoute = text_choices("InfusionRoute", clinical.INFUSION_ROUTES)


class Infusion(Entry):
    """One immunoglobulin infusion (IVIG or SCIG), with its batch for product recalls."""

    given_on = models.DateField()
    product = models.CharField(max_length=200)
    route = models.CharField(max_length=16, choices=InfusionRoute.choices)
    dose_g = models.DecimalField(max_digits=6, decimal_places=2)
    lot_number = models.CharField(max_length=64, blank=True)
    sites = models.PositiveSmallIntegerField(null=True, blank=True)  # needle sites (SCIG)
    reactions = models.JSONField(default=list)

    date_field = "given_on"

    class Meta:
        ordering = ["-given_on", "-created_at"]
        indexes = [
            models.Index(fields=["profile", "given_on"]),
            # Batch search compares case-insensitively (lot_number__iexact is UPPER() = UPPER()).
            models.Index(Upper("lot_number"), name="infusion_lot_upper"),
        ]

    @property
    def red_flag_reactions(self) -> list[str]:
        return sorted(clinical.RED_FLAG_REACTIONS.intersection(self.reactions))

    @property
    def reactions_labelled(self) -> list[tuple[str, bool]]:
        """(family-facing label, is a red flag) for each reaction."""
        return clinical.reactions_labelled(self.reactions)


class MeasurementManager(models.Manager):
    # Centiles need the profile's date of birth and sex: one join, not a query per row.
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("profile")


class Measurement(Entry):
    """Weight and/or height on one day (children's growth)."""

    measured_on = models.DateField()
    weight_kg = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    height_cm = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)

    objects = MeasurementManager()

    date_field = "measured_on"

    class Meta:
        ordering = ["-measured_on", "-created_at"]
        indexes = [models.Index(fields=["profile", "measured_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=False) | Q(height_cm__isnull=False),
                name="measurement_has_a_value",
            )
        ]


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


# The access log's object_type for a use of a read-only link shared with a doctor (no account).
SHARE_LINK_OBJECT = "ShareLink"


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
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # After a failure: not before this time (backoff). Null: due as soon as dispatched.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # After too many failures: left for an operator (/readyz shows how many), never retried alone.
    parked_at = models.DateTimeField(null=True, blank=True)

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
    Infusion,
    Measurement,
)
