"""Benchmarks: how long the hot paths take, measured (never asserted in tests).

Run with `make bench` (embedded SQLite, in-process tasks) or with DATABASE_URL set for
PostgreSQL. Prints one line per measurement; the README keeps the latest figures.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
import tracemalloc
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigmd_portal.settings")
os.environ.setdefault("SIGMD_THROTTLE_USER", "1000000/min")

import django

django.setup()
logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # one line per in-process task

from django.test.utils import setup_test_environment

setup_test_environment()

from django.db import connection
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases
from django.utils import timezone


def timed(fn, *, repeat: int) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def bench_rules() -> None:
    from care import rules

    today = date(2026, 11, 24)
    kinds = ["otitis_media", "sinusitis", "pneumonia", "upper_respiratory", "thrush"]
    facts = rules.Facts(
        date(2019, 5, 1),
        episodes=tuple(
            rules.Episode(str(i), kinds[i % 5], today - timedelta(days=i * 9)) for i in range(200)
        ),
        symptoms=tuple(rules.Symptoms(str(i), today - timedelta(days=i * 3), ("fever",)) for i in range(600)),
        treatments=tuple(
            rules.Treatment(
                str(i), "antibiotic", today - timedelta(days=i * 18), today - timedelta(days=i * 18 - 9)
            )
            for i in range(100)
        ),
    )
    tracemalloc.start()
    median, p95 = timed(lambda: rules.evaluate(facts, today), repeat=200)
    peak = tracemalloc.get_traced_memory()[1] / 1024
    tracemalloc.stop()
    print(
        f"rules.evaluate, 5-year diary (900 entries): median {median:.2f} ms, p95 {p95:.2f} ms, peak {peak:.0f} KiB"
    )


def bench_api() -> None:
    from rest_framework.test import APIClient

    from tests.factories import ProfileFactory, UserFactory

    user = UserFactory(email=f"bench-{uuid.uuid4()}@example.org", role="caregiver")
    profile: Any = ProfileFactory(managed_by=[user], date_of_birth=date(2019, 5, 1))
    client = APIClient()
    client.force_authenticate(user)
    today = timezone.localdate()

    def create() -> None:
        body = {"kind": "otitis_media", "onset": str(today - timedelta(days=30)), "severity": "mild"}
        assert (
            client.post(f"/api/v1/profiles/{profile.id}/infections/", body, format="json").status_code == 201
        )

    median, p95 = timed(create, repeat=200)
    print(
        f"POST infection (guidance + outbox + evaluation in-process): median {median:.1f} ms, p95 {p95:.1f} ms"
    )
    body = {
        "kind": "otitis_media",
        "onset": str(today - timedelta(days=30)),
        "severity": "mild",
        "id": str(uuid.uuid4()),
    }
    client.post(f"/api/v1/profiles/{profile.id}/infections/", body, format="json")
    median, p95 = timed(
        lambda: client.post(f"/api/v1/profiles/{profile.id}/infections/", body, format="json"), repeat=100
    )
    print(f"POST replay of an existing id: median {median:.1f} ms, p95 {p95:.1f} ms")
    median, p95 = timed(lambda: client.get(f"/api/v1/profiles/{profile.id}/infections/"), repeat=50)
    print(f"GET infections list (201 entries): median {median:.1f} ms, p95 {p95:.1f} ms")
    median, p95 = timed(lambda: client.get(f"/api/v1/profiles/{profile.id}/summary"), repeat=50)
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/api/v1/profiles/{profile.id}/summary")
    print(
        f"GET 12-month summary (201 entries): median {median:.1f} ms, p95 {p95:.1f} ms, "
        f"{len(queries)} queries"
    )


def bench_list() -> None:
    """The symptoms list with a year of entries: one page through the API, and the view's
    serialization of one page alone (the part the planned output cut)."""
    from rest_framework.test import APIClient

    from diary.api import listed_columns
    from diary.models import SymptomEntry
    from diary.serializers import SymptomEntrySerializer
    from tests.factories import ProfileFactory, UserFactory

    user: Any = UserFactory(email=f"bench-{uuid.uuid4()}@example.org", role="caregiver")
    profile: Any = ProfileFactory(managed_by=[user], date_of_birth=date(2019, 5, 1))
    now = timezone.now()
    SymptomEntry.objects.bulk_create(
        SymptomEntry(
            profile=profile,
            created_by=user,
            recorded_at=now - timedelta(days=i, hours=3),
            symptoms=["fever", "cough"] if i % 3 else ["runny_nose"],
            temperature_c=Decimal("38.1") if i % 3 else None,
        )
        for i in range(365)
    )
    client = APIClient()
    client.force_authenticate(user)
    url = f"/api/v1/profiles/{profile.id}/symptoms/"
    median, p95 = timed(lambda: client.get(url), repeat=200)
    print(f"GET symptoms list, 365 entries, one page of 50: median {median:.1f} ms, p95 {p95:.1f} ms")
    rows = SymptomEntry.objects.filter(profile=profile).select_related("created_by")
    page = list(rows.only(*listed_columns(SymptomEntry))[:50])
    median, p95 = timed(lambda: SymptomEntrySerializer(page, many=True).data, repeat=500)
    print(f"symptoms list, 365 entries, serialize one page of 50: median {median:.2f} ms, p95 {p95:.2f} ms")


if __name__ == "__main__":
    print(f"database: {connection.vendor}; python {sys.version.split()[0]}")
    bench_rules()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        bench_api()
        bench_list()
    finally:
        teardown_databases(old, verbosity=0)
