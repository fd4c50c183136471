"""Reads for care. Everything about a profile is reached through the diary's access function."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import CareTeam, User
from diary.access import profiles_visible_to
from diary.models import CareLink, InfectionEpisode, Infusion, Profile, SymptomEntry, Treatment

from . import rules
from .models import Alert, RuleCode, TeamRuleSetting


def alerts_visible_to(user: User) -> QuerySet[Alert]:
    """Clinicians: their teams' alerts on profiles still linked to them. Managers: every alert
    on their profiles (read-only)."""
    alerts = Alert.objects.filter(profile__in=profiles_visible_to(user))
    if user.is_authenticated and user.is_clinician:
        alerts = alerts.filter(team__memberships__user=user)
    return alerts


def profile_facts(profile: Profile) -> rules.Facts:
    """The plain facts the rules read: four queries, however long the diary."""
    return rules.Facts(
        date_of_birth=profile.date_of_birth,
        episodes=tuple(
            rules.Episode(
                id=str(e.id),
                kind=e.kind,
                onset=e.onset,
                severity=e.severity,
                resolved_on=e.resolved_on,
                hospitalized=e.hospitalized,
                icu=e.icu,
                iv_antibiotics=e.iv_antibiotics,
            )
            for e in InfectionEpisode.objects.filter(profile=profile).only(
                "id", "kind", "onset", "severity", "resolved_on", "hospitalized", "icu", "iv_antibiotics"
            )
        ),
        symptoms=tuple(
            rules.Symptoms(
                id=str(s.id),
                recorded_on=timezone.localdate(s.recorded_at),
                symptoms=tuple(s.symptoms),
                temperature_c=s.temperature_c,
            )
            for s in SymptomEntry.objects.filter(profile=profile).only(
                "id", "recorded_at", "symptoms", "temperature_c"
            )
        ),
        treatments=tuple(
            rules.Treatment(
                id=str(t.id),
                kind=t.kind,
                started_on=t.started_on,
                ended_on=t.ended_on,
                prophylactic=t.prophylactic,
            )
            for t in Treatment.objects.filter(profile=profile).only(
                "id", "kind", "started_on", "ended_on", "prophylactic"
            )
        ),
        infusions=tuple(
            rules.Infusion(id=str(i.id), given_on=i.given_on, reactions=tuple(i.reactions))
            for i in Infusion.objects.filter(profile=profile).only("id", "given_on", "reactions")
        ),
    )


def team_settings(team: CareTeam | None) -> rules.Settings:
    settings = rules.default_settings()
    if team is None:
        return settings
    for row in TeamRuleSetting.objects.filter(team=team):
        settings[row.rule] = {
            rules.CHILD: rules.Threshold(row.child_threshold, row.child_window_days, row.enabled),
            rules.ADULT: rules.Threshold(row.adult_threshold, row.adult_window_days, row.enabled),
        }
    return settings


def active_teams(profile: Profile) -> list[CareTeam]:
    return [
        link.team
        for link in CareLink.objects.filter(profile=profile, revoked_at__isnull=True).select_related("team")
    ]


def default_thresholds_met(profile: Profile, on: date) -> list[dict]:
    """Each rule's default threshold for the profile's age band on that day, whether the diary
    meets it, and the entries that do: what the summary and the clinic's patient page show."""
    band = rules.age_band(profile.date_of_birth, on)
    findings = rules.evaluate(profile_facts(profile), on)
    return [
        {
            "rule": code,
            "label": RuleCode(code).label,
            "priority": rule.priority,
            "unit": rule.unit,
            "fixed_count": rule.fixed_count,
            "threshold": getattr(rule, band).count,
            "window_days": getattr(rule, band).window_days,
            "met": any(f.rule == code for f in findings),
            "evidence": sorted({i for f in findings if f.rule == code for _, i in f.evidence}),
        }
        for code, rule in rules.RULES.items()
    ]


def with_active_consent(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Only alerts whose team is still linked to the profile: a revoked link stops every message."""
    return alerts.filter(
        Exists(
            CareLink.objects.filter(
                profile=OuterRef("profile"), team=OuterRef("team"), revoked_at__isnull=True
            )
        )
    )
