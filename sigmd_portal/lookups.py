"""`field__any=[...]`: `field IN (...)` as one array parameter on PostgreSQL (`= ANY(%s)`).

Set-based evaluation filters by the 500 profiles of a batch in every query. As `IN (%s, …)`, each
value is its own placeholder that Django prepares and psycopg quotes into the SQL text, about
3 ms of CPU per query for 500 UUIDs; as one array it is under 1 ms. Elsewhere (SQLite) the same
lookup is a plain IN.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


class AnyOf(In):
    lookup_name = "any"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if self.rhs_is_direct_value() and not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        db_type = field.db_type(connection)
        if db_type in LITERAL_TYPES:
            # Written as the array's text at once: psycopg's list dumper quotes element by element
            # through a regular expression (about 2 ms for 500 UUIDs); a UUID's or an integer's
            # text never needs quoting (to_python makes each value one, or refuses it).
            literal = "{" + ",".join(literal_of(field.to_python(v)) for v in self.rhs) + "}"
            return f"{lhs} = ANY(%s::{db_type}[])", (*lhs_params, literal)
        values = [field.get_db_prep_value(v, connection, prepared=True) for v in self.rhs]
        return f"{lhs} = ANY(%s)", (*lhs_params, values)


# Column types whose values' text is safe in an array literal as it is.
LITERAL_TYPES = {"uuid", "integer", "bigint"}


def literal_of(value: Any) -> str:
    if isinstance(value, uuid.UUID) or (isinstance(value, int) and not isinstance(value, bool)):
        return str(value)
    raise TypeError(f"not a UUID or an integer: {value!r}")


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations keep lookups of their own: `profile_id__any`
