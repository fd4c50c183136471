"""Demo content of the immune record, for `manage.py load_demo`: Sam (an adult on IVIG for a
year after a poor response to a conjugate pneumococcal vaccine, with titres and IgG troughs) and
Maya (a child with two years of weight and height measurements).

The loader calls `immune_diaries` once and writes the rows with the rest of each diary, under
fixed ids, so a rerun changes nothing. Dates count back from the day of the first run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from django.db import models
from rcpchgrowth import chronological_decimal_age, measurement_from_sds

from .clinical import GROWTH_REFERENCE
from .models import InfectionEpisode, Infusion, LabResult, Measurement, Vaccination

Entry = tuple[str, type[models.Model], dict[str, Any]]


class Calendar(Protocol):
    def ago(self, days: int) -> date: ...


IVIG_PRODUCT = "Privigen (IVIG 10%)"
IVIG_DOSE_G = Decimal("30")
IVIG_EVERY_DAYS = 28
IVIG_FIRST_DAYS_AGO = 330
# A new batch every few months, as a hospital pharmacy would dispense them.
IVIG_LOTS = ("P100234", "P100871", "P101456", "P102390")
PCV15_DAYS_AGO = 430
# Serotype: (before, four weeks after), µg/mL: a poor response except for serotype 14.
SAM_TITRES = {
    "3": ("0.20", "0.30"),
    "6B": ("0.30", "0.40"),
    "14": ("0.50", "2.40"),
    "19F": ("0.40", "0.60"),
    "23F": ("0.10", "0.20"),
}
SAM_IGG_TROUGHS = (
    (380, "640", "before starting IVIG"),
    (240, "890", "trough, before infusion"),
    (64, "960", "trough, before infusion"),
)


def sam_immune_record(cal: Calendar, entry_id: Callable[[str], Any]) -> list[Entry]:
    pcv15 = "sam/pcv15"
    entries: list[Entry] = [
        (
            pcv15,
            Vaccination,
            {
                "vaccine": "PCV15",
                "given_on": cal.ago(PCV15_DAYS_AGO),
                "notes": "Conjugate pneumococcal vaccine, with blood tests before and four weeks after.",
            },
        ),
    ]
    for serotype, (before, after) in SAM_TITRES.items():
        for timing, value, days_ago in (
            ("pre", before, PCV15_DAYS_AGO),
            ("post", after, PCV15_DAYS_AGO - 28),
        ):
            entries.append(
                (
                    f"sam/titre/{serotype}/{timing}",
                    LabResult,
                    {
                        "analyte": "pneumococcal_titer",
                        "value": Decimal(value),
                        "unit": "ug/mL",
                        "reference_low": None,
                        "reference_high": None,
                        "collected_on": cal.ago(days_ago),
                        "serotype": serotype,
                        "timing": timing,
                        "vaccination_id": entry_id(pcv15),
                    },
                )
            )
    for days_ago, value, note in SAM_IGG_TROUGHS:
        entries.append(
            (
                f"sam/igg/{days_ago}",
                LabResult,
                {
                    "analyte": "IgG",
                    "value": Decimal(value),
                    "unit": "mg/dL",
                    "reference_low": Decimal("700"),
                    "reference_high": Decimal("1600"),
                    "collected_on": cal.ago(days_ago),
                    "notes": f"IgG {note}.",
                },
            )
        )
    entries.append(
        (
            "sam/pneumonia",
            InfectionEpisode,
            {
                "kind": "pneumonia",
                "onset": cal.ago(345),
                "resolved_on": cal.ago(330),
                "severity": "moderate",
                "max_temperature_c": Decimal("38.9"),
                "confirmed_by_clinician": True,
                "notes": "Chest X-ray showed pneumonia. With the weak vaccine response, the team started IVIG.",
            },
        )
    )
    for n, days_ago in enumerate(range(IVIG_FIRST_DAYS_AGO, 0, -IVIG_EVERY_DAYS)):
        first = n == 0
        entries.append(
            (
                f"sam/ivig/{n + 1}",
                Infusion,
                {
                    "given_on": cal.ago(days_ago),
                    "product": IVIG_PRODUCT,
                    "route": "iv",
                    "dose_g": IVIG_DOSE_G,
                    "lot_number": IVIG_LOTS[min(n // 3, len(IVIG_LOTS) - 1)],
                    "sites": None,
                    "reactions": ["fatigue", "headache"] if first else ["none_reported"],
                    "notes": "First infusion at the day unit, given slowly. Mild headache that evening; "
                    "paracetamol helped."
                    if first
                    else "",
                },
            )
        )
    return entries


# Maya grows along her height centile while her weight drifts a little lower: what a growth chart
# is for. Values come from the UK-WHO reference itself (rcpchgrowth), never typed from a chart.
MAYA_BORN = date(2019, 3, 14)
MAYA_VISITS = ((720, -0.5, -0.2), (540, -0.5, -0.3), (360, -0.55, -0.4), (180, -0.5, -0.55), (30, -0.5, -0.7))


def maya_growth(cal: Calendar) -> list[Entry]:
    entries: list[Entry] = []
    for days_ago, height_sds, weight_sds in MAYA_VISITS:
        on = cal.ago(days_ago)
        if on < MAYA_BORN:
            continue
        age = chronological_decimal_age(MAYA_BORN, on)
        height = measurement_from_sds(GROWTH_REFERENCE, height_sds, "height", "female", age)
        weight = measurement_from_sds(GROWTH_REFERENCE, weight_sds, "weight", "female", age)
        entries.append(
            (
                f"maya/growth/{days_ago}",
                Measurement,
                {
                    "measured_on": on,
                    "weight_kg": Decimal(str(round(weight, 1))),
                    "height_cm": Decimal(str(round(height * 2) / 2)),
                    "notes": "Measured at the clinic.",
                },
            )
        )
    return entries


def immune_diaries(cal: Calendar, entry_id: Callable[[str], Any]) -> dict[str, list[Entry]]:
    """The immune-record entries of each demo profile, by the loader's profile key."""
    return {"sam": sam_immune_record(cal, entry_id), "maya": maya_growth(cal)}
