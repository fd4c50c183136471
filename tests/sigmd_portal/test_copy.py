"""`rows_copy` stores new rows as bulk_create would: the same values read back (instants in any time
zone, JSON, empty and null columns), auto_now timestamps set on the instances; each value is sent
as its field prepares it, also where the field is skipped because that preparation keeps it."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from care.models import Alert, Notification
from sigmd_portal.db.copy import preparer, rows_copy
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


def alert(dedup_key: str, **fields) -> Alert:
    return Alert(
        profile=ProfileFactory(),
        rule="frequent_ear_infections",
        priority="routine",
        summary="4 ear infections in 365 days",
        threshold=4,
        window_days=365,
        age_band="child",
        evidence=[{"type": "episode", "id": "e1"}],
        dedup_key=dedup_key,
        **fields,
    )


def stored(row: Alert) -> dict:
    values = Alert.objects.filter(pk=row.pk).values().get()
    return {
        k: v
        for k, v in values.items()
        if k not in {"id", "profile_id", "dedup_key", "created_at", "updated_at"}
    }


def test_copied_rows_read_back_as_bulk_created_ones(require_postgres):
    acknowledged = dt.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=IST)
    copied, created = (
        alert("copied", acknowledged_at=acknowledged),
        alert("created", acknowledged_at=acknowledged),
    )
    rows_copy(Alert, [copied])
    Alert.objects.bulk_create([created])

    assert stored(copied) == stored(created)
    assert stored(copied)["acknowledged_at"] == acknowledged and stored(copied)["escalated_at"] is None
    read = Alert.objects.get(pk=copied.pk)
    assert copied.created_at is not None and read.created_at == copied.created_at
    assert read.updated_at == copied.updated_at and not copied._state.adding


@pytest.mark.parametrize("model", [Alert, Notification])
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")  # a date, given as a sample
def test_each_value_goes_to_the_database_as_the_field_prepares_it(require_postgres, model):
    samples = [None, "text", "", True, 4, uuid.uuid4(), dt.date(2026, 3, 29), [{"id": "e1"}],
               dt.datetime(2026, 3, 29, 1, 30, tzinfo=IST), dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)]  # fmt: skip
    for field in model._meta.concrete_fields:
        prepared = preparer(field, connection)
        for value in samples:
            try:
                expected = field.get_db_prep_save(value, connection)
            except (TypeError, ValueError, ValidationError) as refused:
                with pytest.raises(type(refused)):  # what the field refuses stays refused
                    prepared(value)
                continue
            got = prepared(value)
            assert (type(got), repr(got)) == (type(expected), repr(expected)), (field.name, value)
