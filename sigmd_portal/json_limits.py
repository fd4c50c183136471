"""Bounded JSON bodies: too large or nested too deep is a 400, for DRF's views and allauth's.

Python's json module recurses once per nesting level, so a body nested ~1,000 deep raises
RecursionError (a 500) wherever it is parsed. The middleware checks every JSON request body
before any view sees it; the DRF parser applies the same check to what it parses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class UnacceptableJSON(ValueError):
    """Too large or too deep: refused before any view sees it."""


class InvalidJSON(UnacceptableJSON):
    """Not JSON at all: each view answers that in its own shape."""


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed value, without recursion (a scalar is 0, `[]` is 1)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def json_load_bounded(raw: bytes | str) -> Any:
    """Parse JSON, refusing what is too large or too deep with UnacceptableJSON."""
    if len(raw) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise UnacceptableJSON(f"The body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        value = None
        depth = None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidJSON(f"The body is not valid JSON: {exc}") from None
    else:
        depth = json_depth(value)
    if depth is None or depth > settings.SIGMD_MAX_JSON_DEPTH:
        raise UnacceptableJSON(f"The JSON is nested deeper than {settings.SIGMD_MAX_JSON_DEPTH} levels.")
    return value


def _bad_request(detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": "parse_error"}, status=400)


class JSONLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        content_type = request.content_type or ""
        if content_type == "application/json" or content_type.endswith("+json"):
            try:
                body = request.body  # Django enforces DATA_UPLOAD_MAX_MEMORY_SIZE here
            except RequestDataTooBig:
                return _bad_request(f"The body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
            if body:
                try:
                    json_load_bounded(body)
                except InvalidJSON:
                    pass  # each view answers malformed JSON in its own shape
                except UnacceptableJSON as exc:
                    return _bad_request(str(exc))
        return self.get_response(request)


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        try:
            return json_load_bounded(raw)
        except UnacceptableJSON as exc:
            raise ParseError(str(exc)) from None
