"""The three server-side pieces of the PWA: the shell, the manifest and the service worker."""

from __future__ import annotations

import json
import shutil
import struct

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

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
