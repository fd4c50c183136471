"""Rows out without DRF's per-row, per-field generic work.

DRF's `Serializer.to_representation` walks each field's source through a generic attribute
getter (mapping or object, callable or not), and every `DateTimeField` asks for the current time
zone again before converting: for a list of entries that was most of the serializer's time. A
serializer with `PlannedOutputMixin` works that out once per serializer instance — a list's child
serializer renders every row of the page — and then renders each row as a loop of plain
attribute reads and the fields' own `to_representation`. The JSON is the same
(tests/sigmd_portal/test_output.py compares every entry type with DRF's own rendering).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from operator import attrgetter
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

Getter = Callable[[Any], Any]
Render = Callable[[Any], Any]


def model_column(model: type[models.Model], source_attrs: list[str]) -> bool:
    """Whether the source is one of the model's own columns (or a foreign key's id): read with
    a plain getattr, it gives what DRF's getter gives (never a callable, a mapping or a missing
    related object)."""
    if len(source_attrs) != 1:
        return False
    try:
        field = model._meta.get_field(source_attrs[0])
    except FieldDoesNotExist:  # a property, a method, "*" (the whole object)
        return False
    return bool(getattr(field, "concrete", False)) and (
        not field.is_relation or getattr(field, "attname", None) == source_attrs[0]
    )


def datetime_render(field: serializers.DateTimeField) -> Render | None:
    """DRF's ISO 8601 rendering with the field's time zone looked up once, not per value."""
    if type(field).to_representation is not serializers.DateTimeField.to_representation:
        return None  # a subclass renders its own way
    if getattr(field, "format", api_settings.DATETIME_FORMAT) != ISO_8601:
        return None
    zone: tzinfo | None = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if zone is None:
        return None

    def render(value: Any) -> Any:
        if not isinstance(value, datetime) or value.tzinfo is None:
            return field.to_representation(value)  # text, or naive: DRF's own handling
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return render


def field_plan(field: serializers.Field, model: type[models.Model]) -> tuple[str, bool, Getter, Render]:
    """(key, whether the getter is DRF's own, getter, render) for one readable field."""
    plain = model_column(model, field.source_attrs)
    getter = attrgetter(field.source_attrs[0]) if plain else field.get_attribute
    render = datetime_render(field) if isinstance(field, serializers.DateTimeField) else None
    return field.field_name, not plain, getter, render or field.to_representation


class PlannedOutputMixin:
    """For serializers of model instances (see the module's docstring)."""

    def to_representation(self, instance: Any) -> Any:
        if not isinstance(instance, models.Model):
            return super().to_representation(instance)  # type: ignore[misc]  # the serializer after this mixin in the MRO
        # __class__, not type(): request.user comes wrapped in a SimpleLazyObject, which passes
        # isinstance() for the model it wraps (and reads like one) but is not its type.
        model = instance.__class__
        plans = self.__dict__.setdefault("_output_plans", {})
        plan = plans.get(model)
        if plan is None:
            readable = self._readable_fields  # type: ignore[attr-defined]  # a mixin: the serializer it joins has them
            plan = plans[model] = [field_plan(f, model) for f in readable]
        out = {}
        for key, drf_getter, getter, render in plan:
            if drf_getter:
                try:
                    value = getter(instance)
                except SkipField:
                    continue
                if isinstance(value, PKOnlyObject) and value.pk is None:
                    value = None
            else:
                value = getter(instance)
            out[key] = None if value is None else render(value)
        return out
