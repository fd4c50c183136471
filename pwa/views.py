"""The PWA's three entry points: the app shell, its manifest and its service worker.

Everything else the client needs is a static file under pwa/static/pwa/. The client talks to
the REST API and allauth's headless browser client only; these views hold no health data.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

CLIENT_DIR = Path(__file__).resolve().parent / "static" / "pwa"
SITE_STATIC_DIR = settings.BASE_DIR / "static"
SHELL_TEMPLATE = Path(__file__).resolve().parent / "templates" / "pwa" / "app.html"

# The app shell: what the service worker precaches so /app/ opens with no connection — every
# file of the client (its modules, screens and components), except the worker itself, and the
# stylesheet of the /learn/ pages, so the urgent-care article kept with the shell reads right.
SHELL_SUFFIXES = {".js", ".css", ".png"}
PAGES_STYLESHEET = "site.css"


def shell_files() -> list[str]:
    """The shell's static files by name: `pwa/app.js`, `pwa/screens/diary.js`, … and `site.css`."""
    client = (
        f"pwa/{path.relative_to(CLIENT_DIR).as_posix()}"
        for path in CLIENT_DIR.rglob("*")
        if path.suffix in SHELL_SUFFIXES and path.name != "sw.js"
    )
    return sorted([*client, PAGES_STYLESHEET])


# Pages kept with the shell but fetched one by one, so a page missing from this server never
# stops the worker installing: the urgent-care article opens with no signal from the first day.
URGENT_CARE_PAGE = "/learn/when-to-seek-urgent-care/"
THEME_COLOR = "#0b4f6c"
BACKGROUND_COLOR = "#ffffff"


def shell_urls() -> list[str]:
    """Each file under the URL the page asks for: in production its hashed name (the modules
    import each other by hashed name too, see sigmd_portal/storage.py), so the precached copy is
    the one the page loads; in the embedded DEBUG mode its plain name."""
    return ["/app/", "/manifest.webmanifest", *(staticfiles_storage.url(name) for name in shell_files())]


def shell_version() -> str:
    """Changes whenever a shell file changes, so the browser installs the new worker."""
    digest = hashlib.sha256()
    for path in [SHELL_TEMPLATE, CLIENT_DIR / "sw.js", *(shell_file_path(n) for n in shell_files())]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def shell_file_path(name: str) -> Path:
    if name == PAGES_STYLESHEET:
        return SITE_STATIC_DIR / name
    return CLIENT_DIR / name.removeprefix("pwa/")


@require_safe
@ensure_csrf_cookie  # the client reads the csrftoken cookie for its X-CSRFToken header
def app_shell(request: HttpRequest) -> HttpResponse:
    # The diary is for families; a clinician's place is the clinic's pages.
    if request.user.is_authenticated and request.user.is_clinician:
        return redirect("/clinic/")
    response = render(request, "pwa/app.html", {"theme_color": THEME_COLOR})
    patch_cache_control(response, no_cache=True)
    return response


def icon(name: str, sizes: str, **extra: str) -> dict[str, str]:
    return {"src": staticfiles_storage.url(f"pwa/icons/{name}"), "sizes": sizes, "type": "image/png", **extra}


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    body = {
        "id": "/app/",
        "name": "SIgMD Portal",
        "short_name": "SIgMD",
        "description": "Infection diary and reliable information for selective IgM deficiency.",
        "lang": "en",
        "start_url": "/app/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["health", "medical"],
        "icons": [
            icon("icon-192.png", "192x192"),
            icon("icon-512.png", "512x512"),
            icon("icon-maskable-512.png", "512x512", purpose="maskable"),
        ],
    }
    response = HttpResponse(json.dumps(body, indent=2), content_type="application/manifest+json")
    patch_cache_control(response, no_cache=True)
    return response


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """sw.js from the site root, so its scope can be the whole site (the /learn/ pages too)."""
    config = {
        "version": shell_version(),
        "shell": shell_urls(),
        "pages": [URGENT_CARE_PAGE],
        # The offline page's stylesheet, under the precached (hashed) URL.
        "stylesheet": staticfiles_storage.url("pwa/app.css"),
    }
    source = (CLIENT_DIR / "sw.js").read_text(encoding="utf-8")
    body = f"const SHELL = {json.dumps(config)};\n{source}"
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # Browsers re-check the worker on every navigation; it must never come from a stale cache.
    patch_cache_control(response, no_cache=True)
    return response
