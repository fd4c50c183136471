"""API plumbing shared by every app: strict serializers, cursor pages, the schema's error
responses, the auth scheme. (Errors themselves are turned into JSON in `exceptions.py`.)"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions, relations, serializers


def json_type_error(field: serializers.Field, value: Any) -> str | None:
    """The JSON type the schema documents for this field, if the value has another one.

    DRF would coerce `0` into "0" for a text field or "true" into True for a boolean; the
    schema promises a type, so a value of another type is refused (400), never coerced."""
    if value is None:
        return None  # null is judged by the field itself (allow_null)
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "Must be true or false."
    if isinstance(field, serializers.IntegerField):
        return None if isinstance(value, int) and not isinstance(value, bool) else "Must be a whole number."
    if isinstance(field, serializers.DecimalField | serializers.FloatField):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if getattr(field, "coerce_to_string", False):  # a decimal the schema shows as a string
            ok = ok or isinstance(value, str)
        return None if ok else "Must be a number."
    if isinstance(
        field,
        serializers.CharField
        | serializers.ChoiceField
        | serializers.UUIDField
        | serializers.DateField
        | serializers.DateTimeField,
    ):
        return None if isinstance(value, str) else "Must be a string."
    return None


# Rejects fields the serializer does not know or does not let you write, so nothing is
# mass-assigned silently, and values of another JSON type than the schema documents. (A comment,
# not a docstring: drf-spectacular would show a docstring on every serializer built on it.)
class StrictSerializerMixin:
    # False for a serializer that validates text rather than JSON (e.g. a YAML file read as
    # text, where every value is a string): only unknown and read-only fields are refused then.
    json_types = True

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            fields = self.fields  # type: ignore[attr-defined]  # a mixin: the serializer it joins has fields
            unknown = sorted(set(data) - set(fields))
            if unknown:
                raise serializers.ValidationError({name: ["This field is not allowed."] for name in unknown})
            # The server sets these (a version, a timestamp): sending one is refused, not ignored.
            read_only = sorted(name for name in data if fields[name].read_only)
            if read_only:
                raise serializers.ValidationError({name: ["This field is read-only."] for name in read_only})
            wrong = {
                name: [message]
                for name, value in data.items()
                if self.json_types and (message := json_type_error(fields[name], value))
            }
            if wrong:
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)  # type: ignore[misc]  # the serializer after this mixin in the MRO


class StrictSerializer(StrictSerializerMixin, serializers.Serializer):
    pass


def field_copy(field: serializers.Field) -> serializers.Field:
    """A fresh, unbound copy of a field built earlier. A plain field holds nothing per request but
    what `bind` sets on it, so a shallow copy serves (DRF's deepcopy runs its constructor again);
    nested serializers and related fields are deep-copied, as DRF does."""
    if isinstance(field, serializers.BaseSerializer | relations.ManyRelatedField):
        return copy.deepcopy(field)
    clone = copy.copy(field)
    child = getattr(field, "child", None)
    if isinstance(child, serializers.Field):  # a list's or a dict's items: bound to their list
        clone.child = field_copy(child)
        clone.child.parent = clone
    return clone


class PrebuiltFieldsMixin:
    """ModelSerializer builds its fields from the model for every instance, twice per write (the
    body's serializer and the answer's); here once per class, copied for each instance."""

    _prebuilt_fields: ClassVar[dict[str, serializers.Field] | None] = None

    def get_fields(self) -> dict[str, serializers.Field]:
        cls = type(self)
        prebuilt = cls.__dict__.get("_prebuilt_fields")  # this class's own, never a base class's
        if prebuilt is None:
            prebuilt = super().get_fields()  # type: ignore[misc]  # the serializer after this mixin in the MRO
            cls._prebuilt_fields = prebuilt
        return {name: field_copy(field) for name, field in prebuilt.items()}


class StrictModelSerializer(StrictSerializerMixin, PrebuiltFieldsMixin, serializers.ModelSerializer):
    pass


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": "Session token from the django-allauth headless app client "
            "(`meta.session_token` of `/_allauth/app/v1/auth/login`).",
        }


# --- the schema: errors every operation can answer -------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """Every API error: a stable `code` for programs and a `detail` for people."""

    code = serializers.CharField()
    detail = serializers.CharField()


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="Messages by field name (`non_field_errors` for the body as a whole).",
    )


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: nothing was changed.",
    "401": "Not signed in, or the session has ended.",
    "403": "Signed in but not allowed (e.g. a clinician without two-factor authentication).",
    "404": "Not found, or not yours: others' objects are never revealed.",
    "415": "The body must be JSON.",
    "429": "Too many requests: try again later (see `Retry-After`).",
}


class SigmdAutoSchema(AutoSchema):
    """drf-spectacular's schema, plus the error responses each operation can really give.

    A view may describe its own success and domain-error responses by method with a
    `schema_responses(method) -> dict | None` hook (the entry views do, per entry type)."""

    def get_response_serializers(self) -> Any:
        hook = getattr(self.view, "schema_responses", None)
        described = hook(self.method) if hook else None
        return described if described is not None else super().get_response_serializers()

    def _map_serializer(self, serializer: Any, direction: Any, bypass_extensions: bool = False) -> dict:
        # A strict serializer refuses fields it does not know: say so in the schema.
        mapped = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and isinstance(serializer, StrictSerializerMixin):
            mapped["additionalProperties"] = False
        return mapped

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> dict:
        # DRF refuses a NUL character in any text field: the schema says so with a pattern.
        mapped = super()._map_serializer_field(field, direction, bypass_extensions)
        if not isinstance(mapped, dict):
            return mapped  # e.g. a hidden field: nothing to describe
        if direction == "request" and isinstance(field, serializers.SlugField) and "pattern" not in mapped:
            mapped["pattern"] = "^[-a-zA-Z0-9_]+$"  # what SlugField accepts (not allow_unicode)
        plain_text = mapped.get("type") == "string" and not {"format", "enum", "pattern"} & set(mapped)
        if direction == "request" and isinstance(field, serializers.CharField) and plain_text:
            mapped["pattern"] = "^[^\\u0000]*$"
        return mapped

    def _get_request_body(self, direction: Any = "request") -> Any:
        # drf-spectacular describes bodies for POST, PUT and PATCH only; a view whose DELETE
        # reads one (`delete_takes_body = True`) has it described like a POST's.
        if self.method == "DELETE" and getattr(self.view, "delete_takes_body", False):
            self.method = "POST"
            try:
                return super()._get_request_body(direction)
            finally:
                self.method = "DELETE"
        return super()._get_request_body(direction)

    def _get_response_bodies(self, direction: Any = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        for code in self.error_codes():
            if code not in responses:
                serializer = ValidationErrorSerializer if code == "400" else ErrorSerializer
                response = self._get_response_for_code(serializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses

    def error_codes(self) -> list[str]:
        view = self.view
        codes = []
        public = all(isinstance(permission, permissions.AllowAny) for permission in view.get_permissions())
        if (
            self.method in {"POST", "PUT", "PATCH", "DELETE"}
            or self._is_list_view()
            or getattr(view, "validates_query", False)
        ):
            codes.append("400")  # a body, a filter, a query or a page size that does not validate
        if not public:
            codes += ["401", "403"]
        if "{" in self.path or self._is_list_view():
            codes.append("404")  # an id not yours, or a forged page cursor
        if self.method in {"POST", "PUT", "PATCH"}:
            codes.append("415")
        if view.get_throttles():
            codes.append("429")
        return codes
