"""New rows in bulk by COPY on PostgreSQL.

Django's bulk_create on PostgreSQL sends each column as one array (`INSERT … SELECT * FROM
UNNEST(%s::uuid[], …)`), and psycopg writes a Python list as an array element by element through
a regular expression: for the alerts and inbox rows of a batch of evaluations that was about a
fifth of the batch's CPU. COPY sends the rows as they are, each value by its own dumper. For rows
that cannot conflict with existing ones (new alerts, their inbox rows): COPY has no ON CONFLICT.
Elsewhere (SQLite) it is bulk_create.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
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
        preparers = [(f, preparer(f, connection)) for f in fields]
        for row in rows:
            copy.write_row([prepare(f.pre_save(row, True)) for f, prepare in preparers])
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
    models.DateTimeField: (),  # aware datetimes: see preparer()
}
INTEGERS = (
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
)


def kept(field: models.Field) -> tuple[type, ...]:
    """The value types `field`'s preparation keeps as they are, none if unknown (for a foreign key:
    those of the field it points to)."""
    if type(field) is models.ForeignKey:
        return kept(field.target_field)
    kinds = KEPT.get(type(field))
    return () if kinds is None else (type(None), *kinds)


def preparer(field: models.Field, connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """`field.get_db_prep_save(value, connection)` on PostgreSQL, without the field's conversions
    and checks where they would give the value back: a kept type, an aware datetime, an int (the
    backend's sized integer type, as the field ends in). What the field is, is decided once for all
    the rows of a copy; each value only has its type looked at."""
    kinds = kept(field)
    datetimes = type(field) is models.DateTimeField
    integers = type(field) in INTEGERS
    internal_type = field.get_internal_type()

    def prepare(value: Any) -> Any:
        if type(value) in kinds:
            return value
        if datetimes and type(value) is datetime and value.tzinfo is not None:
            return value
        if integers and type(value) is int:
            return connection.ops.adapt_integerfield_value(value, internal_type)
        return field.get_db_prep_save(value, connection)

    return prepare
