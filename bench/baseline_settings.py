"""The same-run baseline: a bare Django + DRF endpoint inserting the same diary row.

Served by its own gunicorn with `DJANGO_SETTINGS_MODULE=bench.baseline`, on the same database
and the same machine, so the benchmark compares the project's write path with what Django and
DRF cost on their own: no allauth session, no throttle, no history, no guidance, no outbox.
"""

from __future__ import annotations

from sigmd_portal.settings import *  # noqa: F403 — the same stack, minus the project's layers

ROOT_URLCONF = "bench.baseline_urls"
# allauth refuses to start without its middleware; it only reads the request.
MIDDLEWARE = ["django.middleware.common.CommonMiddleware", "allauth.account.middleware.AccountMiddleware"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}
