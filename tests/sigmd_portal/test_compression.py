"""gzip for the public pages; never for anything with health data, a session or a token (BREACH)."""

from __future__ import annotations

import gzip

import pytest
from django.test import Client

from tests.conftest import pass_second_factor

pytestmark = pytest.mark.django_db

ACCEPTS = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.mark.parametrize("path", ["/", "/learn/", "/app/"])
def test_a_public_page_is_gzipped_for_a_browser_that_accepts_it(path):
    client = Client()
    plain = client.get(path)
    assert plain.status_code == 200 and not plain.has_header("Content-Encoding")
    compressed = client.get(path, **ACCEPTS)
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    # The same page, in fewer bytes (plus the random padding Django adds against BREACH).
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content)


def test_a_gzipped_article_list_still_answers_304_to_its_etag():
    client = Client()
    first = client.get("/learn/", **ACCEPTS)
    assert first["Content-Encoding"] == "gzip" and first["ETag"].startswith('W/"')
    again = client.get("/learn/", HTTP_IF_NONE_MATCH=first["ETag"], **ACCEPTS)
    assert again.status_code == 304


def test_nothing_with_health_data_a_session_or_a_token_is_compressed(owner, child, clinician, linked_child):
    family = Client()
    family.force_login(owner)
    clinic = Client()
    clinic.force_login(clinician)
    pass_second_factor(clinic, clinician)
    for client, path in [
        (family, "/api/v1/profiles/"),
        (family, f"/api/v1/profiles/{child.pk}/"),
        (family, "/_allauth/browser/v1/auth/session"),
        (clinic, "/clinic/"),
        (clinic, f"/clinic/patients/{linked_child.pk}/"),
        (Client(), "/clinic/sign-in/"),  # a form with the CSRF token
    ]:
        response = client.get(path, **ACCEPTS)
        assert response.status_code == 200, path
        assert len(response.content) > 200, path  # long enough that it would have been compressed
        assert not response.has_header("Content-Encoding"), path
    assert "no-store" in family.get("/api/v1/profiles/", **ACCEPTS)["Cache-Control"]
