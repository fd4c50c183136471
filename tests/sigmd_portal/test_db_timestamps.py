"""Timestamps come back through psycopg's C loader on PostgreSQL: the same instants, aware, in UTC,
whatever the query (a plain cursor or the server-side one of `.iterator()`)."""

import datetime as dt

import pytest
from django.db import connection

from diary.models import SymptomEntry
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def test_a_timestamp_reads_back_as_the_instant_written(require_postgres):
    at = dt.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
    entry = SymptomEntry.objects.create(profile=ProfileFactory(), recorded_at=at, symptoms=["cough"])
    read = SymptomEntry.objects.get(pk=entry.pk).recorded_at
    assert read == at and read.utcoffset() == dt.timedelta(0)
    assert [e.recorded_at for e in SymptomEntry.objects.filter(pk=entry.pk).iterator()] == [at]
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(cursor.cursor.adapters.types["timestamptz"].oid, 0)
    assert loader.__module__.startswith("psycopg_binary")  # the C one
