"""Liveness and readiness probes for load balancers and the compose health checks.

`/readyz` names each part and says "ok" or "down", nothing more: the reason goes to the log,
for operators, never into a public response.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

from .tasks import HEARTBEAT_KEY

log = logging.getLogger(__name__)


def _database_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure means "not ready"; operators read why in the log
        log.warning("readiness: database down", exc_info=True)
        return False
    return True


def _broker_up() -> bool:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True  # embedded mode: tasks run in-process, there is no broker to reach
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        log.warning("readiness: broker down", exc_info=True)
        return False
    return True


def _cache_up() -> bool:
    ping = getattr(cache, "ping", None)
    if ping is None:
        return True  # a process-local cache cannot be away
    if not ping():
        log.warning("readiness: Redis cache down (requests use the per-process fallback)")
        return False
    return True


def _worker_up() -> bool:
    """Beat asks a worker to record a heartbeat every minute; three missed ones mean no worker
    (or no beat) — something the broker check cannot see."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    beat = cache.get(HEARTBEAT_KEY)
    try:
        last = datetime.fromisoformat(beat) if beat else None
    except (TypeError, ValueError):
        last = None
    return last is not None and timezone.now() - last < timedelta(minutes=3)


def _evaluation_outbox() -> dict | None:
    """Informational: pending and parked evaluation requests, and how long the oldest has waited."""
    from care.selectors import outbox_status

    try:
        return outbox_status(now=timezone.now())
    except Exception:
        log.warning("readiness: evaluation outbox unreadable", exc_info=True)
        return None


@require_safe
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """503 when the database or the broker is down. A cache outage is reported but does not make
    the service unready: requests are served, with rate limits counted per process."""
    database, broker, shared_cache = _database_up(), _broker_up(), _cache_up()
    ready = database and broker
    body = {
        "status": "ok" if ready else "down",
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
        "cache": "ok" if shared_cache else "down",
        "worker": "ok" if _worker_up() else "down",  # informational, like the cache
        "evaluation_outbox": _evaluation_outbox() if database else None,
    }
    return JsonResponse(body, status=200 if ready else 503)
