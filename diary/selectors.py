"""Reads of the diary that several places share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q

from .models import InfectionEpisode, LabResult, Profile, Treatment, Vaccination

SERIOUS_KINDS = ("pneumonia", "sepsis", "meningitis", "osteomyelitis", "abscess")
SUMMARY_ANALYTES = ("IgM", "IgG", "IgA")


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
            "id", filter=Q(kind__in=SERIOUS_KINDS) | Q(severity__in=["severe", "life_threatening"])
        ),
        hospitalizations=Count("id", filter=Q(hospitalized=True)),
        iv_antibiotic_courses=Count("id", filter=Q(iv_antibiotics=True)),
    )
    courses = list(
        Treatment.objects.filter(profile=profile, kind="antibiotic", started_on__lte=today)
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
