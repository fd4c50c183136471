"""The three server-side pieces of the PWA: the shell, the manifest and the service worker."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import struct

import pytest
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client

from tests.static_files import (
    body,
    hashed_names,
    is_hashed,
    module_specifiers,
    modules_loaded,
    static_references,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client()


def png_size(path: str) -> tuple[int, int]:
    with open(path, "rb") as png:
        header = png.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_the_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "SIgMD Portal"
    assert manifest["short_name"] == "SIgMD"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/app/", "/", "standalone")
    assert manifest["theme_color"] and manifest["background_color"]
    icons = {(icon["sizes"], icon.get("purpose", "any")): icon for icon in manifest["icons"]}
    assert set(icons) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, _), icon in icons.items():
        assert icon["type"] == "image/png"
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        assert "x".join(map(str, png_size(path))) == sizes


def test_the_service_worker_is_served_from_the_root_with_scope_slash(client):
    from pwa import views

    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    config = json.loads(body.split("\n", 1)[0].removeprefix("const SHELL = ").removesuffix(";"))
    assert {"/app/", "/manifest.webmanifest", "/static/pwa/app.js", "/static/pwa/app.css"} <= set(
        config["shell"]
    )
    for url in config["shell"]:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    assert '"/api/"' in body and '"/_allauth/"' in body  # the prefixes it never caches
    # Every module of the client is kept, screens and components included, and the urgent-care
    # article with them.
    client_files = {
        f"/static/pwa/{p.relative_to(views.CLIENT_DIR).as_posix()}"
        for p in views.CLIENT_DIR.rglob("*.js")
        if p.name != "sw.js"
    }
    assert client_files <= set(config["shell"])
    assert {"/static/pwa/screens/diary.js", "/static/pwa/components/timeline.js"} <= client_files
    assert config["pages"] == ["/learn/when-to-seek-urgent-care/"]


def test_the_worker_version_changes_with_the_shell(tmp_path, monkeypatch):
    """A changed shell file means a new worker, which fetches the new shell."""
    from pwa import views

    before = views.shell_version()
    copy = tmp_path / "pwa"
    shutil.copytree(views.CLIENT_DIR, copy)
    monkeypatch.setattr(views, "CLIENT_DIR", copy)
    assert views.shell_version() == before
    (copy / "app.js").write_text((copy / "app.js").read_text() + "\n// changed\n")
    assert views.shell_version() != before


def test_the_app_shell_sets_the_csrf_cookie_and_loads_only_its_own_files(client):
    response = client.get("/app/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    html = response.content.decode()
    assert 'href="/static/pwa/app.css"' in html
    assert '<script type="module" src="/static/pwa/app.js"></script>' in html
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    # The CSP allows no inline script or style, and nothing from another origin.
    assert "style=" not in html and "<style" not in html
    assert "<script>" not in html and "https://" not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_a_signed_in_clinician_is_sent_from_the_app_to_the_clinic(client):
    from tests.factories import CareTeamFactory, UserFactory, clinician_in

    client.force_login(clinician_in(CareTeamFactory()))
    response = client.get("/app/")
    assert (response.status_code, response["Location"]) == (302, "/clinic/")
    client.force_login(UserFactory(role="caregiver"))
    assert client.get("/app/").status_code == 200


# --- the production shape: DEBUG off, collectstatic, WhiteNoise ---------------------------------


def worker_config(client: Client) -> dict:
    first_line = client.get("/sw.js").content.decode().split("\n", 1)[0]
    return json.loads(first_line.removeprefix("const SHELL = ").removesuffix(";"))


def test_in_production_the_shell_loads_every_module_by_its_hashed_name(production_static, client):
    from pwa import views

    html = client.get("/app/").content.decode()
    references = static_references(html)
    assert {"/static/pwa/app.css", "/static/pwa/app.js"}.isdisjoint(references)
    assert references and all(is_hashed(url, production_static) for url in references), references
    (entry,) = re.findall(r'<script type="module" src="([^"]+)"', html)
    modules = modules_loaded(client, entry)
    # Every import of every module names a hashed file (modules_loaded fetched each one) …
    imports = [url for urls in modules.values() for url in urls]
    assert imports and all(is_hashed(url, production_static) for url in imports)
    # … none was lost on the way (as many as the sources have), and the page reaches the whole
    # client: every module but the worker.
    sources = [p for p in views.CLIENT_DIR.rglob("*.js") if p.name != "sw.js"]
    assert len(imports) == sum(len(module_specifiers(p.read_text())) for p in sources)
    names = hashed_names(production_static)
    client_modules = {f"/static/{names[n]}" for n in views.shell_files() if n.endswith(".js")}
    assert set(modules) == client_modules


def test_in_production_the_worker_precaches_the_hashed_urls_the_page_asks_for(production_static, client):
    config = worker_config(client)
    static = [url for url in config["shell"] if url.startswith("/static/")]
    assert static and all(is_hashed(url, production_static) for url in static), static
    for url in static:
        assert client.get(url).status_code == 200, url
    html = client.get("/app/").content.decode()
    (entry,) = re.findall(r'<script type="module" src="([^"]+)"', html)
    # What the page asks for is exactly what the worker keeps, so the shell opens offline.
    asked_for = {*static_references(html), *modules_loaded(client, entry)}
    assert asked_for <= set(static)
    assert config["stylesheet"] in static and config["stylesheet"] in asked_for
    assert staticfiles_storage.url("site.css") in static  # the urgent-care article's stylesheet
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    assert all(is_hashed(icon["src"], production_static) for icon in manifest["icons"])


def test_in_production_hashed_files_are_cached_for_good_and_plain_ones_briefly(production_static, client):
    hashed = staticfiles_storage.url("pwa/app.js")
    assert hashed != "/static/pwa/app.js"
    response = client.get(hashed, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"])[1])
    assert "immutable" in response["Cache-Control"] and max_age >= 365 * 24 * 3600
    assert response["Content-Encoding"] == "gzip"  # compressed by collectstatic
    assert gzip.decompress(body(response)).startswith(b"//")
    # The plain name still answers (a phone with the previous worker asks for it), for a minute.
    plain = client.get("/static/pwa/app.js")
    assert plain.status_code == 200
    assert plain["Cache-Control"] == "max-age=60, public"
    # The worker keeps its fixed URL and is never taken from a stale cache.
    assert "no-cache" in client.get("/sw.js")["Cache-Control"]
