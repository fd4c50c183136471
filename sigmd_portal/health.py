"""Liveness and readiness probes for load balancers and the compose health checks."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

from .tasks import HEARTBEAT_KEY


def _database_ok() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means "not ready"; the body names it
        return f"{type(exc).__name__}: {exc}"
    return None


def _broker_ok() -> str | None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None  # embedded mode: tasks run in-process, there is no broker to reach
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    body = {name: ("ok" if error is None else {"error": error}) for name, error in checks.items()}
    ready = all(error is None for error in checks.values())
    body["status"] = "ok" if ready else "unavailable"
    # Informational: a stale heartbeat means no worker or no beat, which the broker check can't see.
    body["worker_heartbeat"] = cache.get(HEARTBEAT_KEY) if checks["broker"] is None else None
    return JsonResponse(body, status=200 if ready else 503)
