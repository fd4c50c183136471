"""The API's one exception handler (HackSoft style): every error becomes JSON
`{"code": str, "detail": str}` — validation errors add `errors: {field: [message, ...]}`.

Domain errors (`diary.errors.DomainError`) raised by services are mapped here, and only here,
to their status codes; views never translate them by hand.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from diary.errors import DomainError


def domain_error_response(exc: DomainError) -> Response:
    body: dict[str, Any] = {"code": exc.code, "detail": exc.detail}
    if exc.field:
        body["errors"] = {exc.field: [exc.detail]}
    return Response(body, status=exc.status_code)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return domain_error_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: a bug, answered 500 and logged by Django
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"code": "invalid", "detail": "Invalid input.", "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"code": getattr(detail, "code", "error"), "detail": str(detail)}
    return response


def not_found(request, exception=None):
    """Django's 404 for URLs no view matched (e.g. an id that is not a UUID): JSON under /api/,
    like every other API error; the usual page elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)
    return page_not_found(request, exception)
