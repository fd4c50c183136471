"""What a visit summary shows: one read of the diary for a period, shaped for the PDF and the
share page. Counts come from the diary's own summary and thresholds from care's rules, so the
report never disagrees with the app or the clinic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import QuerySet

from accounts.models import CareTeam
from care import rules
from care.clinic.selectors import growth_history
from care.models import Alert, RuleCode
from care.selectors import longest_window, profile_facts, team_settings
from diary import clinical
from diary.models import InfectionEpisode, Infusion, LabResult, Profile, Treatment, Vaccination
from diary.numbers import plain_number
from diary.selectors import TREND_ANALYTES, profile_summary

RECENT_ALERT_DAYS = 90
DEFAULT_MONTHS = 12


def default_period(today: date) -> tuple[date, date]:
    """The last 12 months, ending today."""
    return today - relativedelta(months=DEFAULT_MONTHS) + timedelta(days=1), today


def lab_range(low: Decimal | None, high: Decimal | None) -> str:
    return f"{plain_number(low)}–{plain_number(high)}"


def age_in_years(date_of_birth: date, on: date) -> int:
    return relativedelta(on, date_of_birth).years


@dataclass
class ThresholdRow:
    rule: str
    label: str
    priority: str
    unit: str
    count: int
    threshold: int
    window_days: int
    enabled: bool

    @property
    def met(self) -> bool:
        return self.enabled and self.count >= self.threshold


def thresholds_in_force(profile: Profile, *, on: date, team: CareTeam | None) -> list[ThresholdRow]:
    """Each frequency rule's count on `on` against the threshold in force for the team.
    The count is what the rule itself sees in its window (care.rules), not a recount here."""
    band = rules.age_band(profile.date_of_birth, on)
    settings = team_settings(team)
    facts = profile_facts(profile, on=on, lookback_days=longest_window([settings]))
    rows = []
    for code, rule in rules.RULES.items():
        if rule.priority != rules.ROUTINE:
            continue
        threshold = rules.in_force(code, band, settings)
        if rule.unit == "days":
            count, _ = rules.antibiotic_days(facts.treatments, on, threshold.window_days)
        else:
            # With a threshold of one, the rule's evidence is every matching entry in its window.
            probe = {code: {band: rules.Threshold(1, threshold.window_days)}}
            count = sum(len(f.evidence) for f in rules.evaluate_rule(code, facts, on, probe))
        rows.append(
            ThresholdRow(
                rule=code,
                label=RuleCode(code).label,
                priority=rule.priority,
                unit=rule.unit,
                count=count,
                threshold=threshold.count,
                window_days=threshold.window_days,
                enabled=threshold.enabled,
            )
        )
    return rows


def months_between(start: date, end: date) -> list[date]:
    first = start.replace(day=1)
    months = []
    while first <= end:
        months.append(first)
        first += relativedelta(months=1)
    return months


def infections_per_month(
    episodes: list[InfectionEpisode], *, start: date, end: date
) -> list[tuple[date, int]]:
    counts = dict.fromkeys(months_between(start, end), 0)
    for episode in episodes:
        month = episode.onset.replace(day=1)
        if month in counts:
            counts[month] += 1
    return list(counts.items())


def is_serious(episode: InfectionEpisode) -> bool:
    return (
        episode.kind in clinical.SERIOUS_INFECTION_KINDS
        or episode.severity in clinical.SEVERE_SEVERITIES
        or episode.hospitalized
        or episode.icu
    )


def alerts_for_report(profile: Profile, *, team: CareTeam | None, today: date) -> QuerySet[Alert]:
    """Open alerts, and any raised in the last 90 days, of the team in force (or the family's own)."""
    recent = today - timedelta(days=RECENT_ALERT_DAYS)
    return (
        Alert.objects.filter(profile=profile, team=team)
        .filter(models.Q(status="open") | models.Q(created_at__date__gte=recent))
        .order_by("-created_at")
    )


@dataclass
class VisitSummary:
    profile: Profile
    start: date
    end: date
    today: date
    team: CareTeam | None
    questions: str = ""
    counts: dict[str, Any] = field(default_factory=dict)
    thresholds: list[ThresholdRow] = field(default_factory=list)
    per_month: list[tuple[date, int]] = field(default_factory=list)
    serious: list[InfectionEpisode] = field(default_factory=list)
    courses: list[Treatment] = field(default_factory=list)
    vaccinations: list[Vaccination] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    # Every weight and height with its centile (the summary gives only the latest): the chart.
    growth: list[dict[str, Any]] = field(default_factory=list)

    # The immune record is the diary summary's own (diary.selectors.profile_summary), not a recount.
    @property
    def infusions(self) -> dict[str, Any]:
        """Infusions in the period, the usual interval, infections per month on and off therapy."""
        return self.counts["infusions"]

    @property
    def labs(self) -> dict[str, list[dict[str, Any]]]:
        """Every IgM, IgG, IgA and IgG-subclass result, all time (a trend), analytes with results."""
        return {analyte: rows for analyte, rows in self.counts["trends"].items() if rows}

    @property
    def titre_responses(self) -> list[dict[str, Any]]:
        return self.counts["titre_responses"]

    @property
    def latest_growth(self) -> dict[str, Any]:
        return self.counts["growth"]

    @property
    def age(self) -> int:
        return age_in_years(self.profile.date_of_birth, self.today)


def visit_summary(
    profile: Profile,
    *,
    start: date,
    end: date,
    today: date,
    team: CareTeam | None,
    questions: str = "",
) -> VisitSummary:
    """Everything the visit summary shows, for entries dated from `start` to `end`."""
    days = (end - start).days + 1
    episodes = list(
        InfectionEpisode.objects.filter(profile=profile, onset__gte=start, onset__lte=end).order_by("onset")
    )
    summary = VisitSummary(profile=profile, start=start, end=end, today=today, team=team, questions=questions)
    summary.counts = profile_summary(profile, today=end, days=days)
    summary.thresholds = thresholds_in_force(profile, on=end, team=team)
    summary.per_month = infections_per_month(episodes, start=start, end=end)
    summary.serious = [e for e in episodes if is_serious(e)]
    summary.courses = list(
        Treatment.objects.filter(profile=profile, kind="antibiotic", started_on__lte=end)
        .filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=start))
        .order_by("started_on")
    )
    summary.vaccinations = list(
        Vaccination.objects.filter(profile=profile, given_on__gte=start, given_on__lte=end).order_by(
            "given_on"
        )
    )
    summary.growth = growth_history(profile)
    summary.alerts = list(alerts_for_report(profile, team=team, today=today))
    return summary


def report_size(profile: Profile, *, start: date, end: date) -> int:
    """How many rows the visit summary will draw: what its rendering time grows with."""
    in_period: list[QuerySet[Any]] = [
        InfectionEpisode.objects.filter(profile=profile, onset__range=(start, end)),
        Treatment.objects.filter(profile=profile, started_on__lte=end).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=start)
        ),
        Vaccination.objects.filter(profile=profile, given_on__range=(start, end)),
        LabResult.objects.filter(profile=profile, analyte__in=TREND_ANALYTES),
        Infusion.objects.filter(profile=profile, given_on__range=(start, end)),
    ]
    return sum(q.count() for q in in_period)
