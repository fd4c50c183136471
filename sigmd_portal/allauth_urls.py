"""allauth's headless URLs, without the endpoints this service does not use.

allauth mounts phone-number endpoints, login-by-code confirmation and JWT token refresh
whatever the settings; unconfigured, they answer 500. Not mounted, they are a plain 404.
"""

from __future__ import annotations

from allauth.headless import urls as headless_urls
from django.urls import URLPattern, URLResolver

UNUSED = frozenset(
    {
        "manage_phone",
        "verify_phone",
        "resend_phone_verification_code",
        "confirm_login_code",
        "refresh",
    }
)


def _without_unused(patterns: list) -> list[URLPattern | URLResolver]:
    kept: list[URLPattern | URLResolver] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            kept.append(
                URLResolver(
                    entry.pattern,
                    _without_unused(entry.url_patterns),
                    entry.default_kwargs,
                    entry.app_name,
                    entry.namespace,
                )
            )
        elif entry.name not in UNUSED:
            kept.append(entry)
    return kept


urlpatterns = _without_unused(headless_urls.urlpatterns)
app_name = headless_urls.app_name
