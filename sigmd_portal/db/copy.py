"""New rows in bulk by COPY on PostgreSQL.

Django's bulk_create on PostgreSQL sends each column as one array (`INSERT … SELECT * FROM
UNNEST(%s::uuid[], …)`), and psycopg writes a Python list as an array element by element through
a regular expression: for the alerts and inbox rows of a batch of evaluations that was about a
fifth of the batch's CPU. COPY sends the rows as they are, each value by its own dumper. For rows
that cannot conflict with existing ones (new alerts, their inbox rows): COPY has no ON CONFLICT.
Elsewhere (SQLite) it is bulk_create.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models


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
            copy.write_row([f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields])
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias
