"""A diary with entries of every kind, spread over the last year and a little before it: what
the query-count tests read to show that a read costs the same however much is in the diary."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from diary.models import (
    InfectionEpisode,
    Infusion,
    LabResult,
    Measurement,
    SymptomEntry,
    Treatment,
    Vaccination,
)

KINDS = ["otitis_media", "sinusitis", "pneumonia", "upper_respiratory", "thrush", "sepsis"]
SEVERITIES = ["mild", "moderate", "severe", "mild"]
ANALYTES = ["IgM", "IgG", "IgA", "IgG1", "IgG2", "IgG3", "IgG4", "IgE"]


def fill_diary(profile, *, by, n: int) -> None:
    """`n` entries of each type (and as many titres), spread over the last 400 days: some older
    than the summary's year."""
    today, now = timezone.localdate(), timezone.now()
    ago = [today - dt.timedelta(days=i * 400 // n) for i in range(n)]
    own = {"profile": profile, "created_by": by}
    InfectionEpisode.objects.bulk_create(
        InfectionEpisode(
            **own,
            kind=KINDS[i % len(KINDS)],
            onset=day,
            resolved_on=None if i % 5 == 0 else day + dt.timedelta(days=7),
            severity=SEVERITIES[i % len(SEVERITIES)],
            max_temperature_c=Decimal("38.6") if i % 2 else None,
            hospitalized=i % 7 == 0,
            iv_antibiotics=i % 6 == 0,
            severe_since=day if SEVERITIES[i % len(SEVERITIES)] == "severe" else None,
        )
        for i, day in enumerate(ago)
    )
    Treatment.objects.bulk_create(
        Treatment(
            **own,
            kind="immunoglobulin" if i % 4 == 0 else "antibiotic",
            name="Amoxicillin",
            route="topical" if i % 9 == 0 else "oral",
            prophylactic=i % 3 == 0,
            started_on=day,
            ended_on=None if i % 8 == 0 else day + dt.timedelta(days=10),
        )
        for i, day in enumerate(ago)
    )
    vaccinations = Vaccination.objects.bulk_create(
        Vaccination(**own, vaccine="PCV20" if i % 2 else "influenza", given_on=day)
        for i, day in enumerate(ago)
    )
    LabResult.objects.bulk_create(
        itertools.chain(
            (
                LabResult(
                    **own,
                    analyte=ANALYTES[i % len(ANALYTES)],
                    value=Decimal(20 + i),
                    unit="mg/dL",
                    reference_low=Decimal(40) if i % 2 else None,
                    reference_high=Decimal(230),
                    collected_on=day,
                )
                for i, day in enumerate(ago)
            ),
            (
                LabResult(
                    **own,
                    analyte="pneumococcal_titer",
                    value=Decimal("0.2") if i % 2 else Decimal("2.5"),
                    unit="ug/mL",
                    collected_on=v.given_on + dt.timedelta(days=-1 if i % 2 else 30),
                    serotype=["14", "6B", "9V"][i % 3],
                    timing="pre" if i % 2 else "post",
                    vaccination=None if i % 5 == 0 else v,
                )
                for i, v in enumerate(vaccinations)
            ),
        )
    )
    Infusion.objects.bulk_create(
        Infusion(
            **own,
            given_on=day,
            product="Hizentra",
            route="subcutaneous",
            dose_g=Decimal("8.00"),
            lot_number=f"P{i}",
            reactions=["site_swelling"] if i % 2 else ["breathing_difficulty"],
        )
        for i, day in enumerate(ago)
    )
    Measurement.objects.bulk_create(
        Measurement(
            **own,
            measured_on=day,
            weight_kg=None if i % 3 == 0 else Decimal("21.400") - i,
            height_cm=None if i % 3 == 1 else Decimal("118.5") - i,
        )
        for i, day in enumerate(ago)
    )
    SymptomEntry.objects.bulk_create(
        SymptomEntry(
            **own,
            recorded_at=now - dt.timedelta(hours=i * 7),
            symptoms=["fever", "cough"] if i % 2 else ["stiff_neck"],
            temperature_c=Decimal("39.1") if i % 3 else None,
            severity=i % 10,
        )
        for i in range(n)
    )
