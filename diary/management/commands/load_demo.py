"""Demo content for the embedded setup: a care team, a clinician, a patient, a caregiver with two
children and a year of diary entries. Development only: refuses to run when DEBUG is off.

Idempotent: accounts are keyed on fixed e-mail addresses, profiles and entries on fixed UUIDs
(uuid5 on DEMO_NAMESPACE), so a second run finds everything in place and changes nothing. Entry
dates are relative to the day of the first run and never in the future.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone

from accounts.mfa import totp_authenticator_add
from accounts.models import CareTeam, CareTeamMember, Role, User
from accounts.services import ClinicianError, clinician_add
from diary.models import (
    CareLink,
    InfectionEpisode,
    LabResult,
    Profile,
    ProfileManager,
    Relationship,
    Sex,
    SymptomEntry,
    Treatment,
    Vaccination,
)
from diary.services import evaluation_request

DEMO_PASSWORD = "sigmd-demo-2026"  # noqa: S105 — demo accounts, DEBUG only
# base32 of b"SIgMD-demo-TOTP-2026": enter it in any authenticator app (TOTP, SHA-1, 6 digits, 30 s).
DEMO_TOTP_SECRET = "KNEWOTKEFVSGK3LPFVKE6VCQFUZDAMRW"  # noqa: S105 — demo clinician, DEBUG only
DEMO_NAMESPACE = uuid.UUID("5f1d7a52-3c0e-5b7e-9a41-2d6f0c8e5a13")

TEAM_NAME = "Demo Immunology Team"
CLINICIAN_EMAIL = "clinician@demo.sigmd.example"
PATIENT_EMAIL = "patient@demo.sigmd.example"
CAREGIVER_EMAIL = "parent@demo.sigmd.example"


def demo_id(key: str) -> uuid.UUID:
    """The fixed id of a demo row: the same on every run, on every machine."""
    return uuid.uuid5(DEMO_NAMESPACE, key)


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)

    def note(self, created: bool, what: str) -> None:
        if created:
            self.created.append(what)


class Calendar:
    """Dates counted back from today; nothing the demo writes lies in the future."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.now = timezone.now()

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=max(days, 0))

    def after(self, start: date, days: int) -> date:
        return min(start + timedelta(days=days), self.today)

    def evening(self, day: date, hour: int = 19) -> datetime:
        moment = datetime.combine(day, time(hour, 30), tzinfo=timezone.get_current_timezone())
        return min(moment, self.now)


# --- the people --------------------------------------------------------------------------------


def verified_email(user: User, outcome: Outcome) -> None:
    address, created = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
        created = True
    outcome.note(created, f"verified e-mail {user.email}")


def demo_user(*, email: str, role: str, display_name: str, outcome: Outcome) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, role=role, display_name=display_name)
        outcome.note(True, f"{role} {email}")
    elif user.role != role:
        raise CommandError(f"{email} already exists with role {user.role!r}, not {role!r}; remove it first.")
    verified_email(user, outcome)
    return user


def demo_clinician(outcome: Outcome) -> tuple[User, CareTeam]:
    existed = User.objects.filter(email__iexact=CLINICIAN_EMAIL).exists()
    team_existed = CareTeam.objects.filter(name=TEAM_NAME).exists()
    was_member = CareTeamMember.objects.filter(
        team__name=TEAM_NAME, user__email__iexact=CLINICIAN_EMAIL
    ).exists()
    try:
        # The password only for a new account: a rerun leaves an existing one alone.
        user, team = clinician_add(
            email=CLINICIAN_EMAIL, team_name=TEAM_NAME, password=None if existed else DEMO_PASSWORD
        )
    except ClinicianError as exc:
        raise CommandError(str(exc)) from None
    outcome.note(not team_existed, f"care team {TEAM_NAME!r}")
    if not existed:
        user.display_name = "Dr Demo"
        user.save(update_fields=["display_name"])
        outcome.note(True, f"clinician {CLINICIAN_EMAIL}")
    outcome.note(not was_member, f"{CLINICIAN_EMAIL} joined {TEAM_NAME!r}")
    if totp_authenticator_add(user, secret=DEMO_TOTP_SECRET):
        outcome.note(True, f"authenticator (TOTP) for {CLINICIAN_EMAIL}")
    return user, team


def demo_profile(
    *,
    key: str,
    manager: User,
    display_name: str,
    date_of_birth: date,
    sex: str,
    relationship: str,
    team: CareTeam | None,
    outcome: Outcome,
) -> Profile:
    profile, created = Profile.objects.get_or_create(
        id=demo_id(f"profile/{key}"),
        defaults={
            "display_name": display_name,
            "date_of_birth": date_of_birth,
            "sex": sex,
            "relationship": relationship,
        },
    )
    outcome.note(created, f"profile {display_name}")
    _, created = ProfileManager.objects.get_or_create(profile=profile, user=manager)
    outcome.note(created, f"{manager.email} manages {profile.display_name}")
    if team is not None:
        _, created = CareLink.objects.get_or_create(
            profile=profile, team=team, revoked_at__isnull=True, defaults={"created_by": manager}
        )
        outcome.note(created, f"{profile.display_name} linked to {team.name!r}")
    return profile


# --- the diaries -------------------------------------------------------------------------------

Entry = tuple[str, type[models.Model], dict[str, Any]]


def infection_with_course(
    cal: Calendar,
    key: str,
    *,
    kind: str,
    days_ago: int,
    lasted: int,
    severity: str,
    temperature: str,
    symptoms: list[str],
    notes: str,
    antibiotic: str | None = None,
    dose: str = "",
    course_days: int = 0,
    er_visit: bool = False,
    confirmed: bool = True,
) -> list[Entry]:
    """An episode, the evening's symptom entry and (optionally) the antibiotic course."""
    onset = cal.ago(days_ago)
    entries: list[Entry] = [
        (
            f"{key}/episode",
            InfectionEpisode,
            {
                "kind": kind,
                "onset": onset,
                "resolved_on": cal.after(onset, lasted),
                "severity": severity,
                "max_temperature_c": Decimal(temperature),
                "er_visit": er_visit,
                "confirmed_by_clinician": confirmed,
                "notes": notes,
            },
        ),
        (
            f"{key}/symptoms",
            SymptomEntry,
            {
                "recorded_at": cal.evening(onset),
                "symptoms": sorted(symptoms),
                "temperature_c": Decimal(temperature),
                "severity": 6 if severity == "moderate" else 4,
                "notes": "Temperature taken before bed.",
            },
        ),
    ]
    if antibiotic:
        started = cal.after(onset, 1)
        entries.append(
            (
                f"{key}/antibiotic",
                Treatment,
                {
                    "kind": "antibiotic",
                    "name": antibiotic,
                    "route": "oral",
                    "prophylactic": False,
                    "started_on": started,
                    "ended_on": cal.after(started, course_days - 1),
                    "dose": dose,
                    "notes": f"{course_days}-day course, all doses taken.",
                },
            )
        )
    return entries


def lab(
    cal: Calendar, key: str, analyte: str, value: str, low: str, high: str, days_ago: int, notes: str = ""
) -> Entry:
    return (
        key,
        LabResult,
        {
            "analyte": analyte,
            "value": Decimal(value),
            "unit": "mg/dL",
            "reference_low": Decimal(low),
            "reference_high": Decimal(high),
            "collected_on": cal.ago(days_ago),
            "notes": notes,
        },
    )


def vaccination(cal: Calendar, key: str, vaccine: str, days_ago: int, notes: str) -> Entry:
    return (key, Vaccination, {"vaccine": vaccine, "given_on": cal.ago(days_ago), "notes": notes})


def maya_diary(cal: Calendar) -> list[Entry]:
    amoxicillin = "Amoxicillin"
    child_dose = "250 mg three times a day"
    return [
        *infection_with_course(
            cal,
            "maya/ear-1",
            kind="otitis_media",
            days_ago=335,
            lasted=9,
            severity="mild",
            temperature="38.4",
            symptoms=["fever", "ear_pain"],
            notes="Pulling at her left ear and up at night. GP saw a red eardrum.",
            antibiotic=amoxicillin,
            dose=child_dose,
            course_days=7,
        ),
        *infection_with_course(
            cal,
            "maya/ear-2",
            kind="otitis_media",
            days_ago=248,
            lasted=10,
            severity="moderate",
            temperature="38.9",
            symptoms=["fever", "ear_pain", "runny_nose"],
            notes="Both ears this time, started after a cold from nursery.",
            antibiotic=amoxicillin,
            dose=child_dose,
            course_days=10,
        ),
        vaccination(cal, "maya/flu", "influenza", 160, "Yearly flu vaccine (nasal spray) at the GP."),
        *infection_with_course(
            cal,
            "maya/pneumonia",
            kind="pneumonia",
            days_ago=122,
            lasted=16,
            severity="moderate",
            temperature="39.0",
            symptoms=["cough", "fatigue", "fever"],
            notes="Fast breathing and high fever, so we went to the emergency department. "
            "The chest X-ray showed pneumonia on the right. Sent home with antibiotics.",
            antibiotic=amoxicillin,
            dose="450 mg three times a day (high dose)",
            course_days=7,
            er_visit=True,
        ),
        lab(
            cal,
            "maya/lab-1/igm",
            "IgM",
            "18",
            "40",
            "230",
            110,
            "Low again. The immunologist says this fits selective IgM deficiency.",
        ),
        lab(cal, "maya/lab-1/igg", "IgG", "820", "500", "1300", 110),
        lab(cal, "maya/lab-1/iga", "IgA", "95", "30", "200", 110),
        vaccination(
            cal,
            "maya/pcv20",
            "PCV20",
            95,
            "Extra pneumococcal vaccine dose after the pneumonia, as the care team advised.",
        ),
        *infection_with_course(
            cal,
            "maya/ear-3",
            kind="otitis_media",
            days_ago=75,
            lasted=8,
            severity="mild",
            temperature="38.3",
            symptoms=["ear_pain", "fever"],
            notes="Ear pain after swimming lessons. Cleared up well.",
            antibiotic=amoxicillin,
            dose=child_dose,
            course_days=7,
        ),
        *infection_with_course(
            cal,
            "maya/ear-4",
            kind="otitis_media",
            days_ago=26,
            lasted=9,
            severity="moderate",
            temperature="38.7",
            symptoms=["ear_pain", "fever", "runny_nose"],
            notes="Fourth ear infection this year. Some fluid came out of the right ear.",
            antibiotic=amoxicillin,
            dose=child_dose,
            course_days=10,
        ),
        lab(cal, "maya/lab-2/igm", "IgM", "21", "40", "230", 12, "Still below the normal range."),
    ]


def leo_diary(cal: Calendar) -> list[Entry]:
    return [
        *infection_with_course(
            cal,
            "leo/cold-1",
            kind="upper_respiratory",
            days_ago=300,
            lasted=6,
            severity="mild",
            temperature="37.9",
            symptoms=["cough", "runny_nose"],
            notes="Runny nose and a cough, like the rest of the nursery group.",
            confirmed=False,
        ),
        *infection_with_course(
            cal,
            "leo/cold-2",
            kind="upper_respiratory",
            days_ago=140,
            lasted=5,
            severity="mild",
            temperature="38.1",
            symptoms=["runny_nose", "fatigue"],
            notes="Sleepy and snotty for a few days, eating fine.",
            confirmed=False,
        ),
        *infection_with_course(
            cal,
            "leo/ear-1",
            kind="otitis_media",
            days_ago=55,
            lasted=8,
            severity="moderate",
            temperature="38.5",
            symptoms=["ear_pain", "fever"],
            notes="Crying and rubbing his ear. First ear infection.",
            antibiotic="Amoxicillin",
            dose="125 mg three times a day",
            course_days=7,
        ),
    ]


def sam_diary(cal: Calendar) -> list[Entry]:
    return [
        *infection_with_course(
            cal,
            "sam/sinus-1",
            kind="sinusitis",
            days_ago=290,
            lasted=14,
            severity="moderate",
            temperature="38.2",
            symptoms=["headache", "runny_nose", "sinus_pain"],
            notes="Pressure behind the eyes for over ten days. GP prescribed antibiotics.",
            antibiotic="Amoxicillin-clavulanate",
            dose="625 mg three times a day",
            course_days=10,
        ),
        *infection_with_course(
            cal,
            "sam/bronchitis",
            kind="bronchitis",
            days_ago=200,
            lasted=21,
            severity="mild",
            temperature="37.8",
            symptoms=["cough", "fatigue"],
            notes="Cough for three weeks. The GP said it was viral, no antibiotics needed.",
        ),
        vaccination(
            cal,
            "sam/ppsv23",
            "PPSV23",
            180,
            "Pneumococcal polysaccharide vaccine. Blood test of the response in 4 to 6 weeks.",
        ),
        vaccination(cal, "sam/flu", "influenza", 170, "Yearly flu vaccine at the pharmacy."),
        lab(cal, "sam/lab-1/igm", "IgM", "28", "40", "230", 150, "IgM below the normal range, as before."),
        lab(cal, "sam/lab-1/igg", "IgG", "1040", "700", "1600", 150),
        lab(cal, "sam/lab-1/iga", "IgA", "190", "70", "400", 150),
        *infection_with_course(
            cal,
            "sam/sinus-2",
            kind="sinusitis",
            days_ago=45,
            lasted=12,
            severity="moderate",
            temperature="38.4",
            symptoms=["headache", "sinus_pain"],
            notes="Second sinus infection this year. Told the immunology team at the visit.",
            antibiotic="Doxycycline",
            dose="100 mg twice a day",
            course_days=7,
        ),
    ]


def write_entries(profile: Profile, entries: list[Entry], outcome: Outcome) -> int:
    made = 0
    for key, model, data in entries:
        _, created = model._default_manager.get_or_create(
            id=demo_id(f"entry/{key}"), defaults={"profile": profile, **data}
        )
        made += created
    outcome.note(bool(made), f"{made} diary entries for {profile.display_name}")
    return made


# --- the command -------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Load demo accounts (clinician, patient, caregiver), their care team and a year of diary "
        f"entries. Password for all: {DEMO_PASSWORD}. Development only (DEBUG on). Safe to rerun."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "load_demo only runs with DEBUG on (DJANGO_DEBUG=1): it creates accounts with a "
                "published password and must never touch a production database."
            )
        outcome = Outcome()
        cal = Calendar(timezone.localdate())
        with transaction.atomic():
            clinician, team = demo_clinician(outcome)
            patient = demo_user(email=PATIENT_EMAIL, role=Role.PATIENT, display_name="Sam", outcome=outcome)
            parent = demo_user(
                email=CAREGIVER_EMAIL,
                role=Role.CAREGIVER,
                display_name="Jo (Maya and Leo's parent)",
                outcome=outcome,
            )
            sam = demo_profile(
                key="sam",
                manager=patient,
                display_name="Sam",
                date_of_birth=date(1988, 6, 21),
                sex=Sex.FEMALE,
                relationship=Relationship.SELF,
                team=team,
                outcome=outcome,
            )
            maya = demo_profile(
                key="maya",
                manager=parent,
                display_name="Maya",
                date_of_birth=date(2019, 3, 14),
                sex=Sex.FEMALE,
                relationship=Relationship.CHILD,
                team=team,
                outcome=outcome,
            )
            leo = demo_profile(
                key="leo",
                manager=parent,
                display_name="Leo",
                date_of_birth=date(2023, 8, 2),
                sex=Sex.MALE,
                relationship=Relationship.CHILD,
                team=None,
                outcome=outcome,
            )
            changed = len(outcome.created)
            for profile, diary in ((sam, sam_diary), (maya, maya_diary), (leo, leo_diary)):
                before = len(outcome.created)
                write_entries(profile, diary(cal), outcome)
                if len(outcome.created) > before or changed:
                    # The outbox row: the care app evaluates the new diary once this commits.
                    evaluation_request(profile_id=profile.pk)

        if outcome.created:
            self.stdout.write(self.style.SUCCESS("Demo content loaded:"))
            for line in outcome.created:
                self.stdout.write(f"  + {line}")
        else:
            self.stdout.write("Demo content already present; nothing changed.")
        self.summary(clinician, team)

    def summary(self, clinician: User, team: CareTeam) -> None:
        label = quote(f"SIgMD Portal:{clinician.email}")
        uri = f"otpauth://totp/{label}?secret={DEMO_TOTP_SECRET}&issuer=SIgMD%20Portal"
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"Demo accounts (password for all: {DEMO_PASSWORD}):",
                    f"  clinician  {CLINICIAN_EMAIL}  in care team {team.name!r}",
                    f"  patient    {PATIENT_EMAIL}  profile Sam (linked to the team)",
                    f"  caregiver  {CAREGIVER_EMAIL}  children Maya (linked) and Leo (not linked)",
                    "",
                    "The clinician signs in with an authenticator app (TOTP) holding this secret:",
                    f"  {DEMO_TOTP_SECRET}",
                    f"  {uri}",
                    "(If the clinician already had an authenticator, that one is kept.)",
                ]
            )
        )
