"""Demo content for the embedded setup (data in care/demo_data.py): a care team, a clinician with
an authenticator app, a patient, a caregiver with two children and a year of diary entries.
Development only: refuses to run when DEBUG is off.

Everything goes through the services a real account's data goes through: clinician_add, the MFA
module, profile_create, entry_create (client-chosen ids, so a rerun is a replay that changes
nothing), an invitation code and care_link_join for consent. Entry dates count back from the
day of the first run and are never in the future.
"""

from __future__ import annotations

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
from accounts.models import CareTeam, User
from accounts.services import ClinicianError, clinician_add
from care.demo_data import (
    CLINICIAN,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DIARIES,
    PEOPLE,
    PROFILES,
    TEAM_NAME,
    demo_id,
)
from diary.demo_immune import immune_diaries
from diary.models import CareLink, InfectionEpisode, LabResult, Profile, SymptomEntry, Treatment, Vaccination
from diary.services import ReplayConflict, care_link_join, entry_create, invitation_create, profile_create


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


Row = tuple[str, type[models.Model], dict[str, Any]]


def infection_rows(cal: Calendar, item: dict[str, Any]) -> list[Row]:
    """An episode, the evening's symptom entry and (optionally) the antibiotic course."""
    key, onset, severity = item["key"], cal.ago(item["days_ago"]), item["severity"]
    temperature = Decimal(item["temperature"])
    rows: list[Row] = [
        (
            f"{key}/episode",
            InfectionEpisode,
            {
                "kind": item["kind"],
                "onset": onset,
                "resolved_on": cal.after(onset, item["lasted"]),
                "severity": severity,
                "max_temperature_c": temperature,
                "er_visit": item.get("er_visit", False),
                "confirmed_by_clinician": item.get("confirmed", True),
                "notes": item["notes"],
            },
        ),
        (
            f"{key}/symptoms",
            SymptomEntry,
            {
                "recorded_at": cal.evening(onset),
                "symptoms": sorted(item["symptoms"]),
                "temperature_c": temperature,
                "severity": 6 if severity == "moderate" else 4,
                "notes": "Temperature taken before bed.",
            },
        ),
    ]
    if item.get("antibiotic"):
        started, days = cal.after(onset, 1), item["course_days"]
        rows.append(
            (
                f"{key}/antibiotic",
                Treatment,
                {
                    "kind": "antibiotic",
                    "name": item["antibiotic"],
                    "route": "oral",
                    "prophylactic": False,
                    "started_on": started,
                    "ended_on": cal.after(started, days - 1),
                    "dose": item.get("dose", ""),
                    "notes": f"{days}-day course, all doses taken.",
                },
            )
        )
    return rows


def rows_of(cal: Calendar, item: dict[str, Any]) -> list[Row]:
    if item["type"] == "infection":
        return infection_rows(cal, item)
    if item["type"] == "lab":
        data = {
            "analyte": item["analyte"],
            "value": Decimal(item["value"]),
            "unit": "mg/dL",
            "reference_low": Decimal(item["low"]),
            "reference_high": Decimal(item["high"]),
            "collected_on": cal.ago(item["days_ago"]),
            "notes": item.get("notes", ""),
        }
        return [(item["key"], LabResult, data)]
    data = {"vaccine": item["vaccine"], "given_on": cal.ago(item["days_ago"]), "notes": item["notes"]}
    return [(item["key"], Vaccination, data)]


# --- the people --------------------------------------------------------------------------------


def demo_user(*, email: str, role: str, display_name: str, outcome: Outcome) -> User:
    """A verified family account (what signing up and confirming the e-mail would leave)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, role=role, display_name=display_name)
        outcome.note(True, f"{role} {email}")
    elif user.role != role:
        raise CommandError(f"{email} already exists with role {user.role!r}, not {role!r}; remove it first.")
    _, created = EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    outcome.note(created, f"verified e-mail {user.email}")
    return user


def demo_clinician(outcome: Outcome) -> tuple[User, CareTeam]:
    email = CLINICIAN["email"]
    existed = User.objects.filter(email__iexact=email).exists()
    team_existed = CareTeam.objects.filter(name=TEAM_NAME).exists()
    was_member = (
        existed and User.objects.filter(email__iexact=email, team_memberships__team__name=TEAM_NAME).exists()
    )
    try:
        # The password only for a new account: a rerun leaves an existing one alone.
        user, team = clinician_add(
            email=email, team_name=TEAM_NAME, password=None if existed else DEMO_PASSWORD
        )
    except ClinicianError as exc:
        raise CommandError(str(exc)) from None
    outcome.note(not team_existed, f"care team {TEAM_NAME!r}")
    if not existed:
        user.display_name = CLINICIAN["display_name"]
        user.save(update_fields=["display_name"])
        outcome.note(True, f"clinician {email}")
    outcome.note(not was_member, f"{email} joined {TEAM_NAME!r}")
    outcome.note(totp_authenticator_add(user, secret=DEMO_TOTP_SECRET), f"authenticator (TOTP) for {email}")
    return user, team


def demo_profile(
    spec: dict[str, Any], *, manager: User, clinician: User, team: CareTeam, outcome: Outcome
) -> Profile:
    fields = ("display_name", "date_of_birth", "sex", "relationship", "contact_phone")
    data = {"id": demo_id(f"profile/{spec['key']}"), **{f: spec[f] for f in fields if f in spec}}
    try:
        profile, created = profile_create(user=manager, data=data)
    except ReplayConflict:
        raise CommandError(f"A demo profile id is taken by other data ({spec['display_name']}).") from None
    outcome.note(created, f"profile {profile.display_name} managed by {manager.email}")
    if (
        spec["linked"]
        and not CareLink.objects.filter(profile=profile, team=team, revoked_at__isnull=True).exists()
    ):
        # Consent the way a family gives it: the code a clinician reads out, entered by the family.
        invitation = invitation_create(team=team, created_by=clinician, expires_at=None)
        care_link_join(profile=profile, code=invitation.code, user=manager)
        outcome.note(True, f"{profile.display_name} linked to {team.name!r}")
    return profile


def write_diary(
    profile: Profile, cal: Calendar, items: list[dict[str, Any]], immune: list[Any], outcome: Outcome
) -> None:
    """The profile's diary items and its immune record (diary.demo_immune), through the services."""
    made = 0
    for key, model, data in [*(row for item in items for row in rows_of(cal, item)), *immune]:
        try:
            _, created = entry_create(
                model=model, profile=profile, data={"id": demo_id(f"entry/{key}"), **data}
            )
        except ReplayConflict:
            created = False  # written on an earlier day: its dates were counted from then
        made += created
    outcome.note(bool(made), f"{made} diary entries for {profile.display_name}")


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
        immune = immune_diaries(cal, lambda key: demo_id(f"entry/{key}"))
        with transaction.atomic():
            clinician, team = demo_clinician(outcome)
            people = {
                p["key"]: demo_user(
                    email=p["email"], role=p["role"], display_name=p["display_name"], outcome=outcome
                )
                for p in PEOPLE
            }
            for spec in PROFILES:
                profile = demo_profile(
                    spec, manager=people[spec["manager"]], clinician=clinician, team=team, outcome=outcome
                )
                write_diary(profile, cal, DIARIES[spec["key"]], immune.get(spec["key"], []), outcome)

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
                    f"  clinician  {CLINICIAN['email']}  in care team {team.name!r}: sign in at /clinic/",
                    f"  patient    {PEOPLE[0]['email']}  profile Sam (linked to the team)",
                    f"  caregiver  {PEOPLE[1]['email']}  children Maya (linked) and Leo (not linked)",
                    "",
                    "The clinician signs in with an authenticator app (TOTP) holding this secret:",
                    f"  {DEMO_TOTP_SECRET}",
                    f"  {uri}",
                    "(If the clinician already had an authenticator, that one is kept.)",
                ]
            )
        )
