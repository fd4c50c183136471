"""Rows of several tables in one query (UNION ALL), for reads that need a little of everything.

The summary reads seven entry tables and the rules' facts four of them again; a query per table
made its cost grow with every section. Here each part is a queryset and the fields it needs; the
parts become the branches of one UNION ALL (a column a branch lacks is a typed NULL), and come
back as instances of each part's model with only those fields loaded — as `.only()` gives them, so
reading another field would cost a query of its own, which the query-count tests would show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Cast

PART = "part"  # the column naming each row's part


class Part(NamedTuple):
    rows: models.QuerySet
    # Field names of the part's model; `relation__field` loads that related object with the
    # field (and its key), one level deep.
    fields: Sequence[str]


def field_of(model: type[models.Model], lookup: str) -> models.Field:
    for name in lookup.split("__")[:-1]:
        model = model._meta.get_field(name).related_model  # type: ignore[assignment]  # a relation's model
    return model._meta.get_field(lookup.split("__")[-1])  # type: ignore[return-value]  # concrete, never a reverse relation


def column_types(parts: Mapping[str, Part]) -> dict[str, models.Field]:
    """Every column of the union and the field that types it: one column per field name, shared
    by the parts that have it (an `id`, a `given_on`), which must agree on its type."""
    columns: dict[str, models.Field] = {}
    for name, part in parts.items():
        for lookup in part.fields:
            field = field_of(part.rows.model, lookup)
            if "__" in lookup and field_of(part.rows.model, lookup.split("__")[0]).attname not in part.fields:
                raise ValueError(f"{name}.{lookup}: list the relation's key too")
            known = columns.setdefault(lookup, field)
            if known.get_internal_type() != field.get_internal_type():
                raise TypeError(
                    f"{name}.{lookup} is a {field.get_internal_type()}, elsewhere a {known.get_internal_type()}"
                )
    return columns


def read_together(parts: Mapping[str, Part]) -> dict[str, list[Any]]:
    """Each part's rows (in no particular order: sort in Python), by part name."""
    if not parts:
        return {}
    columns = column_types(parts)
    aliases = {lookup: f"c{i}" for i, lookup in enumerate(columns)}
    branches = [
        part.rows.order_by()
        .prefetch_related(None)
        .annotate(
            **{PART: Value(name, output_field=models.CharField())},
            **{
                aliases[lookup]: F(lookup) if lookup in part.fields else Cast(Value(None), output_field=field)
                for lookup, field in columns.items()
            },
        )
        .values_list(PART, *aliases.values())
        for name, part in parts.items()
    ]
    union = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    found: dict[str, list[Any]] = {name: [] for name in parts}
    for row in union:
        name, values = row[0], dict(zip(columns, row[1:], strict=True))
        found[name].append(instance(parts[name], values, columns))
    return found


def exact(value: Any, field: models.Field) -> Any:
    """The value as the field's own query would give it. The database converts a column as the
    first branch types it: SQLite then hands back another branch's decimals as floats made decimal
    (38.6 → 38.6000000000000) and a foreign key's UUIDs as text."""
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places))
    return field.to_python(value)


def instance(part: Part, values: dict[str, Any], columns: dict[str, models.Field]) -> models.Model:
    """One row as an instance of the part's model, its related objects attached."""
    model = part.rows.model
    own = [lookup for lookup in part.fields if "__" not in lookup]
    obj = loaded(model, part.rows.db, {lookup: exact(values[lookup], columns[lookup]) for lookup in own})
    relations: dict[str, dict[str, Any]] = {}
    for lookup in part.fields:
        if "__" in lookup:
            relation, name = lookup.split("__", 1)
            relations.setdefault(relation, {})[name] = exact(values[lookup], columns[lookup])
    for relation, related_values in relations.items():
        field = model._meta.get_field(relation)
        key = getattr(obj, field.attname)  # type: ignore[union-attr]  # a forward relation has an attname
        related = None
        if key is not None:
            related_values[field.target_field.attname] = key  # type: ignore[union-attr]  # a foreign key's target
            related = loaded(field.related_model, part.rows.db, related_values)  # type: ignore[arg-type]  # a forward relation's model
        setattr(obj, relation, related)
    return obj


def loaded(model: type[models.Model], db: str, values: dict[str, Any]) -> models.Model:
    """An instance with these fields loaded and the others deferred, as the ORM builds one."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    if len(names) != len(values):
        raise ValueError(f"not concrete fields of {model.__name__}: {sorted(set(values) - set(names))}")
    return model.from_db(db, names, [values[name] for name in names])
