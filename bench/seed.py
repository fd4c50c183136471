"""Realistic benchmark data, written with PostgreSQL COPY (millions of rows in a minute).

A profile gets a year of diary entries in the demo data's mix: infections (ear, sinus, colds,
now and then a pneumonia or an unresolved thrush), symptom entries, antibiotic courses,
vaccinations and lab results. Columns not given take the model field's default, so the seeder
keeps working when a model gains a field with a default or a null.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, models
from psycopg.types.json import Jsonb

from diary.models import (
    CareLink,
    InfectionEpisode,
    LabResult,
    Profile,
    SymptomEntry,
    Treatment,
    Vaccination,
)

NOW = datetime.now(UTC)
CHUNK = 5000  # profiles per COPY round: bounded memory
KINDS = ["otitis_media", "upper_respiratory", "sinusitis", "pharyngitis", "bronchitis", "gastrointestinal"]


def copy_rows(model: type[models.Model], rows: Iterable[dict]) -> int:
    """COPY dict rows into the model's table; missing columns get the field's default."""
    fields = list(model._meta.concrete_fields)
    defaults: dict[str, object] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = NOW
        else:  # the field's default, or "" for text fields, or None
            value = f.get_default()
            defaults[f.attname] = Jsonb(value) if isinstance(f, models.JSONField) else value
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    columns = ", ".join(f'"{f.column}"' for f in fields)
    count = 0
    sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = []
            for f in fields:
                if f.attname in row:
                    v = row[f.attname]
                    values.append(Jsonb(v) if f.attname in json_fields else v)
                else:
                    values.append(defaults[f.attname])
            copy.write_row(values)
            count += 1
    return count


def profiles(n: int, *, today: date, rng: random.Random) -> list[dict]:
    rows = []
    for i in range(n):
        child = i % 3 != 0  # two children to one adult, as in an immunology clinic's mix
        years = rng.randint(1, 16) if child else rng.randint(18, 70)
        dob = today - timedelta(days=years * 365 + rng.randint(0, 364))
        rows.append(
            {
                "id": uuid.uuid4(),
                "display_name": f"Bench {i}",
                "date_of_birth": dob,
                "sex": rng.choice(["female", "male"]),
                "relationship": "child" if child else "self",
            }
        )
    return rows


def diary(profile_id: uuid.UUID, *, today: date, rng: random.Random, entries: int = 50) -> Iterator[tuple]:
    """(model, row) pairs: about a year of a diary, `entries` rows in all."""
    infections, symptoms, treatments = entries * 12 // 50, entries * 30 // 50, entries * 5 // 50
    vaccinations, labs = entries * 2 // 50, entries - (entries * 49 // 50)
    for _ in range(infections):
        onset = today - timedelta(days=rng.randint(0, 364))
        kind = rng.choice(KINDS)
        yield (
            InfectionEpisode,
            {
                "id": uuid.uuid4(),
                "profile_id": profile_id,
                "kind": kind,
                "onset": onset,
                "resolved_on": min(today, onset + timedelta(days=rng.randint(3, 12))),
                "severity": rng.choice(["mild", "mild", "moderate"]),
            },
        )
    for _ in range(symptoms):
        day = today - timedelta(days=rng.randint(0, 364))
        yield (
            SymptomEntry,
            {
                "id": uuid.uuid4(),
                "profile_id": profile_id,
                "recorded_at": datetime.combine(day, time(19), tzinfo=UTC),
                "symptoms": rng.sample(["fever", "cough", "ear_pain", "runny_nose", "fatigue"], 2),
                "temperature_c": Decimal(rng.choice(["37.2", "37.8", "38.4", "38.9"])),
                "severity": rng.randint(1, 6),
            },
        )
    for _ in range(treatments):
        start = today - timedelta(days=rng.randint(5, 364))
        yield (
            Treatment,
            {
                "id": uuid.uuid4(),
                "profile_id": profile_id,
                "kind": "antibiotic",
                "name": "amoxicillin",
                "route": "oral",
                "started_on": start,
                "ended_on": start + timedelta(days=7),
            },
        )
    for _ in range(vaccinations):
        yield (
            Vaccination,
            {
                "id": uuid.uuid4(),
                "profile_id": profile_id,
                "vaccine": rng.choice(["PCV20", "influenza"]),
                "given_on": today - timedelta(days=rng.randint(0, 364)),
            },
        )
    for _ in range(labs):
        yield (
            LabResult,
            {
                "id": uuid.uuid4(),
                "profile_id": profile_id,
                "analyte": "IgM",
                "value": Decimal("0.2"),
                "unit": "g/L",
                "reference_low": Decimal("0.4"),
                "reference_high": Decimal("2.3"),
                "collected_on": today - timedelta(days=rng.randint(0, 364)),
            },
        )


def seed_profiles(n: int, *, today: date, entries: int = 50, seed: int = 2026) -> list[uuid.UUID]:
    """n profiles with `entries` diary rows each; returns their ids."""
    rng = random.Random(seed)
    rows = profiles(n, today=today, rng=rng)
    copy_rows(Profile, rows)
    ids = [r["id"] for r in rows]
    for start in range(0, len(ids), CHUNK):
        batch: dict[type[models.Model], list[dict]] = {}
        for pid in ids[start : start + CHUNK]:
            for model, row in diary(pid, today=today, rng=rng, entries=entries):
                batch.setdefault(model, []).append(row)
        for model, model_rows in batch.items():
            copy_rows(model, model_rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return ids


def link_all(team, profile_ids: list[uuid.UUID]) -> int:
    return copy_rows(
        CareLink, ({"id": uuid.uuid4(), "profile_id": p, "team_id": team.pk} for p in profile_ids)
    )
