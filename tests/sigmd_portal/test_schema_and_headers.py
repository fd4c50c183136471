import pytest
from django.test import Client


@pytest.mark.django_db
def test_the_schema_describes_the_session_token_scheme():
    schema = Client().get("/api/schema/?format=json").json()
    assert schema["components"]["securitySchemes"]["sessionToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Session-Token",
        "description": schema["components"]["securitySchemes"]["sessionToken"]["description"],
    }
    assert "/api/v1/profiles/{profile_id}/infections/" in schema["paths"]


@pytest.mark.django_db
def test_the_docs_are_served_from_the_project_not_a_cdn():
    page = Client().get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()


def test_pages_carry_a_strict_content_security_policy():
    response = Client().get("/healthz")
    policy = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in policy
        and "object-src 'none'" in policy
        and "frame-ancestors 'none'" in policy
    )
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
