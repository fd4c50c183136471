"""gzip for the public pages only, never for a response that could carry a secret.

Compressing a response that holds a secret next to text an attacker controls lets the attacker
guess the secret from the compressed length (BREACH). Django's GZipMiddleware pads with random
bytes ("Heal The BREACH") and masks the CSRF token, and its documentation still says to avoid
it when in doubt. So the rule here is by construction: compress only the pages that are the
same for everyone and hold neither health data nor a token (the landing page, /learn/, the app
shell and its manifest and worker); the API, allauth, the clinic, share links and the admin stay
uncompressed whatever the client accepts. Static files are compressed ahead of time by
collectstatic and served by WhiteNoise, which this middleware sits after.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

PUBLIC_PAGES = frozenset({"/", "/app/", "/manifest.webmanifest", "/sw.js"})
PUBLIC_PREFIXES = ("/learn/",)


def is_public_page(path: str) -> bool:
    return path in PUBLIC_PAGES or path.startswith(PUBLIC_PREFIXES)


class PublicPageGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, for the public pages (see the module's docstring)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not is_public_page(request.path_info):
            return response
        # A public path answering with private or unstorable content (none does today) would
        # be health data or a session: never compressed either.
        cache_control = response.get("Cache-Control", "")
        if "private" in cache_control or "no-store" in cache_control:
            return response
        return super().process_response(request, response)
