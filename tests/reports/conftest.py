"""A year of Ada's diary, as her parents would have logged it, and a second family's for
checking that nothing of theirs leaks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from care.models import Alert
from diary.models import (
    InfectionEpisode,
    Infusion,
    LabResult,
    Measurement,
    SymptomEntry,
    Treatment,
    Vaccination,
)
from tests.factories import ProfileFactory, UserFactory


def today() -> dt.date:
    return timezone.localdate()


def add_lab(profile, analyte: str, value: str, unit: str, reference: tuple[str, str], *, days_ago: int = 0):
    """A result with the range printed on its own lab report."""
    return LabResult.objects.create(
        profile=profile,
        analyte=analyte,
        value=Decimal(value),
        unit=unit,
        reference_low=Decimal(reference[0]),
        reference_high=Decimal(reference[1]),
        collected_on=today() - dt.timedelta(days=days_ago),
    )


def seed_diary(profile, *, tag: str = "") -> dict[str, list]:
    """Four ear infections, a pneumonia in hospital, antibiotics, a vaccine, IgM and IgG results."""
    t = today()
    episodes = [
        InfectionEpisode.objects.create(
            profile=profile,
            kind="otitis_media",
            onset=t - dt.timedelta(days=d),
            severity="mild",
            resolved_on=t - dt.timedelta(days=d - 5),
            notes=f"ear {tag}",
        )
        for d in (300, 200, 120, 40)
    ]
    episodes.append(
        InfectionEpisode.objects.create(
            profile=profile,
            kind="pneumonia",
            onset=t - dt.timedelta(days=60),
            severity="severe",
            hospitalized=True,
            iv_antibiotics=True,
            organism="S. pneumoniae",
            resolved_on=t - dt.timedelta(days=50),
            notes=f"pneumonia {tag}",
        )
    )
    symptoms = [
        SymptomEntry.objects.create(
            profile=profile,
            recorded_at=timezone.now() - dt.timedelta(days=60),
            symptoms=["fever", "cough"],
            temperature_c=Decimal("39.2"),
            severity=6,
            notes=f"hot {tag}",
        )
    ]
    treatments = [
        Treatment.objects.create(
            profile=profile,
            kind="antibiotic",
            name="Amoxicillin",
            route="oral",
            started_on=t - dt.timedelta(days=40),
            ended_on=t - dt.timedelta(days=33),
            notes=f"amox {tag}",
        ),
        Treatment.objects.create(
            profile=profile,
            kind="antibiotic",
            name="Ceftriaxone",
            route="iv",
            started_on=t - dt.timedelta(days=60),
            ended_on=t - dt.timedelta(days=53),
        ),
    ]
    vaccinations = [
        Vaccination.objects.create(profile=profile, vaccine="PCV20", given_on=t - dt.timedelta(days=90))
    ]
    labs = [
        add_lab(profile, "IgM", "18", "mg/dL", ("40", "230"), days_ago=400),
        add_lab(profile, "IgM", "18", "mg/dL", ("40", "230"), days_ago=100),
        add_lab(profile, "IgG", "9.1", "g/L", ("6", "16"), days_ago=100),
    ]
    return {
        "episodes": episodes,
        "symptoms": symptoms,
        "treatments": treatments,
        "vaccinations": vaccinations,
        "labs": labs,
    }


@pytest.fixture
def diary(child):
    return seed_diary(child, tag="ada")


@pytest.fixture
def immune_record(child):
    """A PCV20 with serotype 14 titres before and after, weight and height, and an infusion with
    a red-flag reaction."""
    pcv = Vaccination.objects.create(profile=child, vaccine="PCV20", given_on=today() - dt.timedelta(days=90))
    titres = [
        LabResult.objects.create(
            profile=child,
            analyte="pneumococcal_titer",
            value=Decimal(value),
            unit="ug/mL",
            collected_on=today() - dt.timedelta(days=days_ago),
            serotype="14",
            timing=timing,
            vaccination=pcv,
        )
        for timing, value, days_ago in (("pre", "0.5", 95), ("post", "2.4", 60))
    ]
    both = Measurement.objects.create(
        profile=child,
        measured_on=today() - dt.timedelta(days=10),
        weight_kg=Decimal("20.2"),
        height_cm=Decimal("114.5"),
    )
    weight_only = Measurement.objects.create(
        profile=child, measured_on=today() - dt.timedelta(days=200), weight_kg=Decimal("18.4")
    )
    infusion = Infusion.objects.create(
        profile=child,
        given_on=today() - dt.timedelta(days=5),
        product="Privigen",
        route="iv",
        dose_g=Decimal("20"),
        lot_number="P100777",
        reactions=["breathing_difficulty", "headache"],
    )
    return {"vaccination": pcv, "titres": titres, "measurements": [both, weight_only], "infusion": infusion}


@pytest.fixture
def other_family(db):
    """A second, unrelated account with a diary of its own."""
    parent = UserFactory(email="other.parent@example.net", role="caregiver", display_name="Other Parent")
    profile = ProfileFactory(display_name="Zed", managed_by=[parent])
    return parent, profile, seed_diary(profile, tag="zed")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` runs what a request would run after commit (task dispatch), as a real
    commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def make_alert(profile, team=None, **fields) -> Alert:
    """An alert as the evaluation would have raised it (default: four ear infections)."""
    defaults = {
        "rule": "recurrent_ear_infections",
        "priority": "routine",
        "summary": "4 ear infections in 365 days (threshold 4).",
        "threshold": 4,
        "window_days": 365,
        "age_band": "child",
        "dedup_key": f"{team and team.pk}:{profile.pk}:{fields.get('rule', 'recurrent_ear_infections')}",
    }
    return Alert.objects.create(profile=profile, team=team, **{**defaults, **fields})


@pytest.fixture
def throttle_window(time_machine) -> None:
    """Without Redis the throttles count in fixed windows (a whole minute, a whole hour): start at
    the beginning of an hour, so that no window ends while the test counts."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    time_machine.move_to(hour)
