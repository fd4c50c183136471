"""Reads of the diary that several places share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from . import clinical, guidance
from .models import Entry, InfectionEpisode, LabResult, Profile, SymptomEntry, Treatment, Vaccination

SUMMARY_ANALYTES = ("IgM", "IgG", "IgA")
# How far back other entries matter to one entry's guidance (a fever's run, a recent vaccination).
GUIDANCE_LOOKBACK_DAYS = 31


def covered_days(spans: Iterable[tuple[date, date | None]], *, start: date, end: date) -> set[date]:
    """The days from start to end covered by at least one (first, last) span; an open span
    runs to `end`. Overlapping courses count once."""
    days: set[date] = set()
    for first, last in spans:
        first, last = max(first, start), min(last or end, end)
        days.update(first + timedelta(days=i) for i in range((last - first).days + 1))
    return days


def profile_summary(profile: Profile, *, today: date, days: int = 365) -> dict[str, Any]:
    """Counts over the last `days` days (ending today): a fixed number of queries."""
    since = today - timedelta(days=days - 1)
    episodes = InfectionEpisode.objects.filter(profile=profile, onset__gte=since, onset__lte=today)
    by_kind = dict(episodes.values_list("kind").annotate(n=Count("id")).order_by("kind"))
    totals = episodes.aggregate(
        total=Count("id"),
        serious=Count(
            "id",
            filter=Q(kind__in=clinical.SERIOUS_INFECTION_KINDS) | Q(severity__in=clinical.SEVERE_SEVERITIES),
        ),
        hospitalizations=Count("id", filter=Q(hospitalized=True)),
        iv_antibiotic_courses=Count("id", filter=Q(iv_antibiotics=True)),
    )
    courses = list(
        Treatment.objects.filter(profile=profile, kind=clinical.ANTIBIOTIC, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
        .only("started_on", "ended_on", "prophylactic")
    )
    antibiotic_days = {
        label: len(
            covered_days(
                [(c.started_on, c.ended_on) for c in courses if c.prophylactic == prophylactic],
                start=since,
                end=today,
            )
        )
        for label, prophylactic in (("treatment", False), ("prophylaxis", True))
    }
    latest_labs = {}
    # One query: newest first, keep the first seen of each analyte.
    for lab in LabResult.objects.filter(profile=profile, analyte__in=SUMMARY_ANALYTES).order_by(
        "-collected_on", "-created_at"
    ):
        latest_labs.setdefault(lab.analyte, lab)
    vaccinations = Vaccination.objects.filter(profile=profile, given_on__gte=since, given_on__lte=today)
    return {
        "period": {"from": since, "to": today},
        "infections": {"total": totals["total"], "by_kind": by_kind},
        "serious_infections": totals["serious"],
        "hospitalizations": totals["hospitalizations"],
        "iv_antibiotic_courses": totals["iv_antibiotic_courses"],
        "antibiotic_days": antibiotic_days,
        "latest_labs": {
            analyte: {
                "value": lab.value,
                "unit": lab.unit,
                "reference_low": lab.reference_low,
                "reference_high": lab.reference_high,
                "collected_on": lab.collected_on,
                "below_range": lab.below_range,
            }
            for analyte, lab in latest_labs.items()
        },
        "vaccinations": [
            {"vaccine": v.vaccine, "given_on": v.given_on} for v in vaccinations.order_by("given_on")
        ],
    }


def guidance_history(profile: Profile, *, day: date, exclude: Any = None) -> guidance.History:
    """The fever days and vaccinations around `day` that one entry's guidance takes into account:
    three small queries over a month of the diary."""
    since, until = day - timedelta(days=GUIDANCE_LOOKBACK_DAYS), day + clinical.DATE_TOLERANCE
    readings = SymptomEntry.objects.filter(
        profile=profile, recorded_at__date__gte=since, recorded_at__date__lte=until
    ).exclude(pk=exclude)
    fever_days = [
        timezone.localdate(s.recorded_at)
        for s in readings.only("recorded_at", "symptoms", "temperature_c")
        if clinical.is_fever(symptoms=s.symptoms, temperature=s.temperature_c)
    ]
    fever_days += (
        InfectionEpisode.objects.filter(
            profile=profile, onset__gte=since, onset__lte=until, max_temperature_c__gte=clinical.FEVER_C
        )
        .exclude(pk=exclude)
        .values_list("onset", flat=True)
    )
    vaccinations = Vaccination.objects.filter(profile=profile, given_on__gte=since, given_on__lte=until)
    return guidance.History(
        fever_days=tuple(fever_days), vaccinations=tuple(vaccinations.values_list("vaccine", "given_on"))
    )


def entry_guidance(entry: Entry, profile: Profile, *, now: datetime) -> guidance.Guidance | None:
    """The safety guidance for an infection or symptom entry (None for other types); `now` local."""
    if isinstance(entry, SymptomEntry):
        recorded_at = timezone.localtime(entry.recorded_at)
        return guidance.guidance_for_symptoms(
            symptoms=entry.symptoms,
            temperature_c=entry.temperature_c,
            recorded_at=recorded_at,
            date_of_birth=profile.date_of_birth,
            now=now,
            history=guidance_history(profile, day=recorded_at.date(), exclude=entry.pk),
        )
    if isinstance(entry, InfectionEpisode):
        return guidance.guidance_for_infection(
            kind=entry.kind,
            severity=entry.severity,
            onset=entry.onset,
            resolved_on=entry.resolved_on,
            hospitalized=entry.hospitalized,
            icu=entry.icu,
            iv_antibiotics=entry.iv_antibiotics,
            max_temperature_c=entry.max_temperature_c,
            date_of_birth=profile.date_of_birth,
            now=now,
            history=guidance_history(profile, day=entry.onset, exclude=entry.pk),
        )
    return None
