"""New rows in bulk by COPY on PostgreSQL.

Django's bulk_create on PostgreSQL sends each column as one array (`INSERT … SELECT * FROM
UNNEST(%s::uuid[], …)`), and psycopg writes a Python list as an array element by element through
a regular expression: for the alerts and inbox rows of a batch of evaluations that was about a
fifth of the batch's CPU. COPY sends the rows as they are, each value by its own dumper. For rows
that cannot conflict with existing ones (new alerts, their inbox rows): COPY has no ON CONFLICT.
Elsewhere (SQLite) it is bulk_create.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper


def rows_copy(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Insert `rows` (new instances of `model`), as bulk_create would: auto_now values set, keys
    a database sequence makes left unset on the instances."""
    if not rows:
        return
    connection = connections[
        DEFAULT_DB_ALIAS
    ]  # the connection itself, not the per-thread proxy: read per value
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(rows)
        return
    fields = [
        f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(  # psycopg's own cursor: COPY is its API
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row([prepared(f, f.pre_save(row, True), connection) for f in fields])
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias


# What Django's preparation of a value for PostgreSQL keeps as it is, by the field's exact class:
# to_python() of a str or a bool is that value, UUIDs are native, the backend's adapt_*_value()
# returns dates and datetimes unchanged, and None stays None. Preparing every value of a batch
# through its field was most of the time of writing a region's new alerts.
KEPT: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.BooleanField: (bool,),
    models.UUIDField: (uuid.UUID,),
    models.DateField: (date,),
    models.DateTimeField: (),  # aware datetimes: see prepared()
}
INTEGERS = (
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
)


@functools.cache
def kept(field: models.Field) -> tuple[type, ...] | None:
    """The value types `field`'s preparation keeps as they are, or None (for a foreign key: those
    of the field it points to)."""
    if type(field) is models.ForeignKey:
        return kept(field.target_field)
    kinds = KEPT.get(type(field))
    return None if kinds is None else (type(None), *kinds)


def prepared(field: models.Field, value: Any, connection: BaseDatabaseWrapper) -> Any:
    """`field.get_db_prep_save(value, connection)` on PostgreSQL, without the field's conversions
    and checks where they would give the value back: a kept type, an aware datetime, an int (the
    backend's sized integer type, as the field ends in)."""
    kinds = kept(field)
    if kinds is not None and type(value) in kinds:
        return value
    if type(value) is datetime and value.tzinfo is not None and type(field) is models.DateTimeField:
        return value
    if type(value) is int and type(field) in INTEGERS:
        return connection.ops.adapt_integerfield_value(value, field.get_internal_type())
    return field.get_db_prep_save(value, connection)
