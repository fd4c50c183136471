"""Timestamps come back through psycopg's C loader on PostgreSQL: the same instants, aware, in UTC,
whatever the query (a plain cursor or the server-side one of `.iterator()`). Inside
`uuids_as_text`, UUID columns come back as their text, and as UUIDs again after."""

import datetime as dt

import pytest
from django.db import connection

from diary.models import Profile, SymptomEntry
from sigmd_portal.db import uuids_as_text
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


def test_uuids_read_as_their_text_only_inside_uuids_as_text(require_postgres):
    profile = ProfileFactory()
    rows = Profile.objects.filter(pk=profile.pk).values_list("pk", flat=True)
    with uuids_as_text():
        assert list(rows) == [str(profile.pk)]
    assert list(rows.all()) == [profile.pk]
